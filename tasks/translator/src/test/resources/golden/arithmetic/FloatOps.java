import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class FloatOps {
    @Kernel
    static void ops(KernelContext ctx, float[] a, int[] ints, long[] longs, short[] shorts, byte[] bytes) {
        int i = ctx.globalIdx;
        float x = a[i];
        a[0] = x * 2.5f - x / 3f + 1e-5f;
        a[1] = x % 1.5f;
        a[2] = -x;
        x %= 0.75f;
        x += ints[i];
        x *= 0.5f;
        // Java casts float to int with saturation and NaN -> 0
        ints[0] = (int) x;
        longs[0] = (long) x;
        shorts[0] = (short) x;
        bytes[0] = (byte) x;
        a[3] = (float) ints[1] + (float) longs[1];
        a[4] = ints[2] / 2;
        a[5] = (float) (ints[3] / 2);
    }
}
