// FloatOps (FloatOps.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

long sparse_float_to_long(float x) {
    return x != x ? 0L : convert_long_sat(x);
}

__kernel void FloatOps_ops(__global float* a, __global int* ints, __global long* longs, __global short* shorts, __global char* bytes, int a_length, int ints_length, int longs_length, int shorts_length, int bytes_length) {
    int i = (int)get_global_id(0);
    float x = a[i];
    a[0] = x * 2.5f - x / 3.0f + 1.0E-5f;
    a[1] = fmod(x, 1.5f);
    a[2] = -x;
    x = fmod(x, 0.75f);
    x += ints[i];
    x *= 0.5f;
    ints[0] = convert_int_sat(x);
    longs[0] = sparse_float_to_long(x);
    shorts[0] = (short)convert_int_sat(x);
    bytes[0] = (char)convert_int_sat(x);
    a[3] = (float)ints[1] + (float)longs[1];
    a[4] = ints[2] / 2;
    a[5] = (float)(ints[3] / 2);
}
