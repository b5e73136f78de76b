package sparse.tasks.kernels.norm;

/** Float64 reference of {@link RmsNormKernels}. */
public final class RmsNormReference {
    private RmsNormReference() {
    }

    /** {@code x / sqrt(mean(x²) + eps) · weight}. */
    public static double[] rmsNorm(float[] x, float[] weight, int n, float eps) {
        double ss = 0;
        for (int i = 0; i < n; i++) {
            ss += (double) x[i] * x[i];
        }
        double inv = 1 / Math.sqrt(ss / n + eps);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = weight[i] * inv * x[i];
        }
        return out;
    }
}
