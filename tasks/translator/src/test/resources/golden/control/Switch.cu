// Switch (Switch.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ __forceinline__ void sparse_await_previous_kernel() {
#if __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

extern "C" __global__ void Switch_classic(int* a, int a_length) {
    sparse_await_previous_kernel();
    int i = (int)(blockIdx.x * blockDim.x + threadIdx.x);
    int r = 0;
    switch (a[i]) {
        case 0: {
            r = 10;
            break;
        }
        case 1:
        case 2: {
            r = 20;
        }
        case -3: {
            int t = r + 1;
            r = t;
            break;
        }
        default: {
            r = -1;
        }
    }
    a[i] = r;
}

extern "C" __global__ void Switch_arrows(int* a, short* s, int a_length, int s_length) {
    sparse_await_previous_kernel();
    int i = (int)(blockIdx.x * blockDim.x + threadIdx.x);
    switch (s[i]) {
        case 1: case 2: {
            a[i] = 1;
            break;
        }
        case 3: {
            a[i] = 3;
            a[i] += 1;
            break;
        }
        default: {
            a[i] = 0;
            break;
        }
    }
}
