package sparse.tasks.kernels.score;

/** Float64 reference of {@link ScoreKernels}; scores {@code [rows][n]} (packed, not strided). */
public final class ScoreReference {
    private ScoreReference() {
    }

    /**
     * SOCKET scores from codes {@code [hkv][tables][capacity]} and bucket probabilities
     * {@code [hq][tables][2^bits]}; {@code valueNorms [hkv][capacity]} or null to leave the norm out.
     */
    public static double[] softCollisionScores(int[] codes, double[] valueNorms, double[] probabilities, int hq,
                                               int hkv, int capacity, int n, int tables, int bits) {
        int buckets = 1 << bits;
        double[] scores = new double[hq * n];
        for (int h = 0; h < hq; h++) {
            int kv = h / (hq / hkv);
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int l = 0; l < tables; l++) {
                    s += probabilities[(h * tables + l) * buckets + codes[(kv * tables + l) * capacity + j]];
                }
                scores[h * n + j] = valueNorms == null ? s : s * valueNorms[kv * capacity + j];
            }
        }
        return scores;
    }

    /** {@code q_h · k_j / √d} for every query head and the first {@code n} keys. */
    public static double[] exactScores(float[] q, short[] k, int hq, int hkv, int d, int capacity, int n) {
        double[] scores = new double[hq * n];
        for (int h = 0; h < hq; h++) {
            int kv = h / (hq / hkv);
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += (double) q[h * d + i] * Float.float16ToFloat(k[(kv * capacity + j) * d + i]);
                }
                scores[h * n + j] = dot / Math.sqrt(d);
            }
        }
        return scores;
    }

    /** Per KV head the sum of its query heads' rows: {@code [hkv][n]} from {@code [hq][n]}. */
    public static double[] sumOverGroup(double[] scores, int hq, int hkv, int n) {
        int group = hq / hkv;
        double[] out = new double[hkv * n];
        for (int h = 0; h < hq; h++) {
            for (int j = 0; j < n; j++) {
                out[(h / group) * n + j] += scores[h * n + j];
            }
        }
        return out;
    }

    /**
     * MagicPIG's logit offset {@code −ln u} of key {@code j} for query head {@code h}:
     * {@code u = 1 − (1 − (1 − θ/π)^bits)^tables}, θ the angle between q and {@code k − mean}.
     */
    public static double inverseCollisionLogWeight(float[] q, short[] k, double[] mean, int h, int j, int hq, int hkv,
                                                   int d, int capacity, int tables, int bits) {
        int kv = h / (hq / hkv);
        double dot = 0;
        double qq = 0;
        double kk = 0;
        for (int i = 0; i < d; i++) {
            double qi = q[h * d + i];
            double ki = Float.float16ToFloat(k[(kv * capacity + j) * d + i]) - mean[kv * d + i];
            dot += qi * ki;
            qq += qi * qi;
            kk += ki * ki;
        }
        double cosine = kk == 0 ? 0 : Math.max(-1, Math.min(1, dot / Math.sqrt(qq * kk)));
        double tableCollision = Math.pow(1 - Math.acos(cosine) / Math.PI, bits);
        double u = -Math.expm1(tables * Math.log1p(-tableCollision));
        return -Math.log(u);
    }
}
