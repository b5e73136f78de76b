package sparse.tasks.kernels.walk;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelMath;
import sparse.tasks.lang.Parallel;

/**
 * Sketch&amp;Walk's walk and block selection (ALGORITHMS.md §2). Block matrices are square,
 * row-major, lower-triangular (causal: query block i sees key blocks j ≤ i). {@link WalkReference}
 * is the float64 twin of every kernel here.
 *
 * <p>Selection rule for query block i, shared by prefill and decode: sink blocks
 * {@code j < sinkBlocks}, window blocks {@code i - windowBlocks ≤ j < i} and the diagonal
 * {@code j = i} are always kept; the candidates {@code sinkBlocks ≤ j < i - windowBlocks} are
 * kept when their walk score is at least the row's threshold, the {@code quantile} of the
 * candidates' scores with linear interpolation between order statistics (numpy's default).
 */
public final class WalkKernels {
    private WalkKernels() {
    }

    /** Largest work-group of the context-style kernels here (their local arrays are this long). */
    public static final int MAX_GROUP = 256;
    /** Threshold of a row without candidates: nothing reaches it. */
    public static final float NO_CANDIDATES = 3.0e38f;

    /**
     * The walk's start from the previous sparse layer's walk: {@code prev} (prevSize × prevSize)
     * in the top-left corner, the identity elsewhere (ALGORITHMS.md: "identity-padded if sizes
     * differ"); a larger {@code prev} is cut to size.
     */
    @Kernel
    public static void padCarry(float[] prev, int prevSize, int size, float[] out) {
        for (@Parallel int i = 0; i < size; i++) {
            for (@Parallel int j = 0; j < size; j++) {
                float value = 0.0f;
                if (i < prevSize && j < prevSize) {
                    value = prev[i * prevSize + j];
                } else if (i == j) {
                    value = 1.0f;
                }
                out[i * size + j] = value;
            }
        }
    }

    /**
     * One step of the walk: {@code out = (1 − β)·a + β·prev·a} (size × size). Both inputs are
     * lower-triangular, so {@code (prev·a)[i][j]} sums over {@code j ≤ k ≤ i} only.
     */
    @Kernel
    public static void walkStep(float[] a, float[] prev, int size, float beta, float[] out) {
        for (@Parallel int i = 0; i < size; i++) {
            for (@Parallel int j = 0; j < size; j++) {
                float value = 0.0f;
                if (j <= i) {
                    float hop = 0.0f;
                    for (int k = j; k <= i; k++) {
                        hop += prev[i * size + k] * a[k * size + j];
                    }
                    value = (1.0f - beta) * a[i * size + j] + beta * hop;
                }
                out[i * size + j] = value;
            }
        }
    }

    /**
     * Decode's walk step on a row vector over {@code size} key blocks:
     * {@code out[j] = (1 − β)·r[j] + β·Σ_i s[i]·a[i][j]} with a lower-triangular, rows
     * {@code aStride} apart.
     */
    @Kernel
    public static void walkVectorStep(float[] r, float[] s, float[] a, int aStride, int size, float beta,
                                      float[] out) {
        for (@Parallel int j = 0; j < size; j++) {
            float hop = 0.0f;
            for (int i = j; i < size; i++) {
                hop += s[i] * a[i * aStride + j];
            }
            out[j] = (1.0f - beta) * r[j] + beta * hop;
        }
    }

    /**
     * Decode's running block matrix: moves row {@code row} (its first {@code cols} entries)
     * towards {@code r} by {@code weight}; weight 1/(n+1) keeps the row the mean of its n+1
     * scores so far.
     */
    @Kernel
    public static void updateBlockRow(float[] a, int aStride, int row, int cols, float[] r, float weight) {
        for (@Parallel int j = 0; j < cols; j++) {
            float old = a[row * aStride + j];
            a[row * aStride + j] = old + (r[j] - old) * weight;
        }
    }

    /**
     * The selection threshold of each row, one work-group per row (at most {@link #MAX_GROUP}
     * work-items): row r of {@code w} (rows {@code stride} apart) belongs to query block
     * {@code firstRow + r}; its threshold is the {@code quantile} of its candidates' scores,
     * or {@link #NO_CANDIDATES}. The two order statistics are found by bisection over the
     * floats' order-preserving integer keys, 32 halvings of the int range.
     */
    @Kernel
    public static void rowQuantiles(KernelContext ctx, float[] w, int stride, int firstRow, int sinkBlocks,
                                    int windowBlocks, float quantile, float[] thresholds) {
        int[] counts = ctx.allocateIntLocalArray(2 * MAX_GROUP);
        int r = ctx.groupIdx;
        int lid = ctx.localIdx;
        int size = ctx.localGroupSizeX;
        int lo = sinkBlocks;
        int hi = firstRow + r - windowBlocks;
        int n = hi - lo;
        float threshold = NO_CANDIDATES;
        if (n > 0) {
            float pos = quantile * (n - 1);
            int kLow = (int) KernelMath.floor(pos);
            int kHigh = KernelMath.min(kLow + 1, n - 1);
            float frac = pos - kLow;
            // smallest key with at least k+1 keys ≤ it is the k-th smallest (0-based)
            long aLo = -2147483648L;
            long aHi = 2147483647L;
            long bLo = -2147483648L;
            long bHi = 2147483647L;
            for (int it = 0; it < 32; it++) {
                long aMid = aLo + (aHi - aLo) / 2;
                long bMid = bLo + (bHi - bLo) / 2;
                int ca = 0;
                int cb = 0;
                for (int j = lo + lid; j < hi; j += size) {
                    int key = sortKey(w[r * stride + j]);
                    if (key <= aMid) {
                        ca++;
                    }
                    if (key <= bMid) {
                        cb++;
                    }
                }
                counts[lid] = ca;
                counts[MAX_GROUP + lid] = cb;
                ctx.localBarrier();
                int ta = 0;
                int tb = 0;
                for (int p = 0; p < size; p++) {
                    ta += counts[p];
                    tb += counts[MAX_GROUP + p];
                }
                ctx.localBarrier();
                if (ta >= kLow + 1) {
                    aHi = aMid;
                } else {
                    aLo = aMid + 1;
                }
                if (tb >= kHigh + 1) {
                    bHi = bMid;
                } else {
                    bLo = bMid + 1;
                }
            }
            float low = fromSortKey((int) aLo);
            float high = fromSortKey((int) bLo);
            // rounding must not lift the threshold above the upper order statistic
            threshold = KernelMath.min(low + frac * (high - low), high);
        }
        if (lid == 0) {
            thresholds[r] = threshold;
        }
    }

    /**
     * Prefill's block mask, (rows, rows) ints, 1 = the tile (query block i, key block j) is
     * attended. Query blocks from {@code denseFromRow} on keep every causal block.
     */
    @Kernel
    public static void selectBlocks(float[] w, int rows, float[] thresholds, int sinkBlocks, int windowBlocks,
                                    int denseFromRow, int[] keep) {
        for (@Parallel int i = 0; i < rows; i++) {
            for (@Parallel int j = 0; j < rows; j++) {
                int kept = 0;
                if (j <= i) {
                    if (i >= denseFromRow) {
                        kept = 1;
                    } else {
                        kept = keeps(i, j, w[i * rows + j], thresholds[i], sinkBlocks, windowBlocks);
                    }
                }
                keep[i * rows + j] = kept;
            }
        }
    }

    /**
     * Decode's kept key blocks in ascending order, for query block {@code row} whose walk
     * scores are {@code s[0..row]}; one work-group (at most {@link #MAX_GROUP} work-items).
     * Every one of {@code heads} query heads attends the same list: {@code spans[2h] = 0} (where
     * head h's list starts) and {@code spans[2h+1]} its length.
     */
    @Kernel
    public static void listKeptBlocks(KernelContext ctx, float[] s, int row, float[] thresholds, int sinkBlocks,
                                      int windowBlocks, int heads, int[] blocks, int[] spans) {
        int[] part = ctx.allocateIntLocalArray(MAX_GROUP);
        int lid = ctx.localIdx;
        int size = ctx.localGroupSizeX;
        int cols = row + 1;
        float threshold = thresholds[0];
        // each work-item lists one contiguous segment; segments are concatenated in order
        int segment = (cols + size - 1) / size;
        int start = KernelMath.min(lid * segment, cols);
        int end = KernelMath.min(start + segment, cols);
        int mine = 0;
        for (int j = start; j < end; j++) {
            mine += keeps(row, j, s[j], threshold, sinkBlocks, windowBlocks);
        }
        part[lid] = mine;
        ctx.localBarrier();
        int before = 0;
        int total = 0;
        for (int p = 0; p < size; p++) {
            if (p < lid) {
                before += part[p];
            }
            total += part[p];
        }
        for (int j = start; j < end; j++) {
            if (keeps(row, j, s[j], threshold, sinkBlocks, windowBlocks) != 0) {
                blocks[before] = j;
                before++;
            }
        }
        for (int h = lid; h < heads; h += size) {
            spans[2 * h] = 0;
            spans[2 * h + 1] = total;
        }
    }

    /** 1 if key block j (≤ i) of query block i is kept, by the rule in the class comment. */
    private static int keeps(int i, int j, float score, float threshold, int sinkBlocks, int windowBlocks) {
        int kept = 0;
        if (j < sinkBlocks || j >= i - windowBlocks) {
            kept = 1;
        } else if (score >= threshold) {
            kept = 1;
        }
        return kept;
    }

    /** An int whose signed order is the float's order (for non-NaN floats). */
    private static int sortKey(float f) {
        int bits = KernelMath.floatToIntBits(f);
        if (bits < 0) {
            bits = bits ^ 2147483647;
        }
        return bits;
    }

    private static float fromSortKey(int key) {
        int bits = key;
        if (bits < 0) {
            bits = bits ^ 2147483647;
        }
        return KernelMath.intBitsToFloat(bits);
    }
}
