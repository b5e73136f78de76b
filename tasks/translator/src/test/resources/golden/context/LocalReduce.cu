// LocalReduce (LocalReduce.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ __forceinline__ void sparse_await_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

extern "C" __global__ void LocalReduce_sum(float* in, float* out, int n, int in_length, int out_length) {
    __shared__ __align__(16) float partial[256];
    __shared__ __align__(16) int counts[16];
    sparse_await_previous_kernel();
    int gid = (int)(blockIdx.x * blockDim.x + threadIdx.x);
    int lid = (int)threadIdx.x;
    partial[lid] = gid < n ? in[gid] : 0.0f;
    if (lid < 16) {
        counts[lid] = 0;
    }
    __syncthreads();
    for (int stride = 256 / 2; stride > 0; stride /= 2) {
        if (lid < stride) {
            partial[lid] += partial[lid + stride];
        }
        __syncthreads();
    }
    if (lid == 0) {
        out[(int)blockIdx.x] = partial[0];
    }
}
