import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class Literals {
    @Kernel
    static void literals(KernelContext ctx, int[] ints, long[] longs, float[] floats) {
        // hex literals are printed by value, so that C does not read them as unsigned
        ints[0] = 0x9E3779B9;
        ints[1] = -2147483648;
        ints[2] = Integer.MIN_VALUE;
        ints[3] = Integer.MAX_VALUE;
        ints[4] = 0b1010;
        ints[5] = 017;
        ints[6] = 1_000_000;
        longs[0] = Long.MIN_VALUE;
        longs[1] = 0xFFFFFFFFFFL;
        longs[2] = -1L;
        floats[0] = Float.NaN;
        floats[1] = Float.POSITIVE_INFINITY;
        floats[2] = Float.NEGATIVE_INFINITY;
        floats[3] = Float.MAX_VALUE;
        floats[4] = Float.MIN_VALUE;
        floats[5] = 0x1p-3f;
        floats[6] = -0.0f;
        floats[7] = 1.0E10f;
        floats[8] = 100;
    }
}
