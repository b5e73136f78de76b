// ParallelLoop (ParallelLoop.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__kernel void ParallelLoop_shift(__global float* a, __global float* out, int a_length, int out_length) {
    for (int i = 1 + (int)get_global_id(0); i < a_length; i += (int)get_global_size(0)) {
        out[i] = a[i - 1];
    }
}

__kernel void ParallelLoop_scale(__global float* a, int n, float s, int a_length) {
    float twice = s * 2.0f;
    for (int i = (int)get_global_id(0); i < n; i += (int)get_global_size(0)) {
        a[i] = a[i] * twice;
    }
}

__kernel void ParallelLoop_half(__global float* a, int n, int a_length) {
    for (int i = (int)get_global_id(0); i < n / 2; i += (int)get_global_size(0)) {
        a[i] = 0.5f;
    }
}
