// Bf16 (Bf16.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

float sparse_bf16_to_float(short bits) {
    return as_float((uint)(ushort)bits << 16);
}

short sparse_float_to_bf16(float x) {
    uint bits = as_uint(x);
    if ((bits & 0x7fffffffu) > 0x7f800000u) {
        return (short)((bits >> 16) | 0x40u);
    }
    return (short)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

__kernel void Bf16_roundTrip(__global short* bf, __global float* out, int n, int bf_length, int out_length) {
    for (int i = (int)get_global_id(0); i < n; i += (int)get_global_size(0)) {
        out[i] = sparse_bf16_to_float(bf[i]);
        bf[i] = sparse_float_to_bf16(out[i] + 1.0f);
    }
}
