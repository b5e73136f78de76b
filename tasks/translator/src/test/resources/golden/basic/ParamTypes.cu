// ParamTypes (ParamTypes.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ __forceinline__ void sparse_await_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

extern "C" __global__ void ParamTypes_all(int i, long long l, float f, short s, signed char b, float* fa, int* ia, short* sa, signed char* ba, long long* la, int fa_length, int ia_length, int sa_length, int ba_length, int la_length) {
    sparse_await_previous_kernel();
    int k = (int)(blockIdx.x * blockDim.x + threadIdx.x);
    fa[k] = f + fa_length;
    ia[k] = i + ia_length;
    sa[k] = s;
    ba[k] = b;
    la[k] = l + la_length;
}
