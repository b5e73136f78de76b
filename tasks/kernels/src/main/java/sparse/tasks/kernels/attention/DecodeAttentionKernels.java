package sparse.tasks.kernels.attention;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelMath;
import sparse.tasks.lang.Parallel;

/**
 * Flash-decode of one query token over an index list of cached keys: each work-group takes
 * one chunk of one head's list and leaves an online-softmax partial {@code (m, l, acc)};
 * {@link #mergePartials} combines a head's chunks by log-sum-exp. Dense attention is the same
 * kernel over the list of every position.
 *
 * <p>Shapes: q {@code [hq][d]}; K, V fp16 {@code [hkv][capacity][d]} (query head h reads KV
 * head {@code h / (hq / hkv)}); lists {@code [rows][listStride]} with {@code counts[rows]},
 * query head h reading row {@code h / headsPerList} (1: a list per head; hq / hkv: one per
 * group; hq: one list for all); partials {@code [hq][chunks]} and {@code [hq][chunks][d]};
 * output {@code [hq][d]}. Accumulation in fp32; d ≤ {@link #TILE}.
 */
public final class DecodeAttentionKernels {
    private DecodeAttentionKernels() {
    }

    /** Work-items per group; keys per tile of a chunk; the largest head dimension. */
    public static final int TILE = 128;
    /** The running maximum before any key: finite, so that exp(NO_SCORE − m) is 0, never NaN. */
    static final float NO_SCORE = -3.0e38f;

    /**
     * Grid: {@code chunks × TILE} by {@code hq}, work-groups of {@code TILE × 1}; chunk c of a
     * head covers list slots {@code [c · chunk, (c + 1) · chunk)} ({@code chunk} a multiple of
     * TILE). With {@code withLogWeights} set, {@code logWeights} (laid out like the lists) is
     * added to each key's logit.
     */
    @Kernel
    public static void decodeOverIndexList(KernelContext ctx, float[] q, short[] k, short[] v, int[] indices,
                                           int[] counts, float[] logWeights, float[] partialMax, float[] partialSum,
                                           float[] partialAcc, int hq, int hkv, int d, int capacity, int listStride,
                                           int headsPerList, int chunks, int chunk, int withLogWeights) {
        float[] qs = ctx.allocateFloatLocalArray(TILE);
        float[] weights = ctx.allocateFloatLocalArray(TILE);
        float[] reduce = ctx.allocateFloatLocalArray(TILE);
        int[] rows = ctx.allocateIntLocalArray(TILE);
        int t = ctx.localIdx;
        int c = ctx.groupIdx;
        int h = ctx.groupIdy;
        int kvBase = h / (hq / hkv) * capacity;
        int list = h / headsPerList;
        int listBase = list * listStride;
        int begin = c * chunk;
        int end = KernelMath.min(begin + chunk, counts[list]);
        if (t < d) {
            qs[t] = q[h * d + t] * KernelMath.rsqrt((float) d);
        }
        ctx.localBarrier();

        float runningMax = NO_SCORE;
        float runningSum = 0f;
        float acc = 0f;
        for (int tile = begin; tile < end; tile += TILE) {
            // one key per work-item: its logit
            int slot = tile + t;
            float s = NO_SCORE;
            int row = 0;
            if (slot < end) {
                row = kvBase + indices[listBase + slot];
                s = 0f;
                for (int i = 0; i < d; i++) {
                    s += qs[i] * KernelMath.halfToFloat(k[row * d + i]);
                }
                if (withLogWeights != 0) {
                    s += logWeights[listBase + slot];
                }
            }
            rows[t] = row;
            reduce[t] = s;
            ctx.localBarrier();
            for (int stride = TILE / 2; stride > 0; stride /= 2) {
                if (t < stride) {
                    reduce[t] = KernelMath.max(reduce[t], reduce[t + stride]);
                }
                ctx.localBarrier();
            }
            float newMax = KernelMath.max(runningMax, reduce[0]);
            ctx.localBarrier();
            float w = 0f;
            if (slot < end) {
                w = KernelMath.exp(s - newMax);
            }
            weights[t] = w;
            reduce[t] = w;
            ctx.localBarrier();
            for (int stride = TILE / 2; stride > 0; stride /= 2) {
                if (t < stride) {
                    reduce[t] = reduce[t] + reduce[t + stride];
                }
                ctx.localBarrier();
            }
            float correction = KernelMath.exp(runningMax - newMax);
            runningSum = runningSum * correction + reduce[0];
            runningMax = newMax;
            // one output channel per work-item: consecutive work-items read consecutive values
            if (t < d) {
                int keys = KernelMath.min(TILE, end - tile);
                float a = 0f;
                for (int i = 0; i < keys; i++) {
                    a += weights[i] * KernelMath.halfToFloat(v[rows[i] * d + t]);
                }
                acc = acc * correction + a;
            }
            ctx.localBarrier();
        }
        int partial = h * chunks + c;
        if (t == 0) {
            partialMax[partial] = runningMax;
            partialSum[partial] = runningSum;
        }
        if (t < d) {
            partialAcc[partial * d + t] = acc;
        }
    }

    /** {@code out[h] = Σ_c e^(m_c − M) acc_c / Σ_c e^(m_c − M) l_c}, M the largest m_c; 0 for an empty list. */
    @Kernel
    public static void mergePartials(float[] partialMax, float[] partialSum, float[] partialAcc, float[] out, int hq,
                                     int d, int chunks) {
        for (@Parallel int i = 0; i < hq * d; i++) {
            int h = i / d;
            int e = i - h * d;
            float m = NO_SCORE;
            for (int c = 0; c < chunks; c++) {
                m = KernelMath.max(m, partialMax[h * chunks + c]);
            }
            float sum = 0f;
            float acc = 0f;
            for (int c = 0; c < chunks; c++) {
                float w = KernelMath.exp(partialMax[h * chunks + c] - m);
                sum += w * partialSum[h * chunks + c];
                acc += w * partialAcc[(h * chunks + c) * d + e];
            }
            float o = 0f;
            if (sum > 0f) {
                o = acc / sum;
            }
            out[i] = o;
        }
    }
}
