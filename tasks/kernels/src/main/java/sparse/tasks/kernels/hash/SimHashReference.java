package sparse.tasks.kernels.hash;

/** Float64 reference of {@link SimHashKernels}; same layouts. */
public final class SimHashReference {
    private SimHashReference() {
    }

    /** Mean of the first {@code n} keys per KV head, {@code [hkv][d]}. */
    public static double[] keyMean(short[] k, int hkv, int capacity, int d, int n) {
        double[] mean = new double[hkv * d];
        for (int h = 0; h < hkv; h++) {
            for (int t = 0; t < n; t++) {
                for (int i = 0; i < d; i++) {
                    mean[h * d + i] += Float.float16ToFloat(k[(h * capacity + t) * d + i]);
                }
            }
            for (int i = 0; i < d; i++) {
                mean[h * d + i] /= n;
            }
        }
        return mean;
    }

    /** {@code ⟨k_{h,t} − mean_h, w_{l,p}⟩}. */
    public static double centredProjection(short[] k, double[] mean, int h, int t, float[] planes, int l, int p,
                                           int capacity, int d, int bits) {
        double z = 0;
        for (int i = 0; i < d; i++) {
            double x = Float.float16ToFloat(k[(h * capacity + t) * d + i]) - mean[h * d + i];
            z += x * planes[(l * bits + p) * d + i];
        }
        return z;
    }

    /** Codes {@code [hkv][tables][capacity]} of the first {@code n} centred keys. */
    public static int[] centredKeyCodes(short[] k, double[] mean, float[] planes, int hkv, int capacity, int d,
                                        int tables, int bits, int n) {
        int[] codes = new int[hkv * tables * capacity];
        for (int h = 0; h < hkv; h++) {
            for (int l = 0; l < tables; l++) {
                for (int t = 0; t < n; t++) {
                    int c = 0;
                    for (int p = 0; p < bits; p++) {
                        if (centredProjection(k, mean, h, t, planes, l, p, capacity, d, bits) >= 0) {
                            c |= 1 << (bits - 1 - p);
                        }
                    }
                    codes[(h * tables + l) * capacity + t] = c;
                }
            }
        }
        return codes;
    }

    /** {@code ⟨q_h, w_{l,p}⟩}. */
    public static double queryProjection(float[] q, int h, float[] planes, int l, int p, int d, int bits) {
        double z = 0;
        for (int i = 0; i < d; i++) {
            z += (double) q[h * d + i] * planes[(l * bits + p) * d + i];
        }
        return z;
    }

    /** Query codes {@code [hq][tables]}. */
    public static int[] queryCodes(float[] q, float[] planes, int hq, int d, int tables, int bits) {
        int[] codes = new int[hq * tables];
        for (int h = 0; h < hq; h++) {
            for (int l = 0; l < tables; l++) {
                int c = 0;
                for (int p = 0; p < bits; p++) {
                    if (queryProjection(q, h, planes, l, p, d, bits) >= 0) {
                        c |= 1 << (bits - 1 - p);
                    }
                }
                codes[h * tables + l] = c;
            }
        }
        return codes;
    }
}
