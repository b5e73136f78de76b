package sparse.tasks.kernels.matvec;

/**
 * Float64 reference of {@link MatvecKernels} and {@link EmbeddingKernels}: each storage
 * format decoded to doubles, then plain loops.
 */
public final class MatvecReference {
    private MatvecReference() {
    }

    public static double[] decodeF32(float[] w) {
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i];
        }
        return out;
    }

    /** fp16 two to an int: element e in half e % 2 (the low half first) of w[e / 2]. */
    public static double[] decodeF16(int[] w) {
        double[] out = new double[2 * w.length];
        for (int e = 0; e < out.length; e++) {
            out[e] = Float.float16ToFloat((short) (w[e / 2] >>> (16 * (e % 2))));
        }
        return out;
    }

    /** bfloat16 (the upper 16 bits of a float32), two to an int as in {@link #decodeF16}. */
    public static double[] decodeBf16(int[] w) {
        double[] out = new double[2 * w.length];
        for (int e = 0; e < out.length; e++) {
            out[e] = Float.intBitsToFloat((w[e / 2] >>> (16 * (e % 2))) << 16);
        }
        return out;
    }

    /** Q8_0 as split on load: element e = scales[e / 32] · (signed byte e % 4 of quants[e / 4]). */
    public static double[] decodeQ8(short[] scales, int[] quants) {
        double[] out = new double[4 * quants.length];
        for (int e = 0; e < out.length; e++) {
            byte q = (byte) (quants[e / 4] >>> (8 * (e % 4)));
            out[e] = (double) Float.float16ToFloat(scales[e / MatvecKernels.Q8_BLOCK]) * q;
        }
        return out;
    }

    /** {@code W x} for a decoded row-major {@code [rows][cols]} W. */
    public static double[] matvec(double[] w, float[] x, int rows, int cols) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int c = 0; c < cols; c++) {
                s += w[r * cols + c] * x[c];
            }
            out[r] = s;
        }
        return out;
    }

    /** Row {@code token} of a decoded {@code [vocabulary][dim]} table. */
    public static double[] row(double[] table, int token, int dim) {
        double[] out = new double[dim];
        System.arraycopy(table, token * dim, out, 0, dim);
        return out;
    }
}
