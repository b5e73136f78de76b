// LongOps (LongOps.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ __forceinline__ void sparse_await_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

extern "C" __global__ void LongOps_ops(long long* a, int s, int a_length) {
    sparse_await_previous_kernel();
    int i = (int)(blockIdx.x * blockDim.x + threadIdx.x);
    long long x = a[i];
    long long y = x * 6364136223846793005LL + 1442695040888963407LL;
    a[0] = (long long)((unsigned long long)y >> 33);
    a[1] = y >> (s & 63);
    a[2] = 1LL << (s & 63);
    a[3] = x << 6;
    a[4] = x / 3 + x % 3;
    a[5] = i * x;
    a[6] = (int)x;
    a[7] = (long long)((unsigned long long)x >> (s & 63));
    x = (long long)((unsigned long long)x >> 7);
    x <<= (s & 63);
    a[8] = x;
}
