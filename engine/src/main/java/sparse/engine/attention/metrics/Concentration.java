package sparse.engine.attention.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import sparse.engine.attention.Budget;
import sparse.engine.attention.workload.Workload;
import sparse.engine.attention.workload.WorkloadLayer;

/**
 * How concentrated a workload's attention is, over every head, layer and decode step: the
 * softmax mass of the top fraction of keys, of sink and window alone (what StreamingLLM
 * keeps), and of the oracle at that density (sink + window + top-M of the rest).
 *
 * @param fraction       the fraction of visible keys, e.g. 0.05
 * @param topMass        mass of the top {@code round(fraction·visible)} keys by exact score
 * @param sinkWindowMass mass of the sink and window of {@link Budget#of}
 * @param oracleMass     mass of the oracle selection at density {@code fraction}
 */
public record Concentration(double fraction, Summary topMass, Summary sinkWindowMass, Summary oracleMass) {

    public static Concentration measure(Workload workload, double fraction) {
        List<double[]> perStep = new ArrayList<>();   // (top, sink+window, oracle) per head
        for (WorkloadLayer layer : workload.layers()) {
            for (int step = 0; step < layer.tq(); step++) {
                StepReference ref = new StepReference(layer, step, new double[] {fraction});
                Budget b = Budget.of(fraction, ref.visible());
                double[][] heads = new double[layer.hq()][];
                IntStream.range(0, layer.hq()).parallel().forEach(h -> heads[h] = head(ref, h, b, fraction));
                perStep.addAll(List.of(heads));
            }
        }
        return new Concentration(fraction, summary(perStep, 0), summary(perStep, 1), summary(perStep, 2));
    }

    private static double[] head(StepReference ref, int h, Budget b, double fraction) {
        int visible = ref.visible();
        double[] p = new double[visible];
        double edges = 0;
        for (int j = 0; j < visible; j++) {
            p[j] = ref.probability(h, j);
            if (j < b.sink() || j >= visible - b.window()) {
                edges += p[j];
            }
        }
        double[] middle = Arrays.copyOfRange(p, b.sink(), visible - b.window());
        Arrays.sort(p);
        Arrays.sort(middle);
        return new double[] {tailSum(p, (int) Math.round(fraction * visible)), edges, edges + tailSum(middle, b.heavy())};
    }

    private static double tailSum(double[] sorted, int n) {
        double s = 0;
        for (int i = sorted.length - n; i < sorted.length; i++) {
            s += sorted[i];
        }
        return s;
    }

    private static Summary summary(List<double[]> perHead, int which) {
        return Summary.of(perHead.stream().mapToDouble(x -> x[which]).toArray());
    }
}
