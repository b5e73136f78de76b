// SharedHelpers (SharedHelpers.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

int SharedHelpers_Bits_twice(int v) {
    return 2 * v;
}

int SharedHelpers_Bits_orderKey(float x) {
    int bits = as_int(x);
    if (bits < 0) {
        bits = bits ^ 2147483647;
    }
    return SharedHelpers_Bits_twice(bits) >> 1;
}

int SharedHelpers_twice(int v) {
    return v + v;
}

__kernel void SharedHelpers_keys(__global float* x, __global int* keys, int x_length, int keys_length) {
    int i = (int)get_global_id(0);
    keys[i] = SharedHelpers_Bits_orderKey(x[i]) + SharedHelpers_twice(21);
}
