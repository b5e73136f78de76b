// Ternary (Ternary.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__kernel void Ternary_pick(__global float* a, __global int* b, int a_length, int b_length) {
    int i = (int)get_global_id(0);
    a[i] = a[i] > 0 ? a[i] : -a[i];
    b[i] = b[i] < 0 ? -1 : b[i] == 0 ? 0 : 1;
    int nested = (b[i] > 0 ? b[i] : 0) + 1;
    float mixed = i % 2 == 0 ? 1 : 0.5f;
    b[i] = i > 3 ? (nested > 2 ? 2 : nested) : 7;
    a[i] += mixed;
}
