// Constants (Constants.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__kernel void Constants_constants(__global float* a, __global long* b, int a_length, int b_length) {
    int i = (int)get_global_id(0);
    if (true && i < 256) {
        a[i] = a[i] * 0.125f + 3.1415927f + 6.2831855f + -3;
        b[i] = 1099511627776L + 128 + 32;
    }
}
