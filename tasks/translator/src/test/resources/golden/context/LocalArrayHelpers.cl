// LocalArrayHelpers (LocalArrayHelpers.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

float LocalArrayHelpers_sum(__global float* x, int upTo, int x_length) {
    float s = 0.0f;
    for (int i = 0; i <= upTo; i++) {
        s += x[i];
    }
    return s;
}

float LocalArrayHelpers_sum_local_x(__local float* x, int upTo, int x_length) {
    float s = 0.0f;
    for (int i = 0; i <= upTo; i++) {
        s += x[i];
    }
    return s;
}

float LocalArrayHelpers_dotOf_local_x(__local float* x, __global float* y, int upTo, int x_length, int y_length) {
    float s = 0.0f;
    for (int i = 0; i <= upTo && i < x_length; i++) {
        s += x[i] * y[i];
    }
    return s / LocalArrayHelpers_sum_local_x(x, upTo, x_length);
}

float LocalArrayHelpers_dotOf_local_x_y(__local float* x, __local float* y, int upTo, int x_length, int y_length) {
    float s = 0.0f;
    for (int i = 0; i <= upTo && i < x_length; i++) {
        s += x[i] * y[i];
    }
    return s / LocalArrayHelpers_sum_local_x(x, upTo, x_length);
}

void LocalArrayHelpers_offer_local_top(__local int* top, float value, int top_length) {
    atomic_max(&top[0], convert_int_sat(value));
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
}

__kernel void LocalArrayHelpers_tileDot(__global float* a, __global float* b, __global float* out, __global int* best, int a_length, int b_length, int out_length, int best_length) {
    __local float as[64] __attribute__((aligned(16)));
    __local float bs[64] __attribute__((aligned(16)));
    __local int top[1] __attribute__((aligned(16)));
    int lid = (int)get_local_id(0);
    as[lid] = a[(int)get_global_id(0)];
    bs[lid] = b[(int)get_global_id(0)];
    if (lid == 0) {
        top[0] = 0;
    }
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    float dot = LocalArrayHelpers_dotOf_local_x_y(as, bs, lid, 64, 64);
    LocalArrayHelpers_offer_local_top(top, dot, 1);
    if (lid == 0) {
        out[(int)get_group_id(0)] = dot;
        best[(int)get_group_id(0)] = top[0];
    }
}

__kernel void LocalArrayHelpers_sums(__global float* a, __global float* out, int a_length, int out_length) {
    __local float partial[64] __attribute__((aligned(16)));
    partial[(int)get_local_id(0)] = LocalArrayHelpers_sum(a, (int)get_local_id(0), a_length);
    barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
    out[(int)get_global_id(0)] = LocalArrayHelpers_sum_local_x(partial, (int)get_local_id(0), 64) + LocalArrayHelpers_dotOf_local_x(partial, a, (int)get_local_id(0), 64, a_length);
}
