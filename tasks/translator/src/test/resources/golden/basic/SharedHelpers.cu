// SharedHelpers (SharedHelpers.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ __forceinline__ void sparse_await_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

__device__ int SharedHelpers_Bits_twice(int v) {
    return 2 * v;
}

__device__ int SharedHelpers_Bits_orderKey(float x) {
    int bits = __float_as_int(x);
    if (bits < 0) {
        bits = bits ^ 2147483647;
    }
    return SharedHelpers_Bits_twice(bits) >> 1;
}

__device__ int SharedHelpers_twice(int v) {
    return v + v;
}

extern "C" __global__ void SharedHelpers_keys(float* x, int* keys, int x_length, int keys_length) {
    sparse_await_previous_kernel();
    int i = (int)(blockIdx.x * blockDim.x + threadIdx.x);
    keys[i] = SharedHelpers_Bits_orderKey(x[i]) + SharedHelpers_twice(21);
}
