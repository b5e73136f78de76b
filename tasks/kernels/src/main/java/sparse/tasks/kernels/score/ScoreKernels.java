package sparse.tasks.kernels.score;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelMath;
import sparse.tasks.lang.Parallel;

/**
 * Per-key scores for token selection: SOCKET's soft-collision score, the exact logit for the
 * oracle, and MagicPIG's inverse collision probability for keys that hard LSH sampled.
 *
 * <p>Scores are {@code [rows][capacity]}, of which the first {@code n} of a row are written.
 * Grouped-query attention: query head h reads KV head {@code h / (hq / hkv)}. Work-items along
 * dimension 0 take consecutive tokens so that code and norm reads coalesce.
 */
public final class ScoreKernels {
    private ScoreKernels() {
    }

    /** The smallest collision probability a weight divides by, so that no weight is infinite. */
    static final float MIN_COLLISION_PROBABILITY = 1.0e-30f;
    static final float PI = 3.14159265358979f;

    /**
     * SOCKET: {@code score[h][j] = ‖v_j‖ · Σ_l high[h][l][c >> lowBits] · low[h][l][c & lowMask]},
     * {@code c} the key's code in table l, one byte per table (see SocketHashKernels). The norm
     * factor is left out when {@code useValueNorms} is 0. One work-item per token and KV head
     * scores the query heads of the group four at a time, reading each code once for the four;
     * with {@code sumOverGroup} set it writes their sum, {@code scores[kv][j]} (the per-group
     * shared selection's score), else each head's score.
     */
    @Kernel
    public static void softCollisionScoresFromBytes(byte[] codes, float[] valueNorms, float[] high, float[] low,
                                                    float[] scores, int hq, int hkv, int capacity, int n, int tables,
                                                    int bits, int useValueNorms, int sumOverGroup) {
        int lowBits = bits / 2;
        int lowMask = (1 << lowBits) - 1;
        int highSize = 1 << (bits - lowBits);
        int headHigh = tables * highSize;
        int headLow = tables << lowBits;
        int group = hq / hkv;
        for (@Parallel int j = 0; j < n; j++) {
            for (@Parallel int kv = 0; kv < hkv; kv++) {
                int codeBase = kv * tables * capacity + j;
                float norm = 1f;
                if (useValueNorms != 0) {
                    norm = valueNorms[kv * capacity + j];
                }
                float total = 0f;
                // four heads at a time, each code read once for them
                for (int first = 0; first < group; first += 4) {
                    int h = kv * group + first;
                    int more = group - first;
                    float s0 = 0f;
                    float s1 = 0f;
                    float s2 = 0f;
                    float s3 = 0f;
                    for (int l = 0; l < tables; l++) {
                        int c = codes[codeBase + l * capacity] & 0xFF;
                        int highAt = (h * tables + l) * highSize + (c >> lowBits);
                        int lowAt = ((h * tables + l) << lowBits) + (c & lowMask);
                        s0 += high[highAt] * low[lowAt];
                        if (more > 1) {
                            s1 += high[highAt + headHigh] * low[lowAt + headLow];
                        }
                        if (more > 2) {
                            s2 += high[highAt + 2 * headHigh] * low[lowAt + 2 * headLow];
                        }
                        if (more > 3) {
                            s3 += high[highAt + 3 * headHigh] * low[lowAt + 3 * headLow];
                        }
                    }
                    s0 *= norm;
                    s1 *= norm;
                    s2 *= norm;
                    s3 *= norm;
                    if (sumOverGroup != 0) {
                        total += s0 + s1 + s2 + s3;
                    } else {
                        scores[h * capacity + j] = s0;
                        if (more > 1) {
                            scores[(h + 1) * capacity + j] = s1;
                        }
                        if (more > 2) {
                            scores[(h + 2) * capacity + j] = s2;
                        }
                        if (more > 3) {
                            scores[(h + 3) * capacity + j] = s3;
                        }
                    }
                }
                if (sumOverGroup != 0) {
                    scores[kv * capacity + j] = total;
                }
            }
        }
    }

    /** As {@link #softCollisionScoresFromBytes}, codes one short per table. */
    @Kernel
    public static void softCollisionScoresFromShorts(short[] codes, float[] valueNorms, float[] high, float[] low,
                                                     float[] scores, int hq, int hkv, int capacity, int n, int tables,
                                                     int bits, int useValueNorms, int sumOverGroup) {
        int lowBits = bits / 2;
        int lowMask = (1 << lowBits) - 1;
        int highSize = 1 << (bits - lowBits);
        int headHigh = tables * highSize;
        int headLow = tables << lowBits;
        int group = hq / hkv;
        for (@Parallel int j = 0; j < n; j++) {
            for (@Parallel int kv = 0; kv < hkv; kv++) {
                int codeBase = kv * tables * capacity + j;
                float norm = 1f;
                if (useValueNorms != 0) {
                    norm = valueNorms[kv * capacity + j];
                }
                float total = 0f;
                // four heads at a time, each code read once for them
                for (int first = 0; first < group; first += 4) {
                    int h = kv * group + first;
                    int more = group - first;
                    float s0 = 0f;
                    float s1 = 0f;
                    float s2 = 0f;
                    float s3 = 0f;
                    for (int l = 0; l < tables; l++) {
                        int c = codes[codeBase + l * capacity] & 0xFFFF;
                        int highAt = (h * tables + l) * highSize + (c >> lowBits);
                        int lowAt = ((h * tables + l) << lowBits) + (c & lowMask);
                        s0 += high[highAt] * low[lowAt];
                        if (more > 1) {
                            s1 += high[highAt + headHigh] * low[lowAt + headLow];
                        }
                        if (more > 2) {
                            s2 += high[highAt + 2 * headHigh] * low[lowAt + 2 * headLow];
                        }
                        if (more > 3) {
                            s3 += high[highAt + 3 * headHigh] * low[lowAt + 3 * headLow];
                        }
                    }
                    s0 *= norm;
                    s1 *= norm;
                    s2 *= norm;
                    s3 *= norm;
                    if (sumOverGroup != 0) {
                        total += s0 + s1 + s2 + s3;
                    } else {
                        scores[h * capacity + j] = s0;
                        if (more > 1) {
                            scores[(h + 1) * capacity + j] = s1;
                        }
                        if (more > 2) {
                            scores[(h + 2) * capacity + j] = s2;
                        }
                        if (more > 3) {
                            scores[(h + 3) * capacity + j] = s3;
                        }
                    }
                }
                if (sumOverGroup != 0) {
                    scores[kv * capacity + j] = total;
                }
            }
        }
    }

    /** The exact logit {@code q_h · k_j / √d} of every query head and key (fp16 keys). */
    @Kernel
    public static void exactScores(float[] q, short[] k, float[] scores, int hq, int hkv, int d, int capacity, int n) {
        float scale = KernelMath.rsqrt((float) d);
        for (@Parallel int j = 0; j < n; j++) {
            for (@Parallel int h = 0; h < hq; h++) {
                int kv = h / (hq / hkv);
                int kBase = (kv * capacity + j) * d;
                float dot = 0f;
                for (int c = 0; c < d; c++) {
                    dot += q[h * d + c] * KernelMath.halfToFloat(k[kBase + c]);
                }
                scores[h * capacity + j] = dot * scale;
            }
        }
    }

    /**
     * MagicPIG's importance weights as logit offsets, per query head and list slot:
     * {@code −ln u} with {@code u = 1 − (1 − (1 − θ/π)^bits)^tables} the probability that the
     * key collides with the query in at least one table, θ the angle between {@code q} and the
     * centred key {@code k − mean}. Sink and window slots (the first {@code sink} and last
     * {@code window} of a head's {@code counts[h]} slots) were kept for sure: offset 0.
     * Lists and offsets are {@code [hq][listStride]}.
     */
    @Kernel
    public static void inverseCollisionLogWeights(float[] q, short[] k, float[] mean, int[] indices, int[] counts,
                                                  float[] logWeights, int hq, int hkv, int d, int capacity,
                                                  int listStride, int sink, int window, int tables, int bits) {
        for (@Parallel int slot = 0; slot < listStride; slot++) {
            for (@Parallel int h = 0; h < hq; h++) {
                int count = counts[h];
                if (slot < count) {
                    float offset = 0f;
                    if (slot >= sink && slot < count - window) {
                        int kv = h / (hq / hkv);
                        int kBase = (kv * capacity + indices[h * listStride + slot]) * d;
                        float dot = 0f;
                        float qq = 0f;
                        float kk = 0f;
                        for (int c = 0; c < d; c++) {
                            float qc = q[h * d + c];
                            float kc = KernelMath.halfToFloat(k[kBase + c]) - mean[kv * d + c];
                            dot += qc * kc;
                            qq += qc * qc;
                            kk += kc * kc;
                        }
                        // a key equal to the mean has no direction: count it as orthogonal
                        float cosine = dot * KernelMath.rsqrt(KernelMath.max(qq * kk, 1.0e-30f));
                        float bitCollision = 1f - arcCos(cosine) / PI;
                        float tableCollision = KernelMath.pow(bitCollision, (float) bits);
                        float u = -expm1(tables * log1p(-tableCollision));
                        offset = -KernelMath.log(KernelMath.max(u, MIN_COLLISION_PROBABILITY));
                    }
                    logWeights[h * listStride + slot] = offset;
                }
            }
        }
    }

    /**
     * acos(x) for x in [−1, 1], to about 2e-8 absolute: Abramowitz &amp; Stegun 4.4.46 on |x|,
     * reflected for negative x (KernelMath has no acos).
     */
    static float arcCos(float x) {
        float a = KernelMath.min(KernelMath.abs(x), 1f);
        float poly = -0.0012624911f;
        poly = poly * a + 0.0066700901f;
        poly = poly * a - 0.0170881256f;
        poly = poly * a + 0.0308918810f;
        poly = poly * a - 0.0501743046f;
        poly = poly * a + 0.0889789874f;
        poly = poly * a - 0.2145988016f;
        poly = poly * a + 1.5707963050f;
        float r = KernelMath.sqrt(1f - a) * poly;
        if (x < 0f) {
            r = PI - r;
        }
        return r;
    }

    /** ln(1 + x) accurate for small x (Goldberg's trick: the rounding of 1 + x cancels). */
    static float log1p(float x) {
        float y = 1f + x;
        float r = x;
        if (y != 1f) {
            r = KernelMath.log(y) * x / (y - 1f);
        }
        return r;
    }

    /**
     * e^x − 1 accurate for small x: Kahan's trick where e^x is near 1 (the rounding of e^x
     * cancels); plain e^x − 1 elsewhere (the trick fails where e^x is subnormal).
     */
    static float expm1(float x) {
        float y = KernelMath.exp(x);
        float r = y - 1f;
        if (y == 1f) {
            r = x;
        } else if (y > 0.5f) {
            r = (y - 1f) * x / KernelMath.log(y);
        }
        return r;
    }
}
