package sparse.tasks.kernels.sketch;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelMath;
import sparse.tasks.lang.Parallel;

/**
 * Sketch&amp;Walk's sketch (ALGORITHMS.md §2): block mean pooling of queries and keys, the
 * subsampled randomized Hadamard transform, and the block attention estimate built from the
 * sketched blocks. {@link SketchReference} is the float64 twin of every kernel here.
 *
 * <p>Layouts: a "row set" is {@code heads} runs of rows of one length each; rows of one head
 * are contiguous and heads are {@code headStride} elements apart, so that a cache with spare
 * capacity can be read in place.
 */
public final class SketchKernels {
    private SketchKernels() {
    }

    /** Largest padded dimension n the Hadamard kernel holds in local memory (2 KB). */
    public static final int MAX_PADDED_DIM = 512;

    /**
     * Block means of fp32 rows: for each head and each block {@code jb} in
     * {@code [firstBlock, firstBlock + blockCount)}, the mean of rows
     * {@code [jb*block, min((jb+1)*block, tokens))} of {@code x}. A last partial block is the
     * mean of the rows it has.
     *
     * @param x          rows of d floats, head h at {@code h*inHeadStride}
     * @param out        block means, block jb of head h at {@code h*outHeadStride + jb*d}
     */
    @Kernel
    public static void poolBlocks(float[] x, int inHeadStride, int heads, int tokens, int d, int block,
                                  int firstBlock, int blockCount, float[] out, int outHeadStride) {
        for (@Parallel int hb = 0; hb < heads * blockCount; hb++) {
            for (@Parallel int c = 0; c < d; c++) {
                int h = hb / blockCount;
                int jb = firstBlock + hb % blockCount;
                int start = jb * block;
                int end = KernelMath.min(start + block, tokens);
                float sum = 0.0f;
                for (int t = start; t < end; t++) {
                    sum += x[h * inHeadStride + t * d + c];
                }
                out[h * outHeadStride + jb * d + c] = sum / (end - start);
            }
        }
    }

    /** {@link #poolBlocks} over fp16 rows (a key cache), summed in fp32. */
    @Kernel
    public static void poolBlocksHalf(short[] x, int inHeadStride, int heads, int tokens, int d, int block,
                                      int firstBlock, int blockCount, float[] out, int outHeadStride) {
        for (@Parallel int hb = 0; hb < heads * blockCount; hb++) {
            for (@Parallel int c = 0; c < d; c++) {
                int h = hb / blockCount;
                int jb = firstBlock + hb % blockCount;
                int start = jb * block;
                int end = KernelMath.min(start + block, tokens);
                float sum = 0.0f;
                for (int t = start; t < end; t++) {
                    sum += KernelMath.halfToFloat(x[h * inHeadStride + t * d + c]);
                }
                out[h * outHeadStride + jb * d + c] = sum / (end - start);
            }
        }
    }

    /**
     * The subsampled randomized Hadamard transform of rows of d floats, one work-group per
     * row: zero-pad to n (a power of two, at most {@link #MAX_PADDED_DIM}), multiply by
     * {@code signs}, an unnormalised fast Walsh–Hadamard transform by butterflies in local
     * memory, then keep coordinates {@code keep[0..m)}, each times {@code scale}.
     * The host folds the normalisation 1/√n and the subsampling factor into {@code scale}.
     *
     * <p>Row r of the launch (r in [0, heads*count)) is row {@code inFirst + r % count} of head
     * {@code r / count} of {@code x} and goes to row {@code outFirst + r % count} of the same
     * head of {@code out}. The grid has exactly {@code heads*count} work-groups.
     *
     * @param x   input rows of d floats, head h at {@code h*inHeadStride}
     * @param out sketched rows of m floats, head h at {@code h*outHeadStride}
     */
    @Kernel
    public static void hadamardSketch(KernelContext ctx, float[] x, int inHeadStride, int inFirst,
                                      int count, int d, int n, float[] signs, int[] keep, int m, float scale,
                                      float[] out, int outHeadStride, int outFirst) {
        float[] buf = ctx.allocateFloatLocalArray(MAX_PADDED_DIM);
        int r = ctx.groupIdx;
        int lid = ctx.localIdx;
        int size = ctx.localGroupSizeX;
        int h = r / count;
        int j = r % count;
        int inBase = h * inHeadStride + (inFirst + j) * d;
        int outBase = h * outHeadStride + (outFirst + j) * m;
        for (int i = lid; i < n; i += size) {
            float value = 0.0f;
            if (i < d) {
                value = x[inBase + i] * signs[i];
            }
            buf[i] = value;
        }
        ctx.localBarrier();
        // butterfly stage with span s: pairs (i, i + s) with i's bit s clear
        for (int s = 1; s < n; s *= 2) {
            for (int p = lid; p < n / 2; p += size) {
                int i = (p / s) * 2 * s + p % s;
                float a = buf[i];
                float b = buf[i + s];
                buf[i] = a + b;
                buf[i + s] = a - b;
            }
            ctx.localBarrier();
        }
        for (int c = lid; c < m; c += size) {
            out[outBase + c] = buf[keep[c]] * scale;
        }
    }

    /**
     * Prefill: per query head and query block i, the maximum and the sum of exponentials of
     * the block logits {@code scale * q̃·k̃} over the key blocks {@code j ≤ i}. Query head h
     * reads key head {@code h / (hq / hkv)}.
     *
     * @param qs    sketched query blocks, block i of head h at {@code h*qHeadStride + i*m}
     * @param ks    sketched key blocks, block j of key head g at {@code g*kHeadStride + j*m}
     * @param stats (hq, rows, 2): maximum, then sum of {@code exp(logit - maximum)}
     */
    @Kernel
    public static void blockLogitStats(float[] qs, int qHeadStride, float[] ks, int kHeadStride, int hq, int hkv,
                                       int rows, int m, float scale, float[] stats) {
        for (@Parallel int h = 0; h < hq; h++) {
            for (@Parallel int i = 0; i < rows; i++) {
                int qBase = h * qHeadStride + i * m;
                int kBase = (h / (hq / hkv)) * kHeadStride;
                float max = -3.0e38f;
                float sum = 0.0f;
                for (int j = 0; j <= i; j++) {
                    float s = scale * dot(qs, qBase, ks, kBase + j * m, m);
                    if (s > max) {
                        sum = sum * KernelMath.exp(max - s) + 1.0f;
                        max = s;
                    } else {
                        sum += KernelMath.exp(s - max);
                    }
                }
                stats[(h * rows + i) * 2] = max;
                stats[(h * rows + i) * 2 + 1] = sum;
            }
        }
    }

    /**
     * Prefill's block attention estimate: {@code out[i][j]} = the mean over query heads of
     * softmax over visible key blocks of row i, for {@code j <= i}; 0 above the diagonal. Each
     * row sums to 1. {@code stats} comes from {@link #blockLogitStats}.
     *
     * @param out (rows, outStride); row i holds columns 0..rows-1
     */
    @Kernel
    public static void blockAttention(float[] qs, int qHeadStride, float[] ks, int kHeadStride, int hq, int hkv,
                                      int rows, int m, float scale, float[] stats, float[] out, int outStride) {
        for (@Parallel int i = 0; i < rows; i++) {
            for (@Parallel int j = 0; j < rows; j++) {
                float acc = 0.0f;
                if (j <= i) {
                    for (int h = 0; h < hq; h++) {
                        int qBase = h * qHeadStride + i * m;
                        int kBase = (h / (hq / hkv)) * kHeadStride + j * m;
                        float s = scale * dot(qs, qBase, ks, kBase, m);
                        acc += KernelMath.exp(s - stats[(h * rows + i) * 2]) / stats[(h * rows + i) * 2 + 1];
                    }
                    acc = acc / hq;
                }
                out[i * outStride + j] = acc;
            }
        }
    }

    /**
     * Decode, first of three: the logits {@code scale * q̃·k̃} of the {@code rows} recent
     * queries of every head against all {@code cols} key blocks, one work-item per logit.
     *
     * @param qs     sketched queries, query i of head h at {@code h*qHeadStride + i*m}
     * @param ks     sketched key blocks, block j of key head g at {@code g*kHeadStride + j*m}
     * @param logits (hq*rows, cols)
     */
    @Kernel
    public static void queryBlockLogits(float[] qs, int qHeadStride, float[] ks, int kHeadStride, int hq, int hkv,
                                        int rows, int cols, int m, float scale, float[] logits) {
        for (@Parallel int j = 0; j < cols; j++) {
            for (@Parallel int hi = 0; hi < hq * rows; hi++) {
                int h = hi / rows;
                int qBase = h * qHeadStride + (hi % rows) * m;
                int kBase = (h / (hq / hkv)) * kHeadStride + j * m;
                logits[hi * cols + j] = scale * dot(qs, qBase, ks, kBase, m);
            }
        }
    }

    /** Decode, second: per row of {@code logits} (rowCount, cols), its maximum and sum of exponentials. */
    @Kernel
    public static void logitRowStats(float[] logits, int rowCount, int cols, float[] stats) {
        for (@Parallel int i = 0; i < rowCount; i++) {
            float max = -3.0e38f;
            for (int j = 0; j < cols; j++) {
                max = KernelMath.max(max, logits[i * cols + j]);
            }
            float sum = 0.0f;
            for (int j = 0; j < cols; j++) {
                sum += KernelMath.exp(logits[i * cols + j] - max);
            }
            stats[i * 2] = max;
            stats[i * 2 + 1] = sum;
        }
    }

    /**
     * Decode, third: {@code r[j]} = the mean over the rows of {@code logits} (every head's
     * recent queries) of each row's softmax. Sums to 1.
     */
    @Kernel
    public static void meanSoftmax(float[] logits, float[] stats, int rowCount, int cols, float[] r) {
        for (@Parallel int j = 0; j < cols; j++) {
            float acc = 0.0f;
            for (int i = 0; i < rowCount; i++) {
                acc += KernelMath.exp(logits[i * cols + j] - stats[i * 2]) / stats[i * 2 + 1];
            }
            r[j] = acc / rowCount;
        }
    }

    private static float dot(float[] a, int aBase, float[] b, int bBase, int n) {
        float s = 0.0f;
        for (int c = 0; c < n; c++) {
            s += a[aBase + c] * b[bBase + c];
        }
        return s;
    }
}
