// ParallelLoop (ParallelLoop.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

extern "C" __global__ void ParallelLoop_shift(float* a, float* out, int a_length, int out_length) {
    for (int i = 1 + (int)(blockIdx.x * blockDim.x + threadIdx.x); i < a_length; i += (int)(gridDim.x * blockDim.x)) {
        out[i] = a[i - 1];
    }
}

extern "C" __global__ void ParallelLoop_scale(float* a, int n, float s, int a_length) {
    float twice = s * 2.0f;
    for (int i = (int)(blockIdx.x * blockDim.x + threadIdx.x); i < n; i += (int)(gridDim.x * blockDim.x)) {
        a[i] = a[i] * twice;
    }
}

extern "C" __global__ void ParallelLoop_half(float* a, int n, int a_length) {
    for (int i = (int)(blockIdx.x * blockDim.x + threadIdx.x); i < n / 2; i += (int)(gridDim.x * blockDim.x)) {
        a[i] = 0.5f;
    }
}
