package sparse.examples;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sparse.config.EngineConfig;
import sparse.engine.attention.AttentionMethod;
import sparse.engine.attention.DecodeResult;
import sparse.engine.attention.LayerCache;
import sparse.engine.attention.eval.EvalCase;
import sparse.engine.attention.eval.EvalRow;
import sparse.engine.attention.eval.EvalRunner;
import sparse.engine.attention.methods.MethodSettings;
import sparse.engine.attention.methods.Methods;
import sparse.engine.attention.sketchwalk.SketchWalkOptions;
import sparse.engine.attention.workload.SyntheticParams;
import sparse.engine.attention.workload.SyntheticWorkload;
import sparse.engine.attention.workload.Workload;
import sparse.engine.backend.Backends;
import sparse.engine.backend.Device;

/**
 * {@code sparse demo}: decode attention over a synthetic long context on every device here,
 * dense against the sparse methods, accuracy measured against float64 and time per step.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Decode attention over a synthetic long context on every device: dense vs sparse, accuracy and time.")
final class DemoCommand implements Runnable {
    @Option(names = "--context", defaultValue = "8192", description = "cached tokens (default ${DEFAULT-VALUE})")
    int context;

    @Option(names = "--queries", defaultValue = "4", description = "decode steps (default ${DEFAULT-VALUE})")
    int queries;

    @Option(names = "--density", defaultValue = "0.1", description = "density of the sparse methods (default ${DEFAULT-VALUE})")
    double density;

    @Option(names = "--methods", split = ",", defaultValue = "dense,socket,sketchwalk,quest,streaming",
            description = "methods (default ${DEFAULT-VALUE})")
    List<String> methods;

    @Option(names = "--device", split = ",", description = "devices to run on (default: every device here)")
    List<String> devices;

    @Override
    public void run() {
        methods.forEach(MethodSettings::checkName);
        // one synthetic layer stands for a sparse layer: Sketch&Walk's dense first layers do not apply
        MethodSettings settings = MethodSettings.defaults()
                .withSketchWalk(SketchWalkOptions.defaults().withDenseLayers(Set.of()));
        List<EvalCase> cases = new ArrayList<>();
        for (String m : methods) {
            double d = m.equals("dense") ? 1.0 : density;
            settings.options(m, d);
            cases.add(new EvalCase(m, d));
        }
        Workload workload = SyntheticWorkload.generate(
                SyntheticParams.defaults(1).withContext(context).withQueries(queries).withLayers(1));
        System.out.println("synthetic decode attention: " + workload.source() + ", density " + density
                + " for the sparse methods; accuracy against float64 dense attention");
        System.out.printf("%-12s %-11s %8s %11s %12s %13s %10s%n",
                "device", "method", "density", "top-k rec.", "mass recall", "output error", "ms/step");
        for (Device device : devices()) {
            Map<String, long[]> times = new LinkedHashMap<>();
            List<EvalRow> rows = EvalRunner.run(workload, cases, (m, d) -> {
                long[] t = new long[queries];
                times.put(m, t);
                return new Timed(Methods.open(m, d, settings, device), t);
            }, (stage, done, total) -> { });
            for (EvalRow r : rows) {
                long[] t = times.get(r.method()).clone();
                Arrays.sort(t);
                System.out.printf("%-12s %-11s %8.3f %11.3f %12.3f %13.4f %10.2f%n", device.id(), r.method(),
                        r.density().mean(), r.topkRecall().mean(), r.massRecall().mean(), r.outputError().mean(),
                        t[t.length / 2] / 1e6);
            }
        }
        System.out.println("ms/step: median wall time of one decode step (32 query heads), transfers included");
    }

    private List<Device> devices() {
        if (devices == null) {
            return Backends.devices();
        }
        List<Device> chosen = new ArrayList<>();
        for (String id : devices) {
            chosen.add(Backends.select(EngineConfig.load(Map.of("device", id))));
        }
        return chosen;
    }

    /** Records the wall time of each decode step of the method it wraps. */
    private static final class Timed implements AttentionMethod {
        private final AttentionMethod method;
        private final long[] nanos;
        private int step;

        Timed(AttentionMethod method, long[] nanos) {
            this.method = method;
            this.nanos = nanos;
        }

        @Override
        public String name() {
            return method.name();
        }

        @Override
        public void load(int layer, LayerCache cache) {
            method.load(layer, cache);
        }

        @Override
        public DecodeResult decode(float[] q, int hq, int visible) {
            long start = System.nanoTime();
            DecodeResult r = method.decode(q, hq, visible);
            nanos[step++ % nanos.length] = System.nanoTime() - start;
            return r;
        }

        @Override
        public void close() {
            method.close();
        }
    }
}
