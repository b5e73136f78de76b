// Parallel2d (Parallel2d.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

extern "C" __global__ void Parallel2d_transpose(float* in, float* out, int rows, int in_length, int out_length) {
    for (int r = (int)(blockIdx.x * blockDim.x + threadIdx.x); r < rows; r += (int)(gridDim.x * blockDim.x)) {
        int base = r * 64;
        for (int c = (int)(blockIdx.y * blockDim.y + threadIdx.y); c < 64; c += (int)(gridDim.y * blockDim.y)) {
            out[c * rows + r] = in[base + c];
        }
    }
}

extern "C" __global__ void Parallel2d_fill(int* grid, int width, int grid_length) {
    for (int y = (int)(blockIdx.x * blockDim.x + threadIdx.x); y < 16; y += (int)(gridDim.x * blockDim.x)) {
        for (int x = (int)(blockIdx.y * blockDim.y + threadIdx.y); x < width; x += (int)(gridDim.y * blockDim.y)) {
            grid[y * width + x] = y + x;
        }
    }
}
