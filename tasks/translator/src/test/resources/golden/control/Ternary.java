import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class Ternary {
    @Kernel
    static void pick(KernelContext ctx, float[] a, int[] b) {
        int i = ctx.globalIdx;
        a[i] = a[i] > 0 ? a[i] : -a[i];
        b[i] = b[i] < 0 ? -1 : b[i] == 0 ? 0 : 1;
        int nested = (b[i] > 0 ? b[i] : 0) + 1;
        float mixed = i % 2 == 0 ? 1 : 0.5f;
        b[i] = (i > 3) ? (nested > 2 ? 2 : nested) : 7;
        a[i] += mixed;
    }
}
