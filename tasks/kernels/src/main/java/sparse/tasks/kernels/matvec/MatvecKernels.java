package sparse.tasks.kernels.matvec;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelMath;

/**
 * Matrix-vector products {@code out = W x} for a weight matrix stored as GGUF stores it, one
 * kernel per element type. W is row-major {@code [rows][cols]} (rows = outputs, cols =
 * inputs). One work-group per output row: its work-items walk the row together (work-item t
 * reads columns t, t + G, ..., so neighbours read neighbouring weights), then reduce their
 * partial sums in local memory.
 *
 * <p>Grid: {@code rows × G} by 1, work-groups of {@code G × 1}, G a power of two at most
 * {@link #MAX_GROUP}. With {@code accumulate} set the product is added to {@code out} instead
 * of replacing it: that is the residual add of an attention output or feed-forward projection.
 */
public final class MatvecKernels {
    private MatvecKernels() {
    }

    /** The largest work-group (the size of the local reduction array). */
    public static final int MAX_GROUP = 256;
    /** Elements per Q8_0 block: one fp16 scale for 32 signed bytes. */
    public static final int Q8_BLOCK = 32;

    /** float32 weights. */
    @Kernel
    public static void matvecF32(KernelContext ctx, float[] w, float[] x, float[] out, int rows, int cols,
                                 int accumulate) {
        float[] partial = ctx.allocateFloatLocalArray(MAX_GROUP);
        int t = ctx.localIdx;
        int row = ctx.groupIdx;
        float sum = 0f;
        if (row < rows) {
            int base = row * cols;
            for (int i = t; i < cols; i += ctx.localGroupSizeX) {
                sum += w[base + i] * x[i];
            }
        }
        partial[t] = sum;
        ctx.localBarrier();
        for (int stride = ctx.localGroupSizeX / 2; stride > 0; stride /= 2) {
            if (t < stride) {
                partial[t] += partial[t + stride];
            }
            ctx.localBarrier();
        }
        if (t == 0 && row < rows) {
            out[row] = accumulate != 0 ? out[row] + partial[0] : partial[0];
        }
    }

    /**
     * fp16 weights, two to an int (element 2j in the low half of int j, as they lie in the
     * file), so that a work-item loads two elements at once; {@code cols} is even.
     */
    @Kernel
    public static void matvecF16(KernelContext ctx, int[] w, float[] x, float[] out, int rows, int cols,
                                 int accumulate) {
        float[] partial = ctx.allocateFloatLocalArray(MAX_GROUP);
        int t = ctx.localIdx;
        int row = ctx.groupIdx;
        float sum = 0f;
        if (row < rows) {
            int packed = cols / 2;
            int base = row * packed;
            for (int j = t; j < packed; j += ctx.localGroupSizeX) {
                int p = w[base + j];
                sum += KernelMath.halfToFloat((short) p) * x[2 * j] + KernelMath.halfToFloat((short) (p >> 16)) * x[2 * j + 1];
            }
        }
        partial[t] = sum;
        ctx.localBarrier();
        for (int stride = ctx.localGroupSizeX / 2; stride > 0; stride /= 2) {
            if (t < stride) {
                partial[t] += partial[t + stride];
            }
            ctx.localBarrier();
        }
        if (t == 0 && row < rows) {
            out[row] = accumulate != 0 ? out[row] + partial[0] : partial[0];
        }
    }

    /** bfloat16 weights, two to an int as in {@link #matvecF16}. */
    @Kernel
    public static void matvecBf16(KernelContext ctx, int[] w, float[] x, float[] out, int rows, int cols,
                                  int accumulate) {
        float[] partial = ctx.allocateFloatLocalArray(MAX_GROUP);
        int t = ctx.localIdx;
        int row = ctx.groupIdx;
        float sum = 0f;
        if (row < rows) {
            int packed = cols / 2;
            int base = row * packed;
            for (int j = t; j < packed; j += ctx.localGroupSizeX) {
                int p = w[base + j];
                // a bfloat16 is the upper half of a float32
                sum += KernelMath.intBitsToFloat(p << 16) * x[2 * j] + KernelMath.intBitsToFloat(p & 0xFFFF0000) * x[2 * j + 1];
            }
        }
        partial[t] = sum;
        ctx.localBarrier();
        for (int stride = ctx.localGroupSizeX / 2; stride > 0; stride /= 2) {
            if (t < stride) {
                partial[t] += partial[t + stride];
            }
            ctx.localBarrier();
        }
        if (t == 0 && row < rows) {
            out[row] = accumulate != 0 ? out[row] + partial[0] : partial[0];
        }
    }

    /**
     * Q8_0 weights split on load into {@code scales} (one fp16 per block of 32 elements, in
     * element order) and {@code quants}, the signed bytes packed four to an int (element 4j + b
     * in bits 8b .. 8b+7 of int j, as they lie in the file), so that a work-item loads four
     * elements at once and neighbouring work-items neighbouring ints; a row holds whole blocks.
     */
    @Kernel
    public static void matvecQ8(KernelContext ctx, short[] scales, int[] quants, float[] x, float[] out, int rows,
                                int cols, int accumulate) {
        float[] partial = ctx.allocateFloatLocalArray(MAX_GROUP);
        int t = ctx.localIdx;
        int row = ctx.groupIdx;
        float sum = 0f;
        if (row < rows) {
            int packed = cols / 4;
            int base = row * packed;
            for (int j = t; j < packed; j += ctx.localGroupSizeX) {
                int q = quants[base + j];
                int c = 4 * j;
                float dot = ((q << 24) >> 24) * x[c] + ((q << 16) >> 24) * x[c + 1] + ((q << 8) >> 24) * x[c + 2]
                        + (q >> 24) * x[c + 3];
                sum += KernelMath.halfToFloat(scales[(base + j) / (Q8_BLOCK / 4)]) * dot;
            }
        }
        partial[t] = sum;
        ctx.localBarrier();
        for (int stride = ctx.localGroupSizeX / 2; stride > 0; stride /= 2) {
            if (t < stride) {
                partial[t] += partial[t + stride];
            }
            ctx.localBarrier();
        }
        if (t == 0 && row < rows) {
            out[row] = accumulate != 0 ? out[row] + partial[0] : partial[0];
        }
    }
}
