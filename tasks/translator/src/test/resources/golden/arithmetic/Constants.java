import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class Constants {
    static final int BLOCK = 128;
    static final int TWICE = BLOCK * 2;
    static final long BIG = 1L << 40;
    static final float SCALE = 0.125f;
    static final boolean ENABLED = true;
    static final short SMALL = -3;
    static final double PI_DOUBLE = 3.141592653589793;

    // static final primitive constants are inlined; double constants may be folded into a float cast
    @Kernel
    static void constants(KernelContext ctx, float[] a, long[] b) {
        int i = ctx.globalIdx;
        if (ENABLED && i < TWICE) {
            a[i] = a[i] * SCALE + (float) Math.PI + (float) (2 * PI_DOUBLE) + SMALL;
            b[i] = BIG + Constants.BLOCK + Integer.SIZE;
        }
    }
}
