package sparse.engine.attention.metrics;

import java.util.Arrays;
import java.util.stream.IntStream;
import sparse.engine.attention.Budget;
import sparse.engine.attention.workload.WorkloadLayer;

/**
 * Dense attention of one decode step, every query head, in float64 from the workload's fp16
 * keys and values: what each method's selection and output are measured against. Keeps per
 * head only the log-sum-exp, the dense output and, per requested density, where the oracle
 * top-M ends, so a method's metrics cost one dot product per selected key.
 *
 * <p>The oracle top-M of a density is the M non-sink, non-window positions of largest
 * {@code q·k}, ties going to the lower position; M, sink and window come from
 * {@link Budget#of}.
 */
public final class StepReference {

    private final WorkloadLayer layer;
    private final int visible;
    private final float[] q;
    private final double[] densities;
    private final double[] lse;            // (hq)
    private final double[][] output;       // (hq, d)
    private final Budget[] budgets;        // (densities)
    private final double[][] cutScore;     // (densities, hq) score of the M-th oracle position
    private final int[][] cutPosition;     // (densities, hq) its position

    /**
     * @param densities the requested densities to be measured; each must give a valid
     *                  {@link Budget} at this step (else IllegalArgumentException)
     */
    public StepReference(WorkloadLayer layer, int step, double[] densities) {
        this.layer = layer;
        this.visible = layer.visible(step);
        this.q = layer.query(step);
        this.densities = densities.clone();
        int hq = layer.hq();
        this.lse = new double[hq];
        this.output = new double[hq][];
        this.budgets = new Budget[densities.length];
        for (int i = 0; i < densities.length; i++) {
            budgets[i] = Budget.of(densities[i], visible);
        }
        this.cutScore = new double[densities.length][hq];
        this.cutPosition = new int[densities.length][hq];
        IntStream.range(0, hq).parallel().forEach(this::computeHead);
    }

    public int visible() {
        return visible;
    }

    /** {@code q·k_j/√d} of query head {@code head}, float64: the one score every metric uses. */
    public double score(int head, int j) {
        int d = layer.d();
        int kvHead = head / layer.group();
        short[] k = layer.k();
        int qRow = head * d;
        int kRow = (kvHead * layer.t() + j) * d;
        double dot = 0;
        for (int i = 0; i < d; i++) {
            dot += (double) q[qRow + i] * Float.float16ToFloat(k[kRow + i]);
        }
        return dot / Math.sqrt(d);
    }

    /** The softmax probability of key {@code j} for query head {@code head}. */
    public double probability(int head, int j) {
        return Math.exp(score(head, j) - lse[head]);
    }

    /**
     * The metrics of one head's selection and output.
     *
     * @param selected ascending distinct positions in [0, visible)
     * @param output   the method's output of all heads, (hq, d)
     * @param density  the requested density, one of those given to the constructor
     */
    public HeadMetrics measure(int head, int[] selected, float[] output, double density) {
        int di = indexOf(density);
        Budget b = budgets[di];
        int heavyEnd = visible - b.window();
        double cut = cutScore[di][head];
        int cutAt = cutPosition[di][head];
        double mass = 0;
        int hits = 0;
        for (int j : selected) {
            double s = score(head, j);
            mass += Math.exp(s - lse[head]);
            if (b.heavy() > 0 && j >= b.sink() && j < heavyEnd && (s > cut || (s == cut && j <= cutAt))) {
                hits++;
            }
        }
        double recall = b.heavy() == 0 ? 1 : (double) hits / b.heavy();
        int d = layer.d();
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < d; i++) {
            double ref = this.output[head][i];
            double e = output[head * d + i] - ref;
            diff += e * e;
            norm += ref * ref;
        }
        return new HeadMetrics((double) selected.length / visible, recall, mass, Math.sqrt(diff / norm));
    }

    /** Dense output of query head {@code head}, (d). */
    public double[] denseOutput(int head) {
        return output[head].clone();
    }

    private int indexOf(double density) {
        for (int i = 0; i < densities.length; i++) {
            if (densities[i] == density) {
                return i;
            }
        }
        throw new IllegalArgumentException("density " + density + " was not given to this reference");
    }

    private void computeHead(int head) {
        int d = layer.d();
        int kvHead = head / layer.group();
        short[] v = layer.v();
        double[] scores = new double[visible];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < visible; j++) {
            scores[j] = score(head, j);
            max = Math.max(max, scores[j]);
        }
        double sum = 0;
        for (int j = 0; j < visible; j++) {
            sum += Math.exp(scores[j] - max);
        }
        lse[head] = max + Math.log(sum);
        double[] out = new double[d];
        for (int j = 0; j < visible; j++) {
            double p = Math.exp(scores[j] - lse[head]);
            int row = (kvHead * layer.t() + j) * d;
            for (int i = 0; i < d; i++) {
                out[i] += p * Float.float16ToFloat(v[row + i]);
            }
        }
        output[head] = out;

        if (densities.length == 0) {
            return;
        }
        for (int di = 0; di < densities.length; di++) {
            int heavy = budgets[di].heavy();
            if (heavy == 0) {
                continue;
            }
            // sink and window depend on the density too (small budgets shrink them)
            int from = budgets[di].sink();
            int to = visible - budgets[di].window();
            double[] sorted = Arrays.copyOfRange(scores, from, to);
            Arrays.sort(sorted);
            double cut = sorted[sorted.length - heavy];
            int above = 0;
            for (int j = from; j < to; j++) {
                if (scores[j] > cut) {
                    above++;
                }
            }
            // ties at the cut go to the lowest positions until M are taken
            int ties = heavy - above;
            int at = -1;
            for (int j = from; j < to && ties > 0; j++) {
                if (scores[j] == cut) {
                    at = j;
                    ties--;
                }
            }
            cutScore[di][head] = cut;
            cutPosition[di][head] = at;
        }
    }
}
