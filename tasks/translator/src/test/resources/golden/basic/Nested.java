import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

// kernels of a static nested class: the holder is Nested$InnerTranslated, entry points Inner_<method>
class Nested {
    static class Inner {
        @Kernel
        static void copy(KernelContext ctx, int[] from, int[] to) {
            to[ctx.globalIdx] = from[ctx.globalIdx];
        }
    }
}
