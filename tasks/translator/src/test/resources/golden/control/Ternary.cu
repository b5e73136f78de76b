// Ternary (Ternary.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ __forceinline__ void sparse_await_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

extern "C" __global__ void Ternary_pick(float* a, int* b, int a_length, int b_length) {
    sparse_await_previous_kernel();
    int i = (int)(blockIdx.x * blockDim.x + threadIdx.x);
    a[i] = a[i] > 0 ? a[i] : -a[i];
    b[i] = b[i] < 0 ? -1 : b[i] == 0 ? 0 : 1;
    int nested = (b[i] > 0 ? b[i] : 0) + 1;
    float mixed = i % 2 == 0 ? 1 : 0.5f;
    b[i] = i > 3 ? (nested > 2 ? 2 : nested) : 7;
    a[i] += mixed;
}
