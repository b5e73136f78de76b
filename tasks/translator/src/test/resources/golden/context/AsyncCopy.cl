// AsyncCopy (AsyncCopy.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__kernel void AsyncCopy_tileSums(__global int* in, __global int* out, int tiles, int in_length, int out_length) {
    __local int tile[512] __attribute__((aligned(16)));
    int lid = (int)get_local_id(0);
    vstore4(vload4(0, in + 4 * lid), 0, tile + 4 * lid);
    int sum = 0;
    for (int t = 0; t < tiles; t++) {
        if (t + 1 < tiles) {
            vstore4(vload4(0, in + ((t + 1) * 256 + 4 * lid)), 0, tile + ((t + 1) % 2 * 256 + 4 * lid));
        }
        barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
        sum += tile[t % 2 * 256 + lid];
        barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    }
    out[(int)get_global_id(0)] = sum;
}

__kernel void AsyncCopy_forms(__global int* in, int mode, int in_length) {
    __local int tile[8] __attribute__((aligned(16)));
    vstore4(vload4(0, in + ((int)get_local_id(0) << 2)), 0, tile);
    switch (mode) {
        case 0: {
            break;
        }
        default: {
            break;
        }
    }
    in[(int)get_global_id(0)] = tile[4];
}
