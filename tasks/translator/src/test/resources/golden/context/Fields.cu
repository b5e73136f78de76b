// Fields (Fields.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ __forceinline__ void sparse_await_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

extern "C" __global__ void Fields_fields(int* out, int out_length) {
    sparse_await_previous_kernel();
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
