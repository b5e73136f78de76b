import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class Doubles {
    static final double SCALE = 0.5;

    @Kernel
    static void param(KernelContext ctx, double d) { // expect-error: [line 8] double is not supported on devices; use float
    }

    @Kernel
    static void body(KernelContext ctx, float[] a) {
        double x = 1.0; // expect-error: [line 13] double is not supported on devices; use float
        a[0] = (float) (a[1] * 0.5); // expect-error: [line 14] double is not supported on devices; use float
        a[1] = (float) (SCALE * a[2]); // expect-error: [line 15] double is not supported on devices; use float
        a[2] = (float) twice(a[3]); // expect-error: [line 16] double is not supported on devices; use float
        a[3] = 'c'; // expect-error: [line 17] char is not supported in kernels; use int or short
        char ch = 'x'; // expect-error: [line 18] char is not supported in kernels; use int or short
        var y = 2.0; // expect-error: [line 19] double is not supported on devices; use float
    }

    static double twice(float v) {
        return 2.0 * v;
    }
}
