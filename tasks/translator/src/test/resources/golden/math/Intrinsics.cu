// Intrinsics (Intrinsics.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ __forceinline__ void sparse_await_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

extern "C" __global__ void Intrinsics_math(float* f, int* n, int f_length, int n_length) {
    sparse_await_previous_kernel();
    int i = (int)(blockIdx.x * blockDim.x + threadIdx.x);
    float x = f[i];
    f[0] = expf(x) + logf(x) + sqrtf(x) + rsqrtf(x);
    f[1] = tanhf(x) + sinf(x) + cosf(x) + powf(x, 2.0f);
    f[2] = floorf(x) + fminf(x, 1.0f) + fmaxf(x, -1.0f) + fabsf(x);
    f[3] = fmaf(x, x, 1.0f);
    f[4] = __int_as_float(__float_as_int(x) & 2147483647);
    n[0] = min(n[1], n[2]) + max(n[1], n[2]) - abs(n[3]);
    n[4] = __popc(n[5]);
}
