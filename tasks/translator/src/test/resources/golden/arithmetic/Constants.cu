// Constants (Constants.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

extern "C" __global__ void Constants_constants(float* a, long long* b, int a_length, int b_length) {
    int i = (int)(blockIdx.x * blockDim.x + threadIdx.x);
    if (true && i < 256) {
        a[i] = a[i] * 0.125f + 3.1415927f + 6.2831855f + -3;
        b[i] = 1099511627776LL + 128 + 32;
    }
}
