// Literals (Literals.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ __forceinline__ void sparse_await_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

extern "C" __global__ void Literals_literals(int* ints, long long* longs, float* floats, int ints_length, int longs_length, int floats_length) {
    sparse_await_previous_kernel();
    ints[0] = -1640531527;
    ints[1] = (-2147483647 - 1);
    ints[2] = (-2147483647 - 1);
    ints[3] = 2147483647;
    ints[4] = 10;
    ints[5] = 15;
    ints[6] = 1000000;
    longs[0] = (-9223372036854775807LL - 1LL);
    longs[1] = 1099511627775LL;
    longs[2] = -1LL;
    floats[0] = __int_as_float(0x7fc00000);
    floats[1] = __int_as_float(0x7f800000);
    floats[2] = __int_as_float(0xff800000);
    floats[3] = 3.4028235E38f;
    floats[4] = 1.4E-45f;
    floats[5] = 0.125f;
    floats[6] = -0.0f;
    floats[7] = 1.0E10f;
    floats[8] = 100;
}
