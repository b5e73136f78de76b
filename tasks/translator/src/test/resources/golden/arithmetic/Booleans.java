import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class Booleans {
    @Kernel
    static void flags(KernelContext ctx, int[] a, int n) {
        int i = ctx.globalIdx;
        boolean inside = i < n;
        boolean odd = (i & 1) == 1;
        boolean both = inside && odd;
        boolean either = inside || !odd || odd && inside;
        boolean strict = inside & odd | either ^ both;
        strict &= inside;
        strict |= odd;
        if (both != either && strict == true) {
            a[i] = inside ? 1 : 0;
        }
    }
}
