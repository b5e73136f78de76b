// Literals (Literals.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__kernel void Literals_literals(__global int* ints, __global long* longs, __global float* floats, int ints_length, int longs_length, int floats_length) {
    ints[0] = -1640531527;
    ints[1] = (-2147483647 - 1);
    ints[2] = (-2147483647 - 1);
    ints[3] = 2147483647;
    ints[4] = 10;
    ints[5] = 15;
    ints[6] = 1000000;
    longs[0] = (-9223372036854775807L - 1L);
    longs[1] = 1099511627775L;
    longs[2] = -1L;
    floats[0] = NAN;
    floats[1] = INFINITY;
    floats[2] = -INFINITY;
    floats[3] = 3.4028235E38f;
    floats[4] = 1.4E-45f;
    floats[5] = 0.125f;
    floats[6] = -0.0f;
    floats[7] = 1.0E10f;
    floats[8] = 100;
}
