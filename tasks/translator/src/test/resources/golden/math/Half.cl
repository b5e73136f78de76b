// Half (Half.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

float sparse_half_to_float(short bits) {
    return vload_half(0, (const half*)&bits);
}

short sparse_float_to_half(float x) {
    short bits;
    vstore_half_rte(x, 0, (half*)&bits);
    return bits;
}

__kernel void Half_roundTrip(__global short* half_, __global float* out, int n, int half__length, int out_length) {
    for (int i = (int)get_global_id(0); i < n; i += (int)get_global_size(0)) {
        float x = sparse_half_to_float(half_[i]);
        out[i] = x;
        half_[i] = sparse_float_to_half(x * 2.0f);
    }
}
