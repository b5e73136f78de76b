package sparse.tasks.kernels.hash;

/**
 * Float64 reference of {@link SocketHashKernels}, written from the definitions: codes bit by
 * bit, and bucket probabilities as the explicit softmax over all {@code 2^bits} corners (not
 * the product form the kernel uses). Same layouts as the kernels.
 */
public final class SocketHashReference {
    private SocketHashReference() {
    }

    /** {@code ⟨k_{h,t}, w_{l,p}⟩} in double. */
    public static double projection(short[] k, int h, int t, float[] planes, int l, int p, int capacity, int d, int bits) {
        double z = 0;
        int kBase = (h * capacity + t) * d;
        int wBase = (l * bits + p) * d;
        for (int i = 0; i < d; i++) {
            z += (double) Float.float16ToFloat(k[kBase + i]) * planes[wBase + i];
        }
        return z;
    }

    /** Codes {@code [hkv][tables][capacity]} of the first {@code n} tokens (the rest 0). */
    public static int[] keyCodes(short[] k, float[] planes, int hkv, int capacity, int d, int tables, int bits, int n) {
        int[] codes = new int[hkv * tables * capacity];
        for (int h = 0; h < hkv; h++) {
            for (int l = 0; l < tables; l++) {
                for (int t = 0; t < n; t++) {
                    int c = 0;
                    for (int p = 0; p < bits; p++) {
                        if (projection(k, h, t, planes, l, p, capacity, d, bits) >= 0) {
                            c |= 1 << (bits - 1 - p);
                        }
                    }
                    codes[(h * tables + l) * capacity + t] = c;
                }
            }
        }
        return codes;
    }

    /** {@code ‖v‖₂} per {@code [hkv][capacity]} row, first {@code n} tokens. */
    public static double[] valueNorms(short[] v, int hkv, int capacity, int d, int n) {
        double[] norms = new double[hkv * capacity];
        for (int h = 0; h < hkv; h++) {
            for (int t = 0; t < n; t++) {
                double s = 0;
                for (int i = 0; i < d; i++) {
                    double x = Float.float16ToFloat(v[(h * capacity + t) * d + i]);
                    s += x * x;
                }
                norms[h * capacity + t] = Math.sqrt(s);
            }
        }
        return norms;
    }

    /**
     * {@code Prob_l(r | q)} for every query head, table and bucket, {@code [hq][tables][2^bits]}:
     * {@code softmax_r(Σ_p tanh(⟨q, w_{l,p}⟩)/√d · c_r[p] / tau)}, {@code c_r[p] = +1} where bit p
     * of r (weight {@code 2^(bits-1-p)}) is set, −1 where not.
     */
    public static double[] bucketProbabilities(float[] q, float[] planes, int hq, int d, int tables, int bits, double tau) {
        int buckets = 1 << bits;
        double[] prob = new double[hq * tables * buckets];
        double[] h = new double[bits];
        double[] logits = new double[buckets];
        for (int head = 0; head < hq; head++) {
            for (int l = 0; l < tables; l++) {
                for (int p = 0; p < bits; p++) {
                    h[p] = Math.tanh(queryProjection(q, head, planes, l, p, d, bits)) / Math.sqrt(d);
                }
                double max = Double.NEGATIVE_INFINITY;
                for (int r = 0; r < buckets; r++) {
                    double s = 0;
                    for (int p = 0; p < bits; p++) {
                        s += ((r >> (bits - 1 - p)) & 1) == 1 ? h[p] : -h[p];
                    }
                    logits[r] = s / tau;
                    max = Math.max(max, logits[r]);
                }
                double sum = 0;
                for (int r = 0; r < buckets; r++) {
                    sum += Math.exp(logits[r] - max);
                }
                int base = (head * tables + l) * buckets;
                for (int r = 0; r < buckets; r++) {
                    prob[base + r] = Math.exp(logits[r] - max) / sum;
                }
            }
        }
        return prob;
    }

    /**
     * The kernels' bucket tables in float64, {@code [rows][tables][2^bits]}: per row the sum of
     * {@link #bucketProbabilities} over its {@code hq / rows} heads.
     */
    public static double[] bucketTables(float[] q, float[] planes, int hq, int rows, int d, int tables, int bits,
                                        double tau) {
        double[] prob = bucketProbabilities(q, planes, hq, d, tables, bits, tau);
        int size = tables << bits;
        double[] sums = new double[rows * size];
        for (int h = 0; h < hq; h++) {
            int row = h / (hq / rows);
            for (int i = 0; i < size; i++) {
                sums[row * size + i] += prob[h * size + i];
            }
        }
        return sums;
    }

    /** {@code ⟨q_head, w_{l,p}⟩} in float64. */
    static double queryProjection(float[] q, int head, float[] planes, int l, int p, int d, int bits) {
        double z = 0;
        for (int i = 0; i < d; i++) {
            z += (double) q[head * d + i] * planes[(l * bits + p) * d + i];
        }
        return z;
    }

    /**
     * The split tables of {@link SocketHashKernels#bucketTables} ({@code split = 1}) in float64,
     * {@code [hq][tables][SPLIT_ENTRIES]}: per head and table, the product of
     * {@code σ(±2·tanh(⟨q, w_p⟩)/(√d·tau))} over the high {@code bits − bits/2} bits for each
     * high entry, over the low {@code bits/2} bits for each low entry, each half repeating every
     * 2^width entries.
     */
    public static double[] splitTables(float[] q, float[] planes, int hq, int d, int tables, int bits, double tau) {
        int lowBits = bits / 2;
        int highBits = bits - lowBits;
        double[] out = new double[hq * tables * SocketHashKernels.SPLIT_ENTRIES];
        double[] y = new double[bits];
        for (int head = 0; head < hq; head++) {
            for (int l = 0; l < tables; l++) {
                for (int p = 0; p < bits; p++) {
                    y[p] = 2 * Math.tanh(queryProjection(q, head, planes, l, p, d, bits)) / (Math.sqrt(d) * tau);
                }
                int base = (head * tables + l) * SocketHashKernels.SPLIT_ENTRIES;
                for (int e = 0; e < SocketHashKernels.HALF_SIZE; e++) {
                    out[base + e] = product(y, 0, highBits, e % (1 << highBits));
                    out[base + SocketHashKernels.HALF_SIZE + e] = product(y, highBits, lowBits, e % (1 << lowBits));
                }
            }
        }
        return out;
    }

    /** The product over bits [first, first + width) of σ(y) where e's bit (big-endian) is set, σ(−y) where not. */
    private static double product(double[] y, int first, int width, int e) {
        double product = 1;
        for (int p = 0; p < width; p++) {
            double sign = ((e >> (width - 1 - p)) & 1) == 1 ? 1 : -1;
            product *= 1 / (1 + Math.exp(-sign * y[first + p]));
        }
        return product;
    }

    /** Codes {@code [hkv][tables][capacity]} out of the kernels' packed words (see SocketHashKernels). */
    public static int[] unpackCodes(int[] words, int hkv, int tables, int capacity, int bits) {
        int perWord = SocketHashKernels.codesPerWord(bits);
        int width = 32 / perWord;
        int wordsPerRow = SocketHashKernels.wordsPerRow(capacity, bits);
        int[] codes = new int[hkv * tables * capacity];
        for (int hl = 0; hl < hkv * tables; hl++) {
            for (int t = 0; t < capacity; t++) {
                int word = words[hl * wordsPerRow + t / perWord];
                codes[hl * capacity + t] = (int) ((word >>> (t % perWord * width)) & ((1L << width) - 1));
            }
        }
        return codes;
    }

    /** The kernels' packed words out of codes {@code [hkv][tables][capacity]}. */
    public static int[] packCodes(int[] codes, int hkv, int tables, int capacity, int bits) {
        int perWord = SocketHashKernels.codesPerWord(bits);
        int width = 32 / perWord;
        int wordsPerRow = SocketHashKernels.wordsPerRow(capacity, bits);
        int[] words = new int[hkv * tables * wordsPerRow];
        for (int hl = 0; hl < hkv * tables; hl++) {
            for (int t = 0; t < capacity; t++) {
                words[hl * wordsPerRow + t / perWord] |= codes[hl * capacity + t] << (t % perWord * width);
            }
        }
        return words;
    }
}
