// Fields (Fields.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

extern "C" __global__ void Fields_fields(int* out, int out_length) {
    int base = ((int)(blockIdx.y * blockDim.y + threadIdx.y) * (int)(gridDim.x * blockDim.x) + (int)(blockIdx.x * blockDim.x + threadIdx.x)) * 8;
    out[base] = (int)threadIdx.x;
    out[base + 1] = (int)threadIdx.y;
    out[base + 2] = (int)blockIdx.x;
    out[base + 3] = (int)blockIdx.y;
    out[base + 4] = (int)(gridDim.y * blockDim.y);
    out[base + 5] = (int)blockDim.x;
    out[base + 6] = (int)blockDim.y;
    out[base + 7] = (int)(blockIdx.x * blockDim.x + threadIdx.x);
}
