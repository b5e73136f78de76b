import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class LocalArrays {
    @Kernel
    static void placement(KernelContext ctx, float[] a) {
        float[] s = ctx.allocateFloatLocalArray(64);
        if (a.length > 0) {
            float[] t = ctx.allocateFloatLocalArray(8); // expect-error: [line 9] local arrays must be allocated in a statement of the @Kernel method's body itself
            t[0] = 1;
        }
        a[0] = s[0];
        scratch(ctx);
    }

    static void scratch(KernelContext ctx) {
        int[] mine = ctx.allocateIntLocalArray(4); // expect-error: [line 17] local arrays must be allocated in a statement of the @Kernel method's body itself
        mine[0] = 1;
    }
}
