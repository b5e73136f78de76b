package sparse.tasks.kernels.blocksparse;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelMath;
import sparse.tasks.lang.Parallel;

/**
 * Block-sparse attention: exact softmax attention restricted to kept blocks of keys, fp16
 * keys and values, fp32 accumulation with an online softmax (running maximum m, running sum
 * l, unnormalised output acc). {@link BlockSparseReference} is the float64 dense-with-a-mask
 * twin.
 *
 * <p>Both kernels run one work-group per query row (any size up to the device's limit) and
 * walk the row's keys in tiles of {@link #TILE}: scores of the tile into local memory, the
 * tile's maximum, its exponentials, then each work-item updates its own output channels.
 * Key/value head g serves query heads {@code g*(hq/hkv) .. (g+1)*(hq/hkv) - 1}; k and v are
 * (hkv, capacity, d) caches, heads {@code kvHeadStride} elements apart.
 */
public final class BlockSparseKernels {
    private BlockSparseKernels() {
    }

    /** Keys scored per step of the online softmax. */
    public static final int TILE = 64;
    /** Largest head dimension (the query row and the output accumulator live in local memory). */
    public static final int MAX_HEAD_DIM = 256;
    /** Stands for −∞ without producing NaN in {@code exp(m - m')}. */
    private static final float NEG = -3.0e38f;

    /**
     * Prefill: query t of head h (q is (hq, tokens, d)) attends the keys of every kept tile
     * {@code keep[(t/block)*blocks + jb] != 0}, {@code jb ≤ t/block}, causally: keys ≤ t only,
     * which matters inside the diagonal tile. Work-group {@code h*tokens + t}.
     *
     * @param keep (blocks, blocks) ints, blocks = ⌈tokens/block⌉, shared by all heads
     * @param out  (hq, tokens, d)
     */
    @Kernel
    public static void prefill(KernelContext ctx, float[] q, short[] k, short[] v, int kvHeadStride, int[] keep,
                               int hq, int hkv, int tokens, int d, int block, float scale, float[] out) {
        float[] qv = ctx.allocateFloatLocalArray(MAX_HEAD_DIM);
        float[] acc = ctx.allocateFloatLocalArray(MAX_HEAD_DIM);
        float[] p = ctx.allocateFloatLocalArray(TILE);
        int lid = ctx.localIdx;
        int size = ctx.localGroupSizeX;
        int h = ctx.groupIdx / tokens;
        int t = ctx.groupIdx % tokens;
        int blocks = (tokens + block - 1) / block;
        int qb = t / block;
        int kvBase = (h / (hq / hkv)) * kvHeadStride;
        for (int c = lid; c < d; c += size) {
            qv[c] = q[(h * tokens + t) * d + c];
            acc[c] = 0.0f;
        }
        ctx.localBarrier();
        float m = NEG;
        float l = 0.0f;
        for (int jb = 0; jb <= qb; jb++) {
            if (keep[qb * blocks + jb] != 0) {
                int keyEnd = KernelMath.min(jb * block + block, t + 1);
                for (int ts = jb * block; ts < keyEnd; ts += TILE) {
                    int n = KernelMath.min(TILE, keyEnd - ts);
                    // scores of the tile
                    for (int j = lid; j < n; j += size) {
                        float s = 0.0f;
                        for (int c = 0; c < d; c++) {
                            s += qv[c] * KernelMath.halfToFloat(k[kvBase + (ts + j) * d + c]);
                        }
                        p[j] = s * scale;
                    }
                    ctx.localBarrier();
                    float tileMax = NEG;
                    for (int j = 0; j < n; j++) {
                        tileMax = KernelMath.max(tileMax, p[j]);
                    }
                    float newM = KernelMath.max(m, tileMax);
                    ctx.localBarrier();
                    for (int j = lid; j < n; j += size) {
                        p[j] = KernelMath.exp(p[j] - newM);
                    }
                    ctx.localBarrier();
                    float correction = KernelMath.exp(m - newM);
                    float tileSum = 0.0f;
                    for (int j = 0; j < n; j++) {
                        tileSum += p[j];
                    }
                    l = l * correction + tileSum;
                    m = newM;
                    for (int c = lid; c < d; c += size) {
                        float a = acc[c] * correction;
                        for (int j = 0; j < n; j++) {
                            a += p[j] * KernelMath.halfToFloat(v[kvBase + (ts + j) * d + c]);
                        }
                        acc[c] = a;
                    }
                    ctx.localBarrier();
                }
            }
        }
        for (int c = lid; c < d; c += size) {
            out[(h * tokens + t) * d + c] = acc[c] / l;
        }
    }

    /**
     * Decode, first pass (flash-decode): query head h (q is (hq, d)) over its kept blocks
     * {@code blocks[spans[2h] + i]}, {@code i < spans[2h+1]}, each covering keys
     * {@code [b*block, min((b+1)*block, visible))}. The list is cut into {@code chunks}
     * chunks of {@code chunkBlocks} blocks; work-group {@code h*chunks + c} writes chunk c's
     * partial result: unnormalised output, running maximum and sum (an empty chunk writes
     * m = −3e38, l = 0, acc = 0).
     *
     * @param spans        (hq, 2): where head h's list starts in {@code blocks}, and its length
     *                     (heads may share one list)
     * @param partialAcc   (hq, chunks, d)
     * @param partialStats (hq, chunks, 2): m, l
     */
    @Kernel
    public static void decodePartial(KernelContext ctx, float[] q, short[] k, short[] v, int kvHeadStride,
                                     int[] blocks, int[] spans, int hq, int hkv, int d, int block,
                                     int visible, int chunkBlocks, int chunks, float scale,
                                     float[] partialAcc, float[] partialStats) {
        float[] qv = ctx.allocateFloatLocalArray(MAX_HEAD_DIM);
        float[] acc = ctx.allocateFloatLocalArray(MAX_HEAD_DIM);
        float[] p = ctx.allocateFloatLocalArray(TILE);
        int lid = ctx.localIdx;
        int size = ctx.localGroupSizeX;
        int h = ctx.groupIdx / chunks;
        int chunk = ctx.groupIdx % chunks;
        int kvBase = (h / (hq / hkv)) * kvHeadStride;
        int first = chunk * chunkBlocks;
        int last = KernelMath.min(first + chunkBlocks, spans[2 * h + 1]);
        for (int c = lid; c < d; c += size) {
            qv[c] = q[h * d + c];
            acc[c] = 0.0f;
        }
        ctx.localBarrier();
        float m = NEG;
        float l = 0.0f;
        for (int i = first; i < last; i++) {
            int jb = blocks[spans[2 * h] + i];
            int keyEnd = KernelMath.min(jb * block + block, visible);
            for (int ts = jb * block; ts < keyEnd; ts += TILE) {
                int n = KernelMath.min(TILE, keyEnd - ts);
                for (int j = lid; j < n; j += size) {
                    float s = 0.0f;
                    for (int c = 0; c < d; c++) {
                        s += qv[c] * KernelMath.halfToFloat(k[kvBase + (ts + j) * d + c]);
                    }
                    p[j] = s * scale;
                }
                ctx.localBarrier();
                float tileMax = NEG;
                for (int j = 0; j < n; j++) {
                    tileMax = KernelMath.max(tileMax, p[j]);
                }
                float newM = KernelMath.max(m, tileMax);
                ctx.localBarrier();
                for (int j = lid; j < n; j += size) {
                    p[j] = KernelMath.exp(p[j] - newM);
                }
                ctx.localBarrier();
                float correction = KernelMath.exp(m - newM);
                float tileSum = 0.0f;
                for (int j = 0; j < n; j++) {
                    tileSum += p[j];
                }
                l = l * correction + tileSum;
                m = newM;
                for (int c = lid; c < d; c += size) {
                    float a = acc[c] * correction;
                    for (int j = 0; j < n; j++) {
                        a += p[j] * KernelMath.halfToFloat(v[kvBase + (ts + j) * d + c]);
                    }
                    acc[c] = a;
                }
                ctx.localBarrier();
            }
        }
        int slot = h * chunks + chunk;
        for (int c = lid; c < d; c += size) {
            partialAcc[slot * d + c] = acc[c];
        }
        if (lid == 0) {
            partialStats[slot * 2] = m;
            partialStats[slot * 2 + 1] = l;
        }
    }

    /**
     * Decode, second pass: merges each head's chunk partials by log-sum-exp into the
     * normalised output (hq, d). Head h reads only the chunks its list fills,
     * ⌈spans[2h+1] / chunkBlocks⌉ of the {@code chunks}.
     */
    @Kernel
    public static void decodeMerge(float[] partialAcc, float[] partialStats, int[] spans, int chunkBlocks, int hq,
                                   int d, int chunks, float[] out) {
        for (@Parallel int h = 0; h < hq; h++) {
            for (@Parallel int c = 0; c < d; c++) {
                int used = KernelMath.min(chunks, (spans[2 * h + 1] + chunkBlocks - 1) / chunkBlocks);
                float m = NEG;
                for (int i = 0; i < used; i++) {
                    m = KernelMath.max(m, partialStats[(h * chunks + i) * 2]);
                }
                float l = 0.0f;
                float o = 0.0f;
                for (int i = 0; i < used; i++) {
                    int slot = h * chunks + i;
                    float w = KernelMath.exp(partialStats[slot * 2] - m);
                    l += partialStats[slot * 2 + 1] * w;
                    o += partialAcc[slot * d + c] * w;
                }
                out[h * d + c] = o / l;
            }
        }
    }
}
