import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class LongOps {
    @Kernel
    static void ops(KernelContext ctx, long[] a, int s) {
        int i = ctx.globalIdx;
        long x = a[i];
        long y = x * 6364136223846793005L + 1442695040888963407L;
        a[0] = y >>> 33;
        a[1] = y >> s;
        a[2] = 1L << s;
        a[3] = x << 70;
        a[4] = x / 3 + x % 3;
        a[5] = i * x;
        a[6] = (int) x;
        a[7] = x >>> s;
        x >>>= 7;
        x <<= s;
        a[8] = x;
    }
}
