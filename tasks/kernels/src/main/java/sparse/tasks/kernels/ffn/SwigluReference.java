package sparse.tasks.kernels.ffn;

/** Float64 reference of {@link SwigluKernels}. */
public final class SwigluReference {
    private SwigluReference() {
    }

    /** {@code silu(gate) · up}, element by element. */
    public static double[] swiglu(float[] gate, float[] up, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double g = gate[i];
            out[i] = g / (1 + Math.exp(-g)) * up[i];
        }
        return out;
    }
}
