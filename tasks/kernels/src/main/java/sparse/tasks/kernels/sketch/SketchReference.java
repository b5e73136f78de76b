package sparse.tasks.kernels.sketch;

/**
 * Float64 reference of {@link SketchKernels}, written from the definitions rather than from
 * the kernels: compact layouts (heads, rows, width), the Hadamard transform as a plain matrix
 * product, softmax in two passes.
 */
public final class SketchReference {
    private SketchReference() {
    }

    /** Block means of (heads, tokens, d) rows, fp32 input; returns (heads, ⌈tokens/block⌉, d). */
    public static double[] poolBlocks(float[] x, int heads, int tokens, int d, int block) {
        double[] rows = new double[heads * tokens * d];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = x[i];
        }
        return poolBlocks(rows, heads, tokens, d, block);
    }

    /** Block means of fp16 rows (heads, capacity, d) of which the first {@code tokens} count. */
    public static double[] poolBlocksHalf(short[] x, int heads, int capacity, int tokens, int d, int block) {
        double[] rows = new double[heads * tokens * d];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < tokens * d; i++) {
                rows[h * tokens * d + i] = Float.float16ToFloat(x[h * capacity * d + i]);
            }
        }
        return poolBlocks(rows, heads, tokens, d, block);
    }

    private static double[] poolBlocks(double[] x, int heads, int tokens, int d, int block) {
        int blocks = (tokens + block - 1) / block;
        double[] out = new double[heads * blocks * d];
        for (int h = 0; h < heads; h++) {
            for (int jb = 0; jb < blocks; jb++) {
                int start = jb * block;
                int end = Math.min(start + block, tokens);
                for (int c = 0; c < d; c++) {
                    double sum = 0;
                    for (int t = start; t < end; t++) {
                        sum += x[(h * tokens + t) * d + c];
                    }
                    out[(h * blocks + jb) * d + c] = sum / (end - start);
                }
            }
        }
        return out;
    }

    /** The sketch of {@code count} rows of d values; returns (count, m). */
    public static double[] sketch(double[] x, int count, SketchParameters p) {
        double scale = 1.0 / Math.sqrt(p.n()) / Math.sqrt((double) p.n() / p.m());
        double[] out = new double[count * p.m()];
        for (int r = 0; r < count; r++) {
            for (int c = 0; c < p.m(); c++) {
                int row = p.keep()[c];
                double sum = 0;
                for (int i = 0; i < p.d(); i++) {
                    double h = Integer.bitCount(row & i) % 2 == 0 ? 1 : -1;
                    sum += h * p.signs()[i] * x[r * p.d() + i];
                }
                out[r * p.m() + c] = scale * sum;
            }
        }
        return out;
    }

    /** Widens floats to doubles. */
    public static double[] widen(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }

    /**
     * Prefill's block attention estimate: (tb, tb), row i the mean over query heads of
     * softmax over key blocks j ≤ i of {@code scale · q̃·k̃}; zero above the diagonal.
     *
     * @param qs (hq, tb, m)
     * @param ks (hkv, tb, m)
     */
    public static double[] blockAttention(double[] qs, double[] ks, int hq, int hkv, int tb, int m, double scale) {
        double[] out = new double[tb * tb];
        for (int h = 0; h < hq; h++) {
            int g = h / (hq / hkv);
            for (int i = 0; i < tb; i++) {
                double[] p = softmax(qs, (h * tb + i) * m, ks, g * tb * m, i + 1, m, scale);
                for (int j = 0; j <= i; j++) {
                    out[i * tb + j] += p[j] / hq;
                }
            }
        }
        return out;
    }

    /**
     * Decode's block scores over {@code cols} key blocks: the mean over query heads and
     * {@code rows} queries of each query's softmax.
     *
     * @param qs (hq, rows, m)
     * @param ks (hkv, cols, m)
     */
    public static double[] queryBlockScores(double[] qs, double[] ks, int hq, int hkv, int rows, int cols, int m,
                                            double scale) {
        double[] r = new double[cols];
        for (int h = 0; h < hq; h++) {
            int g = h / (hq / hkv);
            for (int i = 0; i < rows; i++) {
                double[] p = softmax(qs, (h * rows + i) * m, ks, g * cols * m, cols, m, scale);
                for (int j = 0; j < cols; j++) {
                    r[j] += p[j] / (hq * rows);
                }
            }
        }
        return r;
    }

    private static double[] softmax(double[] qs, int qBase, double[] ks, int kBase, int n, int m, double scale) {
        double[] p = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int c = 0; c < m; c++) {
                s += qs[qBase + c] * ks[kBase + j * m + c];
            }
            p[j] = scale * s;
            max = Math.max(max, p[j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            p[j] = Math.exp(p[j] - max);
            sum += p[j];
        }
        for (int j = 0; j < n; j++) {
            p[j] /= sum;
        }
        return p;
    }
}
