import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelMath;

// a kernel class calling helpers of another class compiled with it, so that kernel classes can
// share helpers (an order key for floats, say) instead of copying them
class SharedHelpers {
    @Kernel
    static void keys(KernelContext ctx, float[] x, int[] keys) {
        int i = ctx.globalIdx;
        keys[i] = Bits.orderKey(x[i]) + twice(Bits.TOP);
    }

    // the kernel class's own helper keeps its name; Bits.twice is another function
    static int twice(int v) {
        return v + v;
    }
}

final class Bits {
    static final int TOP = 21;

    private Bits() {
    }

    static int orderKey(float x) {
        int bits = KernelMath.floatToIntBits(x);
        if (bits < 0) {
            bits = bits ^ 0x7FFFFFFF;
        }
        return twice(bits) >> 1;
    }

    static int twice(int v) {
        return 2 * v;
    }
}
