import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.Parallel;

class Helpers {
    @Kernel
    static void first(float[] a, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            a[i] = square(a[i]) + sumOfSquares(a, i);
        }
    }

    @Kernel
    static void second(KernelContext ctx, float[] a, int[] flags) {
        int i = ctx.globalIdx;
        if (isEven(i)) {
            store(a, i, square(a[i]));
        }
        sync(ctx, flags, i);
    }

    // called from both kernels: emitted once, before its first caller
    static float square(float x) {
        return x * x;
    }

    // a helper calling a helper, with an array parameter and its length
    static float sumOfSquares(float[] a, int upTo) {
        float sum = 0.0f;
        for (int j = 0; j < upTo && j < a.length; j++) {
            sum += square(a[j]);
        }
        return sum;
    }

    static boolean isEven(int x) {
        return (x & 1) == 0;
    }

    static void store(float[] a, int i, float v) {
        if (i >= a.length) {
            return;
        }
        a[i] = v;
    }

    // the context is implicit on devices: the parameter is dropped; the barrier makes "second" usesBarrier
    static void sync(KernelContext ctx, int[] flags, int i) {
        ctx.localBarrier();
        flags[i] = ctx.localIdx;
    }
}
