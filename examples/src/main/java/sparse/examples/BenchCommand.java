package sparse.examples;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sparse.engine.attention.methods.MethodSettings;
import sparse.engine.attention.sketchwalk.SketchWalkOptions;
import sparse.engine.backend.Backends;
import sparse.engine.backend.Device;
import sparse.engine.bench.BenchInputs;
import sparse.engine.bench.BenchResult;
import sparse.engine.bench.CopyBandwidth;
import sparse.engine.bench.DecodeBenchmark;
import sparse.engine.bench.LaunchTime;
import sparse.engine.bench.LayerShape;
import sparse.tasks.kernels.attention.DecodeAttentionKernels;

/** {@code sparse bench}: the decode step of one Llama-3.1-8B attention layer per method and context. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time the decode step of one attention layer (32 query heads, 8 KV heads, D = 128, fp16 K/V) "
                + "per method and context, with device events; report bandwidth against the device's copy bandwidth.")
final class BenchCommand implements Runnable {
    @Mixin
    DeviceOptions deviceOptions;

    @Mixin
    MethodOptions methodOptions;

    @Option(names = "--method", split = ",", defaultValue = "dense,socket",
            description = "methods: dense, oracle, socket, socket-shared, hardlsh, streaming, sketchwalk, quest; "
                    + "NAME@DENSITY sets one method's density, e.g. sketchwalk@0.2 (default ${DEFAULT-VALUE})")
    List<String> methods;

    @Option(names = "--context", split = ",", defaultValue = "16384,32768,65536,131072",
            description = "cached tokens T (default ${DEFAULT-VALUE})")
    List<Integer> contexts;

    @Option(names = "--batch", split = ",", defaultValue = "1",
            description = "sequences per step, each its own cache of the context's length (default ${DEFAULT-VALUE})")
    List<Integer> batches;

    @Option(names = "--density", defaultValue = "0.05",
            description = "density of the sparse methods without their own (default ${DEFAULT-VALUE}; sketchwalk needs "
                    + "more than its sink and window blocks take, 0.075)")
    double density;

    @Option(names = "--repeats", defaultValue = "30", description = "timed steps per median (default ${DEFAULT-VALUE})")
    int repeats;

    @Option(names = "--stages", description = "per-stage device times: pack, hash, score, select, attend, merge")
    boolean stages;

    @Option(names = "--json", description = "one JSON object per line and per (method, context, batch)")
    boolean json;

    @Option(names = "--tiles-per-chunk", defaultValue = "0",
            description = "flash-decode chunk size in tiles of " + DecodeAttentionKernels.TILE_KEYS
                    + " keys, for tuning (default: chosen from the list length)")
    int tilesPerChunk;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the random caches and queries (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    public void run() {
        for (int b : batches) {
            if (b < 1) {
                throw new IllegalArgumentException("--batch takes positive sequence counts, got " + b);
            }
        }
        for (int t : contexts) {
            if (t < 1) {
                throw new IllegalArgumentException("--context takes positive token counts, got " + t);
            }
        }
        List<MethodDensity> runs = methods.stream().map(m -> MethodDensity.parse(m, density)).toList();
        LayerShape shape = LayerShape.LLAMA_31_8B;
        Device device = Backends.select(deviceOptions.config());
        MethodSettings settings = methodOptions.settings(false, SketchWalkOptions.defaults().denseLayers());
        List<DecodeBenchmark> benches = batches.stream()
                .map(b -> new DecodeBenchmark(device, shape, b, settings, repeats, tilesPerChunk)).toList();
        benches.forEach(bench -> runs.forEach(r -> bench.check(r.method(), r.density())));
        CopyBandwidth copy = CopyBandwidth.measure(device);
        LaunchTime launch = LaunchTime.measure(device);
        if (!json) {
            System.out.printf(Locale.ROOT, "device %s (%s): copy bandwidth %.0f GB/s (vector add over %d floats); "
                    + "an empty timed launch %.1f us, %.1f us of host time per launch back to back%n", device.id(),
                    device.name(), copy.bytesPerSecond() / 1e9, copy.elements(), launch.micros(), launch.hostMicros());
            System.out.printf(Locale.ROOT, "one layer: %d query heads, %d KV heads, D %d per sequence, fp16 K/V; "
                    + "medians of %d steps (device time from the first launch to the last; CUDA queues the step first)%n",
                    shape.hq(), shape.hkv(), shape.d(), repeats);
            System.out.printf(Locale.ROOT, "%-14s %8s %5s %8s %10s %6s %10s %9s %7s %7s %9s%s%n", "method", "context",
                    "batch", "density", "median_us", "tasks", "wall_us", "MiB", "GB/s", "of_copy", "check",
                    stages ? "  stages (us)" : "");
        }
        for (int t : contexts) {
            for (DecodeBenchmark bench : benches) {
                BenchInputs in = bench.inputs(t, seed);
                for (MethodDensity m : runs) {
                    BenchResult r = bench.run(m.method(), m.density(), in, copy.bytesPerSecond());
                    System.out.println(json ? json(r, launch) : row(r));
                    System.out.flush();
                }
            }
        }
    }

    /** One entry of --method: a method and its density. */
    record MethodDensity(String method, double density) {
        /** {@code NAME} (at {@code fallback}) or {@code NAME@DENSITY}. */
        static MethodDensity parse(String entry, double fallback) {
            int at = entry.indexOf('@');
            String name = DecodeBenchmark.checkName(at < 0 ? entry : entry.substring(0, at));
            double d;
            try {
                d = at < 0 ? fallback : Double.parseDouble(entry.substring(at + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--method " + entry + ": the density after @ is not a number");
            }
            if (!(d > 0 && d <= 1)) {
                throw new IllegalArgumentException("--method " + entry + ": density must be in (0, 1], got " + d);
            }
            return new MethodDensity(name, d);
        }
    }

    private String row(BenchResult r) {
        String s = !stages ? "" : "  " + r.stageMicros().entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
        return String.format(Locale.ROOT, "%-14s %8d %5d %8.4f %10.1f %6d %10.1f %9.1f %7.0f %7.2f %9.1e%s", r.method(),
                r.context(), r.batch(), r.density(), r.medianMicros(), r.tasks(), r.wallMicros(), r.bytes() / 1048576.0,
                r.bytesPerSecond() / 1e9, r.fractionOfCopy(), r.checkError(), s);
    }

    private String json(BenchResult r, LaunchTime launch) {
        StringBuilder b = new StringBuilder("{");
        b.append("\"method\":\"").append(r.method()).append('"')
                .append(",\"context\":").append(r.context())
                .append(",\"batch\":").append(r.batch())
                .append(",\"device\":\"").append(r.device().replace("\\", "\\\\").replace("\"", "\\\"")).append('"')
                .append(",\"density\":").append(number(r.density()))
                .append(",\"median_us\":").append(number(r.medianMicros()))
                .append(",\"tasks\":").append(r.tasks())
                .append(",\"launch_us\":").append(number(launch.micros()))
                .append(",\"host_launch_us\":").append(number(launch.hostMicros()))
                .append(",\"wall_us\":").append(number(r.wallMicros()))
                .append(",\"bytes\":").append(r.bytes())
                .append(",\"gbps\":").append(number(r.bytesPerSecond() / 1e9))
                .append(",\"copy_gbps\":").append(number(r.copyBytesPerSecond() / 1e9))
                .append(",\"fraction_of_copy\":").append(number(r.fractionOfCopy()))
                .append(",\"check_error\":").append(number(r.checkError()))
                .append(",\"caches\":").append(r.caches())
                .append(",\"repeats\":").append(r.repeats());
        if (stages) {
            b.append(",\"stages_us\":{");
            int i = 0;
            for (Map.Entry<String, Double> e : r.stageMicros().entrySet()) {
                b.append(i++ == 0 ? "" : ",").append('"').append(e.getKey()).append("\":").append(number(e.getValue()));
            }
            b.append('}');
        }
        return b.append('}').toString();
    }

    /** A JSON number, null for NaN. */
    private static String number(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%.6g", x) : "null";
    }
}
