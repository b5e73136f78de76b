package sparse.engine.attention.metrics;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import sparse.engine.attention.Budget;
import sparse.engine.attention.workload.WorkloadLayer;

/** Plain float64 brute-force versions of the metrics, written independently of {@link StepReference}. */
public final class BruteForce {

    private BruteForce() {
    }

    /** softmax(q·K/√d) of head h over the first {@code visible} keys, brute force. */
    public static double[] probabilities(WorkloadLayer l, float[] q, int h, int visible) {
        int d = l.d();
        int g = h / (l.hq() / l.hkv());
        double[] s = new double[visible];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < visible; j++) {
            for (int i = 0; i < d; i++) {
                s[j] += (double) q[h * d + i] * Float.float16ToFloat(l.k()[(g * l.t() + j) * d + i]);
            }
            s[j] /= Math.sqrt(d);
            max = Math.max(max, s[j]);
        }
        double sum = 0;
        for (int j = 0; j < visible; j++) {
            s[j] = Math.exp(s[j] - max);
            sum += s[j];
        }
        for (int j = 0; j < visible; j++) {
            s[j] /= sum;
        }
        return s;
    }

    /** Attention output over {@code sel} (all keys when null), renormalised over the selection. */
    public static double[] output(WorkloadLayer l, double[] p, int h, int[] sel) {
        int d = l.d();
        int g = h / (l.hq() / l.hkv());
        int[] js = sel != null ? sel : IntStream.range(0, p.length).toArray();
        double z = 0;
        for (int j : js) {
            z += p[j];
        }
        double[] o = new double[d];
        for (int j : js) {
            for (int i = 0; i < d; i++) {
                o[i] += p[j] / z * Float.float16ToFloat(l.v()[(g * l.t() + j) * d + i]);
            }
        }
        return o;
    }

    /** The M heavy positions of largest probability (ties to the lower position). */
    public static int[] oracle(double[] p, Budget b) {
        return IntStream.range(b.sink(), p.length - b.window()).boxed()
                .sorted(Comparator.<Integer>comparingDouble(j -> -p[j]).thenComparingInt(j -> j))
                .limit(b.heavy()).mapToInt(Integer::intValue).sorted().toArray();
    }

    public static double recall(double[] p, int[] sel, Budget b) {
        if (b.heavy() == 0) {
            return 1;
        }
        int[] oracle = oracle(p, b);
        long hits = Arrays.stream(sel).filter(j -> Arrays.binarySearch(oracle, j) >= 0).count();
        return (double) hits / b.heavy();
    }
}
