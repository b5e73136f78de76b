// ContextAdd (ContextAdd.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

extern "C" __global__ void ContextAdd_add(float* a, float* b, float* c, int n, int a_length, int b_length, int c_length) {
    int i = (int)(blockIdx.x * blockDim.x + threadIdx.x);
    if (i < n) {
        c[i] = a[i] + b[i];
    }
}
