package sparse.engine.attention.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import sparse.engine.attention.AttentionMethod;
import sparse.engine.attention.DecodeResult;
import sparse.engine.attention.metrics.HeadMetrics;
import sparse.engine.attention.metrics.StepReference;
import sparse.engine.attention.metrics.Summary;
import sparse.engine.attention.sketchwalk.SketchWalkAttention;
import sparse.engine.attention.workload.Workload;
import sparse.engine.attention.workload.WorkloadLayer;

/**
 * Runs attention methods over a workload and measures them against float64 dense attention.
 * First the dense reference of every decode step (which also checks every requested density
 * against every step's budget, before any method runs), then each case in turn: the method
 * is made, loads each layer in order, decodes each of the layer's steps, and is closed. Only
 * one method is open at a time.
 *
 * <p>Sketch&amp;Walk is the one method whose decode starts from its prefill (its running block
 * matrix and its window of recent queries): where the workload has the queries of the
 * positions before the decode steps, it first runs its prefill selection over them, as in
 * real use; elsewhere it decodes from an empty state, and {@link #prefills} says which.
 */
public final class EvalRunner {

    /** Told after each decode step; {@code stage} is {@code reference} or {@code method@density}. */
    @FunctionalInterface
    public interface Progress {
        void update(String stage, long done, long total);
    }

    private EvalRunner() {
    }

    /**
     * @param factory makes the method of a case from its name and requested density
     * @return one row per case, in the order of {@code cases}
     * @throws IllegalArgumentException if a density gives no valid budget at some step
     * @throws IllegalStateException    if a method returns a malformed result
     */
    public static List<EvalRow> run(Workload workload, List<EvalCase> cases,
                                    BiFunction<String, Double, AttentionMethod> factory, Progress progress) {
        double[] densities = cases.stream().mapToDouble(EvalCase::density).distinct().toArray();
        List<WorkloadLayer> layers = workload.layers();
        long steps = layers.stream().mapToLong(WorkloadLayer::tq).sum();
        long total = steps * (1 + cases.size());
        long done = 0;

        List<StepReference[]> references = new ArrayList<>();
        for (WorkloadLayer layer : layers) {
            StepReference[] perStep = new StepReference[layer.tq()];
            for (int s = 0; s < layer.tq(); s++) {
                perStep[s] = new StepReference(layer, s, densities);
                progress.update("reference", ++done, total);
            }
            references.add(perStep);
        }

        List<EvalRow> rows = new ArrayList<>();
        for (EvalCase c : cases) {
            String stage = c.method() + "@" + c.density();
            List<HeadMetrics> samples = new ArrayList<>();
            try (AttentionMethod method = factory.apply(c.method(), c.density())) {
                for (int l = 0; l < layers.size(); l++) {
                    WorkloadLayer layer = layers.get(l);
                    if (method instanceof SketchWalkAttention sketchWalk && layer.prefillQ() != null) {
                        progress.update(stage + " prefill", done, total);
                        sketchWalk.prefillSelection(l, layer.prefillQ(), layer.hq(), layer.prefixCache());
                    }
                    method.load(l, layer.cache());
                    for (int s = 0; s < layer.tq(); s++) {
                        StepReference ref = references.get(l)[s];
                        DecodeResult r = method.decode(layer.query(s), layer.hq(), ref.visible());
                        check(r, layer, ref.visible(), stage + ": layer " + l + " step " + s);
                        HeadMetrics[] heads = new HeadMetrics[layer.hq()];
                        IntStream.range(0, layer.hq()).parallel().forEach(h ->
                                heads[h] = ref.measure(h, r.selected()[h], r.output(), c.density()));
                        samples.addAll(List.of(heads));
                        progress.update(stage, ++done, total);
                    }
                }
            }
            rows.add(new EvalRow(c.method(), c.density(),
                    summary(samples, HeadMetrics::density),
                    summary(samples, HeadMetrics::topkRecall),
                    summary(samples, HeadMetrics::massRecall),
                    summary(samples, HeadMetrics::outputError)));
        }
        return rows;
    }

    /** Whether Sketch&amp;Walk's decode starts from a prefill on this workload: every layer has prefill queries. */
    public static boolean prefills(Workload workload) {
        return workload.layers().stream().allMatch(l -> l.prefillQ() != null);
    }

    /** A method's result must name, per head, ascending distinct visible positions. */
    private static void check(DecodeResult r, WorkloadLayer layer, int visible, String where) {
        if (r.selected().length != layer.hq()) {
            throw new IllegalStateException(where + ": " + r.selected().length + " selection lists for "
                    + layer.hq() + " query heads");
        }
        if (r.output().length != layer.hq() * layer.d()) {
            throw new IllegalStateException(where + ": output of " + r.output().length + " values, want hq*d = "
                    + layer.hq() * layer.d());
        }
        for (int h = 0; h < layer.hq(); h++) {
            int[] sel = r.selected()[h];
            for (int i = 0; i < sel.length; i++) {
                if (sel[i] < 0 || sel[i] >= visible) {
                    throw new IllegalStateException(where + " head " + h + ": position " + sel[i]
                            + " outside the " + visible + " visible keys");
                }
                if (i > 0 && sel[i] <= sel[i - 1]) {
                    throw new IllegalStateException(where + " head " + h + ": positions not ascending and distinct at "
                            + "index " + i + " (" + sel[i - 1] + ", " + sel[i] + ")");
                }
            }
        }
    }

    private static Summary summary(List<HeadMetrics> samples, ToDoubleFunction<HeadMetrics> metric) {
        return Summary.of(samples.stream().mapToDouble(metric).toArray());
    }
}
