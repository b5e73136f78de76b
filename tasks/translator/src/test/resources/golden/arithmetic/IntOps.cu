// IntOps (IntOps.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ __forceinline__ void sparse_await_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

extern "C" __global__ void IntOps_ops(int* a, int* out, int s, int a_length, int out_length) {
    sparse_await_previous_kernel();
    int i = (int)(blockIdx.x * blockDim.x + threadIdx.x);
    int x = a[i];
    int y = out[i];
    out[0] = x + y - x * y / (y | 1) % 7;
    out[1] = x << 3;
    out[2] = x << 3;
    out[3] = x << (s & 31);
    out[4] = x >> ((s + 1) & 31);
    out[5] = (int)((unsigned int)x >> 28);
    out[6] = (int)((unsigned int)x >> (s & 31));
    out[7] = x & y | x ^ ~y;
    out[8] = -x + y;
    out[9] = -(-x);
    out[10] = x - -1;
    out[11] = (x + y) * (x - y);
    out[12] = x - (y - 1);
    out[13] = x / 3 % 2;
    x += 1;
    x -= y;
    x *= 3;
    x /= 2;
    x %= 5;
    x &= 255;
    x |= 256;
    x ^= y;
    x <<= 2;
    x >>= (s & 31);
    x = (int)((unsigned int)x >> (s & 31));
    a[i] = (int)((unsigned int)a[i] >> 1);
    out[14] = x++ + ++y - x-- - --y;
    out[i]++;
    --out[i];
    a[out[15]++] += 2;
}

extern "C" __global__ void IntOps_narrow(signed char* b, short* s, int b_length, int s_length) {
    sparse_await_previous_kernel();
    int i = (int)(blockIdx.x * blockDim.x + threadIdx.x);
    b[i] = (signed char)(b[i] + 1);
    s[i] = (short)(s[i] * b[i]);
    b[i] += 3;
    s[i] >>= 1;
    int u = (int)((unsigned int)b[i] >> 4);
    s[i] = (short)u;
}
