// AsyncCopy (AsyncCopy.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ __forceinline__ void sparse_copy_to_local_async(int* to, const int* from) {
#if __CUDA_ARCH__ >= 800
    asm volatile("cp.async.cg.shared.global.L2::128B [%0], [%1], 16;"
                 :: "r"((unsigned int)__cvta_generic_to_shared(to)), "l"(from) : "memory");
#else
    *(int4*)to = *(const int4*)from;
#endif
}

__device__ __forceinline__ void sparse_commit_copies() {
#if __CUDA_ARCH__ >= 800
    asm volatile("cp.async.commit_group;" ::: "memory");
#endif
}

template <int batches>
__device__ __forceinline__ void sparse_await_copies() {
#if __CUDA_ARCH__ >= 800
    asm volatile("cp.async.wait_group %0;" :: "n"(batches) : "memory");
#endif
}

__device__ __forceinline__ void sparse_await_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

extern "C" __global__ void AsyncCopy_tileSums(int* in, int* out, int tiles, int in_length, int out_length) {
    __shared__ __align__(16) int tile[512];
    sparse_await_previous_kernel();
    int lid = (int)threadIdx.x;
    sparse_copy_to_local_async(tile + 4 * lid, in + 4 * lid);
    sparse_commit_copies();
    int sum = 0;
    for (int t = 0; t < tiles; t++) {
        if (t + 1 < tiles) {
            sparse_copy_to_local_async(tile + ((t + 1) % 2 * 256 + 4 * lid), in + ((t + 1) * 256 + 4 * lid));
        }
        sparse_commit_copies();
        sparse_await_copies<1>();
        __syncthreads();
        sum += tile[t % 2 * 256 + lid];
        __syncthreads();
    }
    sparse_await_copies<0>();
    out[(int)(blockIdx.x * blockDim.x + threadIdx.x)] = sum;
}

extern "C" __global__ void AsyncCopy_forms(int* in, int mode, int in_length) {
    __shared__ __align__(16) int tile[8];
    sparse_await_previous_kernel();
    sparse_copy_to_local_async(tile, in + ((int)threadIdx.x << 2));
    switch (mode) {
        case 0: {
            sparse_commit_copies();
            break;
        }
        default: {
            sparse_await_copies<0>();
            break;
        }
    }
    in[(int)(blockIdx.x * blockDim.x + threadIdx.x)] = tile[4];
}
