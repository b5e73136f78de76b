import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class Unresolved {
    @Kernel
    static void unresolved(KernelContext ctx, int[] a) {
        ctx.copyWords(a, 0); // expect-error: [line 7] cannot resolve ctx.copyWords: no such method (or an older jar of its class is on the class path)
    }
}
