package sparse.engine.attention.workload;

import java.nio.file.Path;
import java.util.List;

/**
 * Layers of cached keys and values with decode queries, to measure attention methods on.
 *
 * @param source what it was made from, e.g. {@code synthetic(seed=7, T=16384)} or {@code npy:/data/run1}
 * @param layers in layer order
 */
public record Workload(String source, List<WorkloadLayer> layers) {
    public Workload {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a workload needs at least one layer");
        }
        layers = List.copyOf(layers);
    }

    /** {@link #open(String, SyntheticParams, Path)} with no model file given. */
    public static Workload open(String spec, SyntheticParams synthetic) {
        return open(spec, synthetic, null);
    }

    /**
     * The workload a command line names: {@code synthetic} (made from {@code synthetic}'s
     * knobs), {@code npy:DIR} (see {@link NpyWorkload}) or {@code captured} (see
     * {@link CapturedWorkload}: {@code model}, or {@link CapturedWorkload#defaultModel()} when
     * null, run over {@code synthetic}'s context with its number of queries).
     *
     * @throws WorkloadException for any other spelling, or a folder or model that cannot be read
     */
    public static Workload open(String spec, SyntheticParams synthetic, Path model) {
        if (spec.equals("synthetic")) {
            return SyntheticWorkload.generate(synthetic);
        }
        if (spec.startsWith("npy:") && spec.length() > 4) {
            return NpyWorkload.load(Path.of(spec.substring(4)));
        }
        if (spec.equals("captured")) {
            return CapturedWorkload.capture(model != null ? model : CapturedWorkload.defaultModel(),
                    synthetic.context(), synthetic.queries());
        }
        throw new WorkloadException("unknown workload '" + spec + "' (want synthetic, captured or npy:DIR)");
    }
}
