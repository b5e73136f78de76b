// Shuffle (Shuffle.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ __forceinline__ void sparse_await_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

__device__ float Shuffle_subGroupSum(float v) {
    int lane = (int)threadIdx.y * (int)blockDim.x + (int)threadIdx.x & 31;
    for (int offset = 16; offset > 0; offset >>= 1) {
        v += __shfl_sync(0xffffffffu, v, lane ^ offset);
    }
    return v;
}

__device__ float Shuffle_subGroupMean(float v) {
    return Shuffle_subGroupSum(v) / 32.0f;
}

extern "C" __global__ void Shuffle_rotateAndSum(float* in, float* rotated, float* means, int in_length, int rotated_length, int means_length) {
    sparse_await_previous_kernel();
    int i = (int)(blockIdx.x * blockDim.x + threadIdx.x);
    float v = in[i];
    rotated[i] = __shfl_sync(0xffffffffu, v, (int)threadIdx.x + 1);
    means[i] = Shuffle_subGroupMean(v);
}

extern "C" __global__ void Shuffle_broadcast(int* in, float* out, int in_length, int out_length) {
    __shared__ __align__(16) float scratch[64];
    sparse_await_previous_kernel();
    int lid = (int)threadIdx.x;
    scratch[lid & 63] = __shfl_sync(0xffffffffu, (float)in[(int)(blockIdx.x * blockDim.x + threadIdx.x)], 0);
    __syncthreads();
    out[(int)(blockIdx.x * blockDim.x + threadIdx.x)] = scratch[lid & 63];
}

extern "C" __global__ void Shuffle_plain(float* a, int a_length) {
    sparse_await_previous_kernel();
    a[(int)(blockIdx.x * blockDim.x + threadIdx.x)] = 1.0f;
}
