package sparse.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sparse.config.EngineConfig;
import sparse.engine.attention.methods.MethodSettings;
import sparse.engine.backend.Backends;
import sparse.engine.backend.Device;
import sparse.engine.model.device.GreedyAgreement;
import sparse.engine.model.device.GreedyAgreement.Row;
import sparse.engine.model.device.GreedyAgreement.Run;
import sparse.engine.model.gguf.GgufFile;

/**
 * {@code sparse agree}: how often greedy decoding with each attention method picks dense's
 * token, teacher-forced on dense's tokens, and how long free-running decoding stays identical.
 */
@Command(name = "agree", mixinStandardHelpOptions = true,
        description = "Greedy-token agreement of each attention method with dense attention on a GGUF Llama model.")
final class AgreeCommand implements Runnable {
    @Mixin
    DeviceOptions deviceOptions;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--steps", defaultValue = "200", description = "positions compared (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--methods", split = ",", paramLabel = "LIST",
            defaultValue = "socket,sketchwalk,quest,hardlsh,streaming,oracle",
            description = "methods compared with dense, any of dense, socket, sketchwalk, quest, hardlsh, streaming,"
                    + " oracle (default ${DEFAULT-VALUE})")
    List<String> methods;

    @Option(names = "--density", split = ",", paramLabel = "D", defaultValue = "0.25",
            description = "densities, each in (0, 1], every method but dense and hardlsh is run at each"
                    + " (default ${DEFAULT-VALUE}; Sketch&Walk needs more than its sink and window blocks, 0.075)")
    List<Double> densities;

    @Override
    public void run() {
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        }
        for (double d : densities) {
            if (!(d > 0 && d <= 1)) {
                throw new IllegalArgumentException("--density must be in (0, 1], got " + d);
            }
        }
        MethodSettings settings = MethodSettings.defaults();
        List<Run> runs = new ArrayList<>();
        for (String m : methods) {
            MethodSettings.checkName(m);
            if (m.equals("dense") || m.equals("hardlsh")) {
                runs.add(new Run(m, Double.NaN));
            } else {
                for (double d : densities) {
                    runs.add(new Run(m, d));
                }
            }
        }
        for (Run r : runs) {
            GreedyAgreement.checkRun(r, settings);
        }
        modelOptions.checkModelFile();
        EngineConfig config = deviceOptions.config();
        if (!config.grids().isEmpty()) {
            throw new IllegalArgumentException("agree sets its launch grids from the model's shapes; it takes no"
                    + " --grid or SPARSE_GRID (given: " + String.join(", ", config.grids().keySet()) + ")");
        }
        Device device = Backends.select(config);
        PrintStream out = System.out;
        try (GgufFile file = GgufFile.open(modelOptions.model)) {
            boolean[] headed = {false};  // the header waits for the first row, so an error stands alone
            GreedyAgreement.Report report = GreedyAgreement.measure(file, device, modelOptions.prompt, steps, runs, settings,
                    row -> {
                        if (!headed[0]) {
                            out.println("agreement with dense: teacher-forced = fraction of the " + steps
                                    + " positions where the method's argmax, fed dense's tokens, is dense's token;"
                                    + " prefix = free-running tokens identical to dense's before the first difference");
                            out.printf("%-11s %9s %9s %10s %7s%n", "method", "density", "measured", "agreement", "prefix");
                            headed[0] = true;
                        }
                        out.println(format(row));
                        out.flush();
                    });
            out.println("device: " + report.device() + "; prompt " + report.promptLength() + " tokens; " + steps
                    + " steps");
            out.println("dense:  " + report.denseText().replace("\n", "\\n"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + modelOptions.model + ": " + e.getMessage(), e);
        }
    }

    private static String format(Row r) {
        String requested = r.method().equals("hardlsh") ? "none" : r.method().equals("dense") ? "1"
                : String.format("%.3f", r.requestedDensity());
        return String.format("%-11s %9s %9.4f %10.3f %3d/%-3d", r.method(), requested, r.measuredDensity(),
                r.agreement(), r.identicalPrefix(), r.steps());
    }
}
