// Helpers (Helpers.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

float Helpers_square(float x) {
    return x * x;
}

float Helpers_sumOfSquares(__global float* a, int upTo, int a_length) {
    float sum = 0.0f;
    for (int j = 0; j < upTo && j < a_length; j++) {
        sum += Helpers_square(a[j]);
    }
    return sum;
}

bool Helpers_isEven(int x) {
    return (x & 1) == 0;
}

void Helpers_store(__global float* a, int i, float v, int a_length) {
    if (i >= a_length) {
        return;
    }
    a[i] = v;
}

void Helpers_sync(__global int* flags, int i, int flags_length) {
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    flags[i] = (int)get_local_id(0);
}

__kernel void Helpers_first(__global float* a, int n, int a_length) {
    for (int i = (int)get_global_id(0); i < n; i += (int)get_global_size(0)) {
        a[i] = Helpers_square(a[i]) + Helpers_sumOfSquares(a, i, a_length);
    }
}

__kernel void Helpers_second(__global float* a, __global int* flags, int a_length, int flags_length) {
    int i = (int)get_global_id(0);
    if (Helpers_isEven(i)) {
        Helpers_store(a, i, Helpers_square(a[i]), a_length);
    }
    Helpers_sync(flags, i, flags_length);
}
