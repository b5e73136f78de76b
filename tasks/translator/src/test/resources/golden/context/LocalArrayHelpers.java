import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class LocalArrayHelpers {
    static final int GROUP = 64;

    // local arrays passed to helpers: their length is a constant; a helper given a local array
    // is a __local pointer in OpenCL and forced inline in CUDA
    @Kernel
    static void tileDot(KernelContext ctx, float[] a, float[] b, float[] out, int[] best) {
        int lid = ctx.localIdx;
        float[] as = ctx.allocateFloatLocalArray(GROUP);
        float[] bs = ctx.allocateFloatLocalArray(GROUP);
        int[] top = ctx.allocateIntLocalArray(1);
        as[lid] = a[ctx.globalIdx];
        bs[lid] = b[ctx.globalIdx];
        if (lid == 0) {
            top[0] = 0;
        }
        ctx.localBarrier();
        float dot = dotOf(as, bs, lid);
        offer(ctx, top, dot);
        if (lid == 0) {
            out[ctx.groupIdx] = dot;
            best[ctx.groupIdx] = top[0];
        }
    }

    // sum: called with a local array here and a global one in the kernel below (one OpenCL
    // function each); dotOf passes its parameters on, so that its callee gets theirs
    @Kernel
    static void sums(KernelContext ctx, float[] a, float[] out) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        partial[ctx.localIdx] = sum(a, ctx.localIdx);
        ctx.localBarrier();
        out[ctx.globalIdx] = sum(partial, ctx.localIdx) + dotOf(partial, a, ctx.localIdx);
    }

    static float dotOf(float[] x, float[] y, int upTo) {
        float s = 0f;
        for (int i = 0; i <= upTo && i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s / sum(x, upTo);
    }

    static float sum(float[] x, int upTo) {
        float s = 0f;
        for (int i = 0; i <= upTo; i++) {
            s += x[i];
        }
        return s;
    }

    // an atomic and a barrier in a helper, on the kernel's local array
    static void offer(KernelContext ctx, int[] top, float value) {
        ctx.atomicMax(top, 0, (int) value);
        ctx.localBarrier();
    }
}
