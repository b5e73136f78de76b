// Bf16 (Bf16.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__device__ float sparse_bf16_to_float(short bits) {
    return __uint_as_float((unsigned int)(unsigned short)bits << 16);
}

__device__ short sparse_float_to_bf16(float x) {
    unsigned int bits = __float_as_uint(x);
    if ((bits & 0x7fffffffu) > 0x7f800000u) {
        return (short)((bits >> 16) | 0x40u);
    }
    return (short)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

extern "C" __global__ void Bf16_roundTrip(short* bf, float* out, int n, int bf_length, int out_length) {
    for (int i = (int)(blockIdx.x * blockDim.x + threadIdx.x); i < n; i += (int)(gridDim.x * blockDim.x)) {
        out[i] = sparse_bf16_to_float(bf[i]);
        bf[i] = sparse_float_to_bf16(out[i] + 1.0f);
    }
}
