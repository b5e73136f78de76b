// Atomics (Atomics.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ __forceinline__ void sparse_await_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

extern "C" __global__ void Atomics_histogram(int* values, int* bins, int* stats, int values_length, int bins_length, int stats_length) {
    __shared__ __align__(16) int local_[64];
    sparse_await_previous_kernel();
    int lid = (int)threadIdx.x;
    if (lid < 64) {
        local_[lid] = 0;
    }
    __syncthreads();
    int v = values[(int)(blockIdx.x * blockDim.x + threadIdx.x)];
    atomicAdd(&local_[v & 63], 1);
    __syncthreads();
    if (lid < 64) {
        int old = atomicAdd(&bins[lid], local_[lid]);
    }
    atomicMax(&stats[0], v);
    atomicMin(&stats[1], v);
    int seen = atomicCAS(&stats[2], 0, v);
    if (seen == 0) {
        atomicAdd(&stats[3], 1);
    }
}
