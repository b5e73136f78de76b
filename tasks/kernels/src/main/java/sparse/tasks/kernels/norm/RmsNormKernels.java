package sparse.tasks.kernels.norm;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelMath;

/** RMSNorm: {@code out = x / sqrt(mean(x²) + eps) * weight}, accumulated in float32. */
public final class RmsNormKernels {
    private RmsNormKernels() {
    }

    /** The largest work-group (the size of the local reduction array). */
    public static final int MAX_GROUP = 256;

    /**
     * One work-group for the whole vector: grid {@code G} by 1, work-groups of {@code G × 1},
     * G a power of two at most {@link #MAX_GROUP}. {@code out} may be {@code x}.
     */
    @Kernel
    public static void rmsNorm(KernelContext ctx, float[] x, float[] weight, float[] out, int n, float eps) {
        float[] partial = ctx.allocateFloatLocalArray(MAX_GROUP);
        int t = ctx.localIdx;
        float sum = 0f;
        for (int i = t; i < n; i += ctx.localGroupSizeX) {
            sum += x[i] * x[i];
        }
        partial[t] = sum;
        ctx.localBarrier();
        for (int stride = ctx.localGroupSizeX / 2; stride > 0; stride /= 2) {
            if (t < stride) {
                partial[t] += partial[t + stride];
            }
            ctx.localBarrier();
        }
        float inv = KernelMath.rsqrt(partial[0] / n + eps);
        for (int i = t; i < n; i += ctx.localGroupSizeX) {
            out[i] = weight[i] * (inv * x[i]);
        }
    }
}
