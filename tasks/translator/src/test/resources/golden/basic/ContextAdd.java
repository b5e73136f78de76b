import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class ContextAdd {
    @Kernel
    static void add(KernelContext ctx, float[] a, float[] b, float[] c, int n) {
        int i = ctx.globalIdx;
        if (i < n) {
            c[i] = a[i] + b[i];
        }
    }
}
