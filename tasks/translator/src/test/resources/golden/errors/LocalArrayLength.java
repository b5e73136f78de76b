import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class LocalArrayLength {
    static int size = 4;

    @Kernel
    static void lengths(KernelContext ctx, float[] a, int n) {
        float[] s = ctx.allocateFloatLocalArray(n); // expect-error: [line 9] the length of a local array must be a positive compile-time constant
        float[] t = ctx.allocateFloatLocalArray(size); // expect-error: [line 10] the length of a local array must be a positive compile-time constant
        float[] u = ctx.allocateFloatLocalArray(0); // expect-error: [line 11] the length of a local array must be a positive compile-time constant
        float[] v = ctx.allocateFloatLocalArray(2 * 32);
    }
}
