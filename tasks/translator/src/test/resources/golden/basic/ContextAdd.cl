// ContextAdd (ContextAdd.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__kernel void ContextAdd_add(__global float* a, __global float* b, __global float* c, int n, int a_length, int b_length, int c_length) {
    int i = (int)get_global_id(0);
    if (i < n) {
        c[i] = a[i] + b[i];
    }
}
