package sparse.tasks.kernels.pages;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Float64 reference of {@link PageKernels}: page bounds, page scores, top pages by sorting and
 * their key positions.
 */
public final class QuestReference {
    private QuestReference() {
    }

    /**
     * Per key head, page and channel the minimum ({@code [0]}) and maximum ({@code [1]}) of
     * the fp16 keys (hkv, capacity, d) over the first {@code tokens} tokens; each (hkv, pages, d).
     */
    public static double[][] pageBounds(short[] k, int hkv, int capacity, int tokens, int d, int page) {
        int pages = (tokens + page - 1) / page;
        double[] min = new double[hkv * pages * d];
        double[] max = new double[hkv * pages * d];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int g = 0; g < hkv; g++) {
            for (int t = 0; t < tokens; t++) {
                for (int c = 0; c < d; c++) {
                    double x = Float.float16ToFloat(k[(g * capacity + t) * d + c]);
                    int at = (g * pages + t / page) * d + c;
                    min[at] = Math.min(min[at], x);
                    max[at] = Math.max(max[at], x);
                }
            }
        }
        return new double[][]{min, max};
    }

    /** Page scores (hq, pages) of queries (hq, d) against bounds from {@link #pageBounds}. */
    public static double[] pageScores(float[] q, int hq, int hkv, int d, double[][] bounds, int pages) {
        double[] scores = new double[hq * pages];
        for (int h = 0; h < hq; h++) {
            int g = h / (hq / hkv);
            for (int p = 0; p < pages; p++) {
                double s = 0;
                for (int c = 0; c < d; c++) {
                    double qc = q[h * d + c];
                    int at = (g * pages + p) * d + c;
                    s += Math.max(qc * bounds[0][at], qc * bounds[1][at]);
                }
                scores[h * pages + p] = s;
            }
        }
        return scores;
    }

    /** The {@code keep} best pages of one head's scores, ascending; ties to the lower page. */
    public static int[] topPages(double[] scores, int offset, int pages, int keep) {
        return IntStream.range(0, pages).boxed()
                .sorted(Comparator.<Integer>comparingDouble(p -> -scores[offset + p]).thenComparingInt(p -> p))
                .limit(keep)
                .mapToInt(Integer::intValue)
                .sorted()
                .toArray();
    }

    /** The key positions of {@code pages} (ascending) of {@code page} keys each, cut at {@code visible}. */
    public static int[] pagePositions(int[] pages, int page, int visible) {
        return IntStream.of(pages).flatMap(p -> IntStream.range(p * page, Math.min(p * page + page, visible))).toArray();
    }
}
