package sparse.tasks.kernels.score;

import static sparse.tasks.kernels.hash.SocketHashKernels.HALF_SIZE;
import static sparse.tasks.kernels.hash.SocketHashKernels.SPLIT_ENTRIES;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
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

    /** Work-items per group of {@link #softCollisionScores}. */
    public static final int SOFT_GROUP = 256;
    /** Bucket-table entries a work-group of {@link #softCollisionScores} holds on chip at once (32 KiB). */
    public static final int TABLE_CHUNK = 8192;

    /**
     * SOCKET: {@code score[row][j] = ‖v_j‖ · Σ_l table[row][l][code_l(j)]}, the norm factor left
     * out when {@code useValueNorms} is 0. Codes are packed words and tables are
     * {@code [rows][tables][2^bits]}, as {@link sparse.tasks.kernels.hash.SocketHashKernels}
     * makes them; row r reads KV head {@code r / (rows / hkv)}.
     *
     * <p>Grid: x over spans of {@code wordsPerGroup} code words of a row ({@code groupIdx}),
     * y over rows. The row's tables pass through local memory {@link #TABLE_CHUNK} entries at a
     * time; for each chunk every work-item reads one word per table, for a few consecutive
     * tokens (two words at a time), and adds their look-ups into the scores (written by the
     * first chunk, scaled by the norm after the last). Tables larger than a chunk (above 13 bits) are split across
     * chunks and a look-up outside the chunk held adds nothing.
     */
    @Kernel
    public static void softCollisionScores(KernelContext ctx, int[] codeWords, float[] valueNorms, float[] bucketTables,
                                           float[] scores, int rows, int hkv, int capacity, int n, int tables, int bits,
                                           int useValueNorms, int wordsPerGroup) {
        float[] table = ctx.allocateFloatLocalArray(TABLE_CHUNK);
        int row = ctx.groupIdy;
        int kv = row / (rows / hkv);
        int perWord = 4;
        if (bits > 8) {
            perWord = 2;
        }
        int wordsPerRow = (capacity + perWord - 1) / perWord;
        int begin = ctx.groupIdx * wordsPerGroup;
        int end = KernelMath.min(begin + wordsPerGroup, (n + perWord - 1) / perWord);
        int limit = KernelMath.min(n, end * perWord);
        int entries = tables << bits;
        int tableBase = row * entries;
        int codeBase = kv * tables * wordsPerRow;
        int scoreBase = row * capacity;
        int normBase = kv * capacity;
        for (int lo = 0; lo < entries; lo += TABLE_CHUNK) {
            int size = KernelMath.min(TABLE_CHUNK, entries - lo);
            for (int i = ctx.localIdx; i < size; i += SOFT_GROUP) {
                table[i] = bucketTables[tableBase + lo + i];
            }
            ctx.localBarrier();
            int firstTable = lo >> bits;
            int endTable = KernelMath.min(tables, ((lo + size - 1) >> bits) + 1);
            int last = 0;
            if (lo + size == entries) {
                last = 1;
            }
            // two words per work-item at a time, so that two loads per table are in flight; the
            // second is clamped into the span and its tokens not written when it falls outside
            for (int w = begin + ctx.localIdx; w < end; w += 2 * SOFT_GROUP) {
                int v = KernelMath.min(w + SOFT_GROUP, end - 1);
                float s0 = 0f;
                float s1 = 0f;
                float s2 = 0f;
                float s3 = 0f;
                float t0 = 0f;
                float t1 = 0f;
                float t2 = 0f;
                float t3 = 0f;
                for (int l = firstTable; l < endTable; l++) {
                    int word = codeWords[codeBase + l * wordsPerRow + w];
                    int other = codeWords[codeBase + l * wordsPerRow + v];
                    int at = (l << bits) - lo;
                    if (perWord == 4) {
                        // whole tables of at most 256 entries: every look-up is in the chunk
                        s0 += table[at + (word & 0xFF)];
                        s1 += table[at + ((word >> 8) & 0xFF)];
                        s2 += table[at + ((word >> 16) & 0xFF)];
                        s3 += table[at + ((word >> 24) & 0xFF)];
                        t0 += table[at + (other & 0xFF)];
                        t1 += table[at + ((other >> 8) & 0xFF)];
                        t2 += table[at + ((other >> 16) & 0xFF)];
                        t3 += table[at + ((other >> 24) & 0xFF)];
                    } else {
                        int c0 = at + (word & 0xFFFF);
                        int c1 = at + ((word >> 16) & 0xFFFF);
                        int c2 = at + (other & 0xFFFF);
                        int c3 = at + ((other >> 16) & 0xFFFF);
                        if (c0 >= 0 && c0 < size) {
                            s0 += table[c0];
                        }
                        if (c1 >= 0 && c1 < size) {
                            s1 += table[c1];
                        }
                        if (c2 >= 0 && c2 < size) {
                            t0 += table[c2];
                        }
                        if (c3 >= 0 && c3 < size) {
                            t1 += table[c3];
                        }
                    }
                }
                addWord(scores, valueNorms, scoreBase, normBase, w, perWord, limit, s0, s1, s2, s3, lo, last, useValueNorms);
                if (w + SOFT_GROUP < end) {
                    addWord(scores, valueNorms, scoreBase, normBase, v, perWord, limit, t0, t1, t2, t3, lo, last,
                            useValueNorms);
                }
            }
            ctx.localBarrier();
        }
    }

    /**
     * SOCKET's scores per query head (rows = hq) from split tables
     * ({@link sparse.tasks.kernels.hash.SocketHashKernels#bucketTables} with {@code split = 1},
     * at most 10 bits): each sub-group of 32 work-items holds one table's two halves in
     * registers, an entry per work-item, and looks a code up with two shuffles,
     * {@code high[c >> (bits/2)] · low[c & mask]}. Random look-ups into local memory collide on
     * its banks; shuffles do not. Each work-item scores two code words for two query heads of a
     * KV head (the pair's second head absent past an odd group), so that each code's look-up
     * indices serve both; the indices are the word shifted, unmasked, since a shuffle reads
     * lane index mod 32 and each half repeats across the 32 lanes. Arguments and output as
     * {@link #softCollisionScores}; grid {@code groups · SOFT_GROUP} by
     * {@link #splitScoreRows}{@code (rows, hkv)}, work-groups of {@link #SOFT_GROUP} (whole
     * sub-groups). Every work-item runs the same rounds, since shuffles are collective; one past
     * its span reads the span's last word and writes nothing.
     */
    @Kernel
    public static void splitTableScores(KernelContext ctx, int[] codeWords, float[] valueNorms, float[] splitTables,
                                        float[] scores, int rows, int hkv, int capacity, int n, int tables, int bits,
                                        int useValueNorms, int wordsPerGroup) {
        int group = rows / hkv;
        int pairs = (group + 1) / 2;
        int kv = ctx.groupIdy / pairs;
        int first = 2 * (ctx.groupIdy - kv * pairs);
        int rowA = kv * group + first;
        // past an odd group the second head is the first again: looked up, never written
        int hasB = 0;
        int rowB = rowA;
        if (first + 1 < group) {
            hasB = 1;
            rowB = rowA + 1;
        }
        int lane = ctx.localIdx & 31;
        int perWord = 4;
        int codeBits = 8;
        if (bits > 8) {
            perWord = 2;
            codeBits = 16;
        }
        int lowBits = bits / 2;
        int wordsPerRow = (capacity + perWord - 1) / perWord;
        int begin = ctx.groupIdx * wordsPerGroup;
        int end = KernelMath.min(begin + wordsPerGroup, (n + perWord - 1) / perWord);
        int limit = KernelMath.min(n, end * perWord);
        int tablesA = rowA * tables * SPLIT_ENTRIES + lane;
        int tablesB = rowB * tables * SPLIT_ENTRIES + lane;
        int codeBase = kv * tables * wordsPerRow;
        int normBase = kv * capacity;
        // two code words per work-item a round, as softCollisionScores: more loads in flight
        for (int round = begin; round < end; round += 2 * SOFT_GROUP) {
            int w = round + ctx.localIdx;
            int v = w + SOFT_GROUP;
            int wRead = KernelMath.min(w, end - 1);
            int vRead = KernelMath.min(v, end - 1);
            float a0 = 0f;
            float a1 = 0f;
            float a2 = 0f;
            float a3 = 0f;
            float b0 = 0f;
            float b1 = 0f;
            float b2 = 0f;
            float b3 = 0f;
            float c0 = 0f;
            float c1 = 0f;
            float c2 = 0f;
            float c3 = 0f;
            float e0 = 0f;
            float e1 = 0f;
            float e2 = 0f;
            float e3 = 0f;
            for (int l = 0; l < tables; l++) {
                float highA = splitTables[tablesA + l * SPLIT_ENTRIES];
                float lowA = splitTables[tablesA + l * SPLIT_ENTRIES + HALF_SIZE];
                float highB = splitTables[tablesB + l * SPLIT_ENTRIES];
                float lowB = splitTables[tablesB + l * SPLIT_ENTRIES + HALF_SIZE];
                int word = codeWords[codeBase + l * wordsPerRow + wRead];
                int other = codeWords[codeBase + l * wordsPerRow + vRead];
                // word: a (head A), b (head B); other: c (head A), e (head B)
                int high = word >>> lowBits;
                a0 += ctx.shuffle(highA, high) * ctx.shuffle(lowA, word);
                b0 += ctx.shuffle(highB, high) * ctx.shuffle(lowB, word);
                high = other >>> lowBits;
                c0 += ctx.shuffle(highA, high) * ctx.shuffle(lowA, other);
                e0 += ctx.shuffle(highB, high) * ctx.shuffle(lowB, other);
                high = word >>> (codeBits + lowBits);
                int low = word >>> codeBits;
                a1 += ctx.shuffle(highA, high) * ctx.shuffle(lowA, low);
                b1 += ctx.shuffle(highB, high) * ctx.shuffle(lowB, low);
                high = other >>> (codeBits + lowBits);
                low = other >>> codeBits;
                c1 += ctx.shuffle(highA, high) * ctx.shuffle(lowA, low);
                e1 += ctx.shuffle(highB, high) * ctx.shuffle(lowB, low);
                if (perWord == 4) {
                    high = word >>> (16 + lowBits);
                    low = word >>> 16;
                    a2 += ctx.shuffle(highA, high) * ctx.shuffle(lowA, low);
                    b2 += ctx.shuffle(highB, high) * ctx.shuffle(lowB, low);
                    high = other >>> (16 + lowBits);
                    low = other >>> 16;
                    c2 += ctx.shuffle(highA, high) * ctx.shuffle(lowA, low);
                    e2 += ctx.shuffle(highB, high) * ctx.shuffle(lowB, low);
                    high = word >>> (24 + lowBits);
                    low = word >>> 24;
                    a3 += ctx.shuffle(highA, high) * ctx.shuffle(lowA, low);
                    b3 += ctx.shuffle(highB, high) * ctx.shuffle(lowB, low);
                    high = other >>> (24 + lowBits);
                    low = other >>> 24;
                    c3 += ctx.shuffle(highA, high) * ctx.shuffle(lowA, low);
                    e3 += ctx.shuffle(highB, high) * ctx.shuffle(lowB, low);
                }
            }
            if (w < end) {
                addWord(scores, valueNorms, rowA * capacity, normBase, w, perWord, limit, a0, a1, a2, a3, 0, 1,
                        useValueNorms);
                if (hasB == 1) {
                    addWord(scores, valueNorms, rowB * capacity, normBase, w, perWord, limit, b0, b1, b2, b3, 0, 1,
                            useValueNorms);
                }
            }
            if (v < end) {
                addWord(scores, valueNorms, rowA * capacity, normBase, v, perWord, limit, c0, c1, c2, c3, 0, 1,
                        useValueNorms);
                if (hasB == 1) {
                    addWord(scores, valueNorms, rowB * capacity, normBase, v, perWord, limit, e0, e1, e2, e3, 0, 1,
                            useValueNorms);
                }
            }
        }
    }

    /** The grid's y extent of {@link #splitTableScores}: a work-group row per pair of query heads of each KV head. */
    public static int splitScoreRows(int rows, int hkv) {
        return hkv * ((rows / hkv + 1) / 2);
    }

    /**
     * The look-ups of word w's tokens from one chunk ({@code s0}..{@code s3}, the first
     * {@code perWord} used), for tokens below {@code limit}: written by the first chunk
     * ({@code lo} 0), added after; the last chunk scales the sum by the value norm.
     */
    static void addWord(float[] scores, float[] valueNorms, int scoreBase, int normBase, int w, int perWord, int limit,
                        float s0, float s1, float s2, float s3, int lo, int last, int useValueNorms) {
        int j = w * perWord;
        addScore(scores, valueNorms, scoreBase, normBase, j, limit, s0, lo, last, useValueNorms);
        addScore(scores, valueNorms, scoreBase, normBase, j + 1, limit, s1, lo, last, useValueNorms);
        if (perWord == 4) {
            addScore(scores, valueNorms, scoreBase, normBase, j + 2, limit, s2, lo, last, useValueNorms);
            addScore(scores, valueNorms, scoreBase, normBase, j + 3, limit, s3, lo, last, useValueNorms);
        }
    }

    static void addScore(float[] scores, float[] valueNorms, int scoreBase, int normBase, int j, int limit, float partial,
                         int lo, int last, int useValueNorms) {
        if (j < limit) {
            float sum = partial;
            if (lo > 0) {
                sum += scores[scoreBase + j];
            }
            if (last == 1 && useValueNorms != 0) {
                sum *= valueNorms[normBase + j];
            }
            scores[scoreBase + j] = sum;
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
