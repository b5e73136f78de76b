package sparse.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sparse.engine.attention.eval.EvalCase;
import sparse.engine.attention.eval.EvalChart;
import sparse.engine.attention.eval.EvalReport;
import sparse.engine.attention.eval.EvalRow;
import sparse.engine.attention.eval.EvalRunner;
import sparse.engine.attention.methods.MethodSettings;
import sparse.engine.attention.methods.Methods;
import sparse.engine.attention.workload.SyntheticParams;
import sparse.engine.attention.workload.Workload;
import sparse.engine.backend.Backends;
import sparse.engine.backend.Device;

/** {@code sparse eval}: every method at every density on one workload, against float64 dense attention. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Accuracy of attention methods on a workload: density, top-k recall, attention-mass recall, output error.")
final class EvalCommand implements Runnable {
    @Mixin
    DeviceOptions deviceOptions;

    @Option(names = "--workload", defaultValue = "synthetic", description = "synthetic, npy:DIR (q.npy, k.npy, v.npy) or captured (a GGUF model run over a built-in text) (default ${DEFAULT-VALUE})")
    String workload;

    @Option(names = "--model", paramLabel = "FILE", description = "captured: a GGUF Llama model (default: "
            + "stories260K.gguf in $SPARSE_MODELS, else in ../shared/models)")
    Path model;

    @Option(names = "--context", defaultValue = "16384", description = "synthetic: cached tokens T; captured: at most T, capped at the model's context (default ${DEFAULT-VALUE})")
    int context;

    @Option(names = "--layers", defaultValue = "2", description = "synthetic: layers (default ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--queries", defaultValue = "8", description = "synthetic, captured: decode steps per layer (default ${DEFAULT-VALUE})")
    int queries;

    @Option(names = "--seed", defaultValue = "1", description = "synthetic: seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--synthetic", split = ",", paramLabel = "KNOB=VALUE", description = "synthetic: set any knob of the "
            + "generator by name, e.g. needleSpan=24,sharpnessMax=3 (names and defaults: SyntheticParams)")
    List<String> syntheticKnobs = List.of();

    @Option(names = "--methods", split = ",", defaultValue = "dense,oracle,socket,sketchwalk,quest,hardlsh,streaming",
            description = "methods to compare (default ${DEFAULT-VALUE})")
    List<String> methods;

    @Option(names = "--density", split = ",", defaultValue = "0.05,0.1,0.2", description = "requested densities (default ${DEFAULT-VALUE})")
    List<Double> densities;

    @Mixin
    MethodOptions methodOptions;

    @Option(names = "--socket-shared", description = "SOCKET: one list per KV-head group instead of per query head")
    boolean socketShared;

    @Option(names = "--sketch-dense-layers", split = ",", description = "layers Sketch&Walk attends densely (default: none in eval, "
            + "whose layers are independent attention samples; the model default 0,1 applies to generate)")
    List<Integer> sketchDenseLayers = List.of();

    @Option(names = "--json", description = "one JSON object per line and per (method, density)")
    boolean json;

    @Option(names = "--chart", paramLabel = "PNG", description = "write a chart of attention-mass recall against density")
    Path chart;

    @Override
    public void run() {
        for (double d : densities) {
            if (!(d > 0 && d <= 1)) {
                throw new IllegalArgumentException("density must be in (0, 1], got " + d);
            }
        }
        methods.forEach(MethodSettings::checkName);
        MethodSettings settings = methodOptions.settings(socketShared, Set.copyOf(sketchDenseLayers));
        List<EvalCase> cases = new ArrayList<>();
        for (String m : methods) {
            for (double d : m.equals("dense") ? List.of(1.0) : densities) {
                try {
                    settings.options(m, d);
                } catch (IllegalArgumentException unreachable) {
                    if (densities.size() == 1 && methods.size() == 1) {
                        throw unreachable;
                    }
                    System.err.println("skipped " + m + " at " + d + ": " + unreachable.getMessage());
                    continue;
                }
                cases.add(new EvalCase(m, d));
            }
        }
        Device device = Backends.select(deviceOptions.config());
        SyntheticParams params = SyntheticParams.defaults(seed).withContext(context).withLayers(layers).withQueries(queries)
                // Sketch&Walk's decode starts from its prefill, which needs the earlier queries
                .withPrefillQueries(methods.contains("sketchwalk"));
        for (String knob : syntheticKnobs) {
            int eq = knob.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("--synthetic wants KNOB=VALUE, got '" + knob + "'");
            }
            params = params.with(knob.substring(0, eq).trim(), knob.substring(eq + 1).trim());
        }
        Workload w = Workload.open(workload, params, model);
        String sketchWalkStart = EvalRunner.prefills(w) ? "prefill" : "empty";
        if (methods.contains("sketchwalk") && !EvalRunner.prefills(w)) {
            System.err.println("note: sketchwalk decodes from an empty state: " + w.source()
                    + " has no queries before its decode steps to prefill with");
        }

        List<EvalRow> rows;
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("eval").setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err)).setInitialMax(1).build()) {
            rows = EvalRunner.run(w, cases, (m, d) -> Methods.open(m, d, settings, device), (stage, done, total) -> {
                bar.maxHint(total);
                bar.stepTo(done);
                bar.setExtraMessage(stage);
            });
        }
        Map<String, String> context = new LinkedHashMap<>();
        context.put("workload", w.source());
        context.put("device", device.id());
        if (!syntheticKnobs.isEmpty()) {
            context.put("synthetic_knobs", String.join(",", syntheticKnobs));
        }
        if (methods.contains("sketchwalk")) {
            context.put("sketchwalk_start", sketchWalkStart);
        }
        if (json) {
            System.out.print(EvalReport.jsonLines(rows, context));
        } else {
            System.out.println("workload " + w.source() + (syntheticKnobs.isEmpty() ? "" : " " + syntheticKnobs)
                    + " on " + device.id() + " (" + device.name() + ")"
                    + (methods.contains("sketchwalk") ? "; sketchwalk's decode starts from "
                    + (sketchWalkStart.equals("prefill") ? "its prefill" : "an empty state") : ""));
            System.out.print(EvalReport.table(rows));
        }
        if (chart != null) {
            try {
                EvalChart.writePng(rows, "attention-mass recall, " + w.source(), chart);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot write the chart " + chart + ": " + e.getMessage());
            }
        }
    }
}
