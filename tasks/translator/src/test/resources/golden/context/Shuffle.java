import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;

class Shuffle {
    // CUDA shuffles in registers; OpenCL through the kernel's exchange array, which helpers that
    // shuffle receive as a parameter
    @Kernel
    static void rotateAndSum(KernelContext ctx, float[] in, float[] rotated, float[] means) {
        int i = ctx.globalIdx;
        float v = in[i];
        rotated[i] = ctx.shuffle(v, ctx.localIdx + 1);
        means[i] = subGroupMean(ctx, v);
    }

    static float subGroupMean(KernelContext ctx, float v) {
        return subGroupSum(ctx, v) / 32f;
    }

    // a butterfly: after five steps every lane holds the sub-group's sum
    static float subGroupSum(KernelContext ctx, float v) {
        int lane = (ctx.localIdy * ctx.localGroupSizeX + ctx.localIdx) & 31;
        for (int offset = 16; offset > 0; offset >>= 1) {
            v += ctx.shuffle(v, lane ^ offset);
        }
        return v;
    }

    // an int is converted to float before the shuffle, as Java converts the argument; the
    // exchange array comes after the kernel's own local arrays
    @Kernel
    static void broadcast(KernelContext ctx, int[] in, float[] out) {
        float[] scratch = ctx.allocateFloatLocalArray(64);
        int lid = ctx.localIdx;
        scratch[lid & 63] = ctx.shuffle(in[ctx.globalIdx], 0);
        ctx.localBarrier();
        out[ctx.globalIdx] = scratch[lid & 63];
    }

    // no shuffle, no exchange array
    @Kernel
    static void plain(KernelContext ctx, float[] a) {
        a[ctx.globalIdx] = 1f;
    }
}
