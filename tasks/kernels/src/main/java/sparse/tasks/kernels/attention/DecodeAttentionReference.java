package sparse.tasks.kernels.attention;

/** Float64 reference of {@link DecodeAttentionKernels}: exact softmax attention over a list. */
public final class DecodeAttentionReference {
    private DecodeAttentionReference() {
    }

    /**
     * {@code Σ_i softmax_i(q·k_{j_i}/√d + b_i) v_{j_i}} for query head {@code h} over positions
     * {@code list}; {@code logWeights} (one per list entry) or null for none. Output {@code [d]}.
     */
    public static double[] decode(float[] q, short[] k, short[] v, int h, int hq, int hkv, int d, int capacity,
                                  int[] list, double[] logWeights) {
        int kvBase = h / (hq / hkv) * capacity;
        double[] logits = new double[list.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < list.length; i++) {
            double s = 0;
            for (int c = 0; c < d; c++) {
                s += (double) q[h * d + c] * Float.float16ToFloat(k[(kvBase + list[i]) * d + c]);
            }
            logits[i] = s / Math.sqrt(d) + (logWeights == null ? 0 : logWeights[i]);
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        double[] out = new double[d];
        for (int i = 0; i < list.length; i++) {
            double w = Math.exp(logits[i] - max);
            sum += w;
            for (int c = 0; c < d; c++) {
                out[c] += w * Float.float16ToFloat(v[(kvBase + list[i]) * d + c]);
            }
        }
        for (int c = 0; c < d; c++) {
            out[c] = list.length == 0 ? 0 : out[c] / sum;
        }
        return out;
    }
}
