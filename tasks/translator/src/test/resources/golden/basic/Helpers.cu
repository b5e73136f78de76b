// Helpers (Helpers.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ __forceinline__ void sparse_await_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

__device__ float Helpers_square(float x) {
    return x * x;
}

__device__ float Helpers_sumOfSquares(float* a, int upTo, int a_length) {
    float sum = 0.0f;
    for (int j = 0; j < upTo && j < a_length; j++) {
        sum += Helpers_square(a[j]);
    }
    return sum;
}

__device__ bool Helpers_isEven(int x) {
    return (x & 1) == 0;
}

__device__ void Helpers_store(float* a, int i, float v, int a_length) {
    if (i >= a_length) {
        return;
    }
    a[i] = v;
}

__device__ void Helpers_sync(int* flags, int i, int flags_length) {
    __syncthreads();
    flags[i] = (int)threadIdx.x;
}

extern "C" __global__ void Helpers_first(float* a, int n, int a_length) {
    for (int i = (int)(blockIdx.x * blockDim.x + threadIdx.x); i < n; i += (int)(gridDim.x * blockDim.x)) {
        a[i] = Helpers_square(a[i]) + Helpers_sumOfSquares(a, i, a_length);
    }
}

extern "C" __global__ void Helpers_second(float* a, int* flags, int a_length, int flags_length) {
    sparse_await_previous_kernel();
    int i = (int)(blockIdx.x * blockDim.x + threadIdx.x);
    if (Helpers_isEven(i)) {
        Helpers_store(a, i, Helpers_square(a[i]), a_length);
    }
    Helpers_sync(flags, i, flags_length);
}
