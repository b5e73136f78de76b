package sparse.tasks.kernels.walk;

import java.util.Arrays;

/**
 * Float64 reference of {@link WalkKernels}: dense matrix products without the triangular
 * shortcut, quantiles by sorting.
 */
public final class WalkReference {
    private WalkReference() {
    }

    /** {@code prev} (prevSize²) in the top-left corner of a size × size identity. */
    public static double[] padCarry(double[] prev, int prevSize, int size) {
        double[] out = new double[size * size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                out[i * size + j] = i < prevSize && j < prevSize ? prev[i * prevSize + j] : (i == j ? 1 : 0);
            }
        }
        return out;
    }

    /** {@code hops} steps of {@code S ← (1 − β)·a + β·S·a} from {@code start}; size × size. */
    public static double[] walk(double[] a, double[] start, int size, double beta, int hops) {
        double[] s = start.clone();
        for (int t = 0; t < hops; t++) {
            double[] next = new double[size * size];
            for (int i = 0; i < size; i++) {
                for (int j = 0; j < size; j++) {
                    double hop = 0;
                    for (int k = 0; k < size; k++) {
                        hop += s[i * size + k] * a[k * size + j];
                    }
                    next[i * size + j] = (1 - beta) * a[i * size + j] + beta * hop;
                }
            }
            s = next;
        }
        return s;
    }

    /** {@code hops} steps of {@code s ← (1 − β)·r + β·s·a} from s = r; a has rows aStride apart. */
    public static double[] walkVector(double[] r, double[] a, int aStride, int size, double beta, int hops) {
        double[] s = Arrays.copyOf(r, size);
        for (int t = 0; t < hops; t++) {
            double[] next = new double[size];
            for (int j = 0; j < size; j++) {
                double hop = 0;
                for (int i = 0; i < size; i++) {
                    hop += s[i] * a[i * aStride + j];
                }
                next[j] = (1 - beta) * r[j] + beta * hop;
            }
            s = next;
        }
        return s;
    }

    /**
     * The threshold of query block i over its scores {@code row} (indexed by key block): the
     * quantile of the candidates {@code sinkBlocks ≤ j < i − windowBlocks}, linear between
     * order statistics; {@link WalkKernels#NO_CANDIDATES} without candidates or for a quantile
     * above 1 (decode's way to keep none).
     */
    public static double threshold(double[] row, int rowOffset, int i, int sinkBlocks, int windowBlocks,
                                   double quantile) {
        int lo = sinkBlocks;
        int hi = i - windowBlocks;
        if (hi <= lo || quantile > 1) {
            return WalkKernels.NO_CANDIDATES;
        }
        double[] c = Arrays.copyOfRange(row, rowOffset + lo, rowOffset + hi);
        Arrays.sort(c);
        double pos = quantile * (c.length - 1);
        int k = (int) Math.floor(pos);
        double high = c[Math.min(k + 1, c.length - 1)];
        return c[k] + (pos - k) * (high - c[k]);
    }

    /** Whether key block j ≤ i of query block i is kept (the rule of {@link WalkKernels}). */
    public static boolean keeps(int i, int j, double score, double threshold, int sinkBlocks, int windowBlocks) {
        return j <= i && (j < sinkBlocks || j >= i - windowBlocks || score >= threshold);
    }

    /** Prefill's block mask (size × size) from the walk scores and per-row thresholds. */
    public static boolean[] selectBlocks(double[] w, int size, double[] thresholds, int sinkBlocks,
                                         int windowBlocks, int denseFromRow) {
        boolean[] keep = new boolean[size * size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j <= i; j++) {
                keep[i * size + j] = i >= denseFromRow
                        || keeps(i, j, w[i * size + j], thresholds[i], sinkBlocks, windowBlocks);
            }
        }
        return keep;
    }

    /** Decode's kept blocks of query block {@code row}, ascending. */
    public static int[] keptBlocks(double[] s, int row, double threshold, int sinkBlocks, int windowBlocks) {
        return java.util.stream.IntStream.rangeClosed(0, row)
                .filter(j -> keeps(row, j, s[j], threshold, sinkBlocks, windowBlocks))
                .toArray();
    }
}
