// Loops (Loops.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ __forceinline__ void sparse_await_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

extern "C" __global__ void Loops_loops(int* a, int n, int a_length) {
    sparse_await_previous_kernel();
    int sum = 0;
    for (int i = 0; i < n; i++) {
        if (a[i] < 0) {
            continue;
        }
        if (a[i] > 100) {
            break;
        }
        sum += a[i];
    }
    for (int i = 0, j = n - 1; i < j; i++, j--) {
        sum += a[i] * a[j];
    }
    int k;
    for (k = 0; ; k++) {
        if (k * k > n) {
            break;
        }
    }
    int w = n;
    while (w > 1) {
        w /= 2;
    }
    do {
        w++;
    } while (w < 10);
    while (true) {
        if (--w < 0) {
            break;
        }
    }
    for (; ; ) {
        break;
    }
    {
        int scoped = 3;
        sum += scoped;
    }
    if (sum > 0) {
        sum = 1;
    } else if (sum < 0) {
        sum = -1;
    } else {
        sum = 0;
    }
    if (n == 0) {
        return;
    }
    a[(int)(blockIdx.x * blockDim.x + threadIdx.x)] = sum + k + w;
}
