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

    /**
     * The workload a command line names: {@code synthetic} (made from {@code synthetic}'s
     * knobs) or {@code npy:DIR} (see {@link NpyWorkload}).
     *
     * @throws WorkloadException for any other spelling, or a folder that cannot be read
     */
    public static Workload open(String spec, SyntheticParams synthetic) {
        if (spec.equals("synthetic")) {
            return SyntheticWorkload.generate(synthetic);
        }
        if (spec.startsWith("npy:") && spec.length() > 4) {
            return NpyWorkload.load(Path.of(spec.substring(4)));
        }
        throw new WorkloadException("unknown workload '" + spec + "' (want synthetic or npy:DIR)");
    }
}
