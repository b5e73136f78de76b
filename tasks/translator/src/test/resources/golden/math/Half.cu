// Half (Half.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ float sparse_half_to_float(short bits) {
    float f;
    asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(bits));
    return f;
}

__device__ short sparse_float_to_half(float x) {
    short bits;
    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(bits) : "f"(x));
    return bits;
}

extern "C" __global__ void Half_roundTrip(short* half_, float* out, int n, int half__length, int out_length) {
    for (int i = (int)(blockIdx.x * blockDim.x + threadIdx.x); i < n; i += (int)(gridDim.x * blockDim.x)) {
        float x = sparse_half_to_float(half_[i]);
        out[i] = x;
        half_[i] = sparse_float_to_half(x * 2.0f);
    }
}
