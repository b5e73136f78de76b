import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class LocalReduce {
    static final int GROUP = 256;

    // work-group sum: local arrays are hoisted to the top of the kernel
    @Kernel
    static void sum(KernelContext ctx, float[] in, float[] out, int n) {
        int gid = ctx.globalIdx;
        int lid = ctx.localIdx;
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int[] counts = ctx.allocateIntLocalArray(16);
        partial[lid] = gid < n ? in[gid] : 0.0f;
        if (lid < counts.length) {
            counts[lid] = 0;
        }
        ctx.localBarrier();
        for (int stride = partial.length / 2; stride > 0; stride /= 2) {
            if (lid < stride) {
                partial[lid] += partial[lid + stride];
            }
            ctx.localBarrier();
        }
        if (lid == 0) {
            out[ctx.groupIdx] = partial[0];
        }
    }
}
