// Booleans (Booleans.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ __forceinline__ void sparse_await_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

extern "C" __global__ void Booleans_flags(int* a, int n, int a_length) {
    sparse_await_previous_kernel();
    int i = (int)(blockIdx.x * blockDim.x + threadIdx.x);
    bool inside = i < n;
    bool odd = (i & 1) == 1;
    bool both = inside && odd;
    bool either = inside || !odd || (odd && inside);
    bool strict = inside & odd | either ^ both;
    strict &= inside;
    strict |= odd;
    if (both != either && strict == true) {
        a[i] = inside ? 1 : 0;
    }
}
