package sparse.tasks.kernels.rope;

/** Float64 reference of {@link RopeKernels}, its angles computed from the base. */
public final class RopeReference {
    private RopeReference() {
    }

    /** {@code x} ({@code [heads][headSize]}) with each head's adjacent pairs rotated for position {@code pos}. */
    public static double[] ropeAdjacentPairs(float[] x, int heads, int headSize, int pos, double base) {
        double[] out = new double[heads * headSize];
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < headSize / 2; j++) {
                double angle = pos * Math.pow(base, -2.0 * j / headSize);
                int i = h * headSize + 2 * j;
                out[i] = x[i] * Math.cos(angle) - x[i + 1] * Math.sin(angle);
                out[i + 1] = x[i] * Math.sin(angle) + x[i + 1] * Math.cos(angle);
            }
        }
        return out;
    }
}
