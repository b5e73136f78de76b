package sparse.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sparse.config.EngineConfig;
import sparse.engine.attention.AttentionMethod;
import sparse.engine.attention.methods.MethodSettings;
import sparse.engine.attention.methods.Methods;
import sparse.engine.attention.socket.SocketOptions;
import sparse.engine.backend.Backends;
import sparse.engine.backend.Device;
import sparse.engine.model.device.DeviceGenerator;
import sparse.engine.model.gguf.GgufFile;
import sparse.engine.model.sample.Sampler;

/**
 * {@code sparse generate}: text from a GGUF Llama model, its forward pass as task graphs on a
 * device, with dense attention on the device or any attention method.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text with a GGUF Llama model on a device, with any attention method.")
final class GenerateCommand implements Runnable {
    @Mixin
    DeviceOptions deviceOptions;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--steps", defaultValue = "256", description = "tokens to generate, at most (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--temperature", defaultValue = "0", description = "0: greedy; above 0: sampling (default ${DEFAULT-VALUE})")
    float temperature;

    @Option(names = "--top-p", defaultValue = "0.9", description = "nucleus of sampling, in (0, 1]; 1: off (default ${DEFAULT-VALUE})")
    float topP;

    @Option(names = "--seed", defaultValue = "42", description = "seed of sampling (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--attention", defaultValue = "dense", paramLabel = "METHOD",
            description = "dense, socket, sketchwalk, quest, hardlsh, streaming or oracle (default ${DEFAULT-VALUE});"
                    + " all but sketchwalk run in the step graph, sketchwalk on the host between graphs")
    String attention;

    @Option(names = "--density", paramLabel = "D",
            description = "fraction of visible keys attended, in (0, 1] (default 0.05 for the sparse methods)")
    Double density;

    @Override
    public void run() {
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        }
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("--temperature must be >= 0 and finite, got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("--top-p must be in (0, 1], got " + topP);
        }
        MethodSettings.checkName(attention);
        double requested = density(attention, density);
        modelOptions.checkModelFile();
        EngineConfig config = deviceOptions.config();
        if (!config.grids().isEmpty()) {
            throw new IllegalArgumentException("generate sets its launch grids from the model's shapes; it takes no"
                    + " --grid or SPARSE_GRID (given: " + String.join(", ", config.grids().keySet()) + ")");
        }
        Sampler sampler = Sampler.of(temperature, topP, seed);
        Device device = Backends.select(config);
        PrintStream out = System.out;
        try (GgufFile file = GgufFile.open(modelOptions.model)) {
            AttentionMethod method = attention.equals("dense") ? null
                    : Methods.open(attention, requested, MethodSettings.defaults(), device);
            boolean[] streamed = {false};
            DeviceGenerator.Result r;
            try {
                r = DeviceGenerator.generate(file, device, method, sampler, modelOptions.prompt, steps, text -> {
                    out.print(text);
                    out.flush();
                    streamed[0] = true;
                });
            } finally {
                if (streamed[0]) {
                    out.println();  // an error's line starts on a line of its own
                }
            }
            out.printf("prefill: %d tokens in %.3f s (%.1f tokens/s)%n", r.promptLength(), r.prefillNanos() / 1e9,
                    r.prefillTokensPerSecond());
            out.printf("decode:  %d tokens in %.3f s (%.1f tokens/s; the first new token came with prefill)%n",
                    r.decodeForwards(), r.decodeNanos() / 1e9, r.decodeTokensPerSecond());
            out.println("device:  " + r.device());
            out.printf("attention: %s %s, density %.4f (attended keys / visible keys, every head, layer and position)%n",
                    r.attention(), r.attentionPath(), r.density());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + modelOptions.model + ": " + e.getMessage(), e);
        }
    }

    /** The density to ask of {@code method}: refused where the method has no such knob. */
    private static double density(String method, Double density) {
        if (density != null && !(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("--density must be in (0, 1], got " + density);
        }
        return switch (method) {
            case "dense" -> {
                if (density != null && density != 1) {
                    throw new IllegalArgumentException("dense attention attends every key; --density " + density
                            + " asks for a sparse method");
                }
                yield 1;
            }
            case "hardlsh" -> {
                if (density != null) {
                    throw new IllegalArgumentException("hardlsh has no density: it attends its sink, its window and"
                            + " every key that collides with the query");
                }
                yield 1;  // not read by hardlsh
            }
            default -> density != null ? density : SocketOptions.DEFAULT_DENSITY;
        };
    }
}
