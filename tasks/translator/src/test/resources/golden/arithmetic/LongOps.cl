// LongOps (LongOps.java), translated by sparse.tasks.translate.KernelProcessor: do not edit

__kernel void LongOps_ops(__global long* a, int s, int a_length) {
    int i = (int)get_global_id(0);
    long x = a[i];
    long y = x * 6364136223846793005L + 1442695040888963407L;
    a[0] = (long)((ulong)y >> 33);
    a[1] = y >> (s & 63);
    a[2] = 1L << (s & 63);
    a[3] = x << 6;
    a[4] = x / 3 + x % 3;
    a[5] = i * x;
    a[6] = (int)x;
    a[7] = (long)((ulong)x >> (s & 63));
    x = (long)((ulong)x >> 7);
    x <<= (s & 63);
    a[8] = x;
}
