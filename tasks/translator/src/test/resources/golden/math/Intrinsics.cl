// Intrinsics (Intrinsics.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__kernel void Intrinsics_math(__global float* f, __global int* n, int f_length, int n_length) {
    int i = (int)get_global_id(0);
    float x = f[i];
    f[0] = exp(x) + log(x) + sqrt(x) + rsqrt(x);
    f[1] = tanh(x) + sin(x) + cos(x) + pow(x, 2.0f);
    f[2] = floor(x) + fmin(x, 1.0f) + fmax(x, -1.0f) + fabs(x);
    f[3] = fma(x, x, 1.0f);
    f[4] = as_float(as_int(x) & 2147483647);
    n[0] = min(n[1], n[2]) + max(n[1], n[2]) - (int)abs(n[3]);
    n[4] = popcount(n[5]);
}
