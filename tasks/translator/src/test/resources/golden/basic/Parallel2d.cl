// Parallel2d (Parallel2d.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__kernel void Parallel2d_transpose(__global float* in, __global float* out, int rows, int in_length, int out_length) {
    for (int r = (int)get_global_id(0); r < rows; r += (int)get_global_size(0)) {
        int base = r * 64;
        for (int c = (int)get_global_id(1); c < 64; c += (int)get_global_size(1)) {
            out[c * rows + r] = in[base + c];
        }
    }
}

__kernel void Parallel2d_fill(__global int* grid, int width, int grid_length) {
    for (int y = (int)get_global_id(0); y < 16; y += (int)get_global_size(0)) {
        for (int x = (int)get_global_id(1); x < width; x += (int)get_global_size(1)) {
            grid[y * width + x] = y + x;
        }
    }
}
