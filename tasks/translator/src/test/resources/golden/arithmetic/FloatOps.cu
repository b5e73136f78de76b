// FloatOps (FloatOps.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ long long sparse_float_to_long(float x) {
    return x != x ? 0LL : __float2ll_rz(x);
}

__device__ __forceinline__ void sparse_await_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

extern "C" __global__ void FloatOps_ops(float* a, int* ints, long long* longs, short* shorts, signed char* bytes, int a_length, int ints_length, int longs_length, int shorts_length, int bytes_length) {
    sparse_await_previous_kernel();
    int i = (int)(blockIdx.x * blockDim.x + threadIdx.x);
    float x = a[i];
    a[0] = x * 2.5f - x / 3.0f + 1.0E-5f;
    a[1] = fmodf(x, 1.5f);
    a[2] = -x;
    x = fmodf(x, 0.75f);
    x += ints[i];
    x *= 0.5f;
    ints[0] = __float2int_rz(x);
    longs[0] = sparse_float_to_long(x);
    shorts[0] = (short)__float2int_rz(x);
    bytes[0] = (signed char)__float2int_rz(x);
    a[3] = (float)ints[1] + (float)longs[1];
    a[4] = ints[2] / 2;
    a[5] = (float)(ints[3] / 2);
}
