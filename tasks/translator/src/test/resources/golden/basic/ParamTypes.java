import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class ParamTypes {
    // every parameter type; each array gets a hidden length parameter, in declaration order
    @Kernel
    static void all(KernelContext ctx, int i, long l, float f, short s, byte b,
                    float[] fa, int[] ia, short[] sa, byte[] ba, long[] la) {
        int k = ctx.globalIdx;
        fa[k] = f + fa.length;
        ia[k] = i + ia.length;
        sa[k] = s;
        ba[k] = b;
        la[k] = l + la.length;
    }
}
