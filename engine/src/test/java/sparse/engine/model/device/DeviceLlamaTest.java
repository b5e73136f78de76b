package sparse.engine.model.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import sparse.engine.attention.AttentionMethod;
import sparse.engine.attention.dense.DenseAttention;
import sparse.engine.backend.Device;
import sparse.engine.graph.CountingDevice;
import sparse.engine.model.TestModels;
import sparse.engine.model.gguf.GgufFile;
import sparse.engine.model.llama.Generator;
import sparse.engine.model.llama.Llama;
import sparse.engine.model.llama.LlamaConfig;
import sparse.engine.model.llama.LlamaState;
import sparse.engine.model.llama.LlamaWeights;
import sparse.engine.model.llama.TinyLlama;
import sparse.engine.model.sample.Sampler;
import sparse.engine.model.tokenizer.Tokenizer;

/** The device forward against the plain-Java {@link Llama} forward, on every device here. */
class DeviceLlamaTest {

    /**
     * Bound on ‖logits − java‖ / ‖java‖ per step. Both compute in float32 and store the cache
     * in fp16; they differ in summation order, in RoPE angles (float32 on the device, float64
     * in Java) and in the device's exp and rsqrt, so a key or value on an fp16 rounding
     * boundary can round to the neighbouring fp16 value (2^-11 apart) in one and not the other.
     * Measured: 5e-7 on the JVM, up to 1e-4 through PoCL; a wrong network gives ~1.
     */
    private static final double BOUND = 1e-3;
    private static final int STEPS = 24;
    private static final String STORIES = "stories260K.gguf";

    @TempDir
    Path dir;

    /**
     * The model's own dense attention (no method: {@link DenseAttention} in the step graph);
     * dense attention as a method on the host's side of each layer.
     */
    enum AttentionPath { DEVICE_DENSE, HOST_METHOD }

    static Stream<Arguments> devicesAndPaths() {
        List<Arguments> cases = new ArrayList<>();
        for (Device d : ModelKernelsTest.devices()) {
            for (AttentionPath p : AttentionPath.values()) {
                cases.add(Arguments.of(d, p));
            }
        }
        return cases.stream();
    }

    private static DeviceLlama load(GgufFile file, Device device, int capacity, AttentionPath path) {
        return switch (path) {
            case DEVICE_DENSE -> DeviceLlama.load(file, device, capacity, null);
            case HOST_METHOD -> load(file, device, capacity, new DenseAttention(device), DeviceLlama.AttentionPath.HOST_ROUND_TRIP);
        };
    }

    /** The model in {@code file} with {@code method} on {@code path}. */
    static DeviceLlama load(GgufFile file, Device device, int capacity, AttentionMethod method,
                            DeviceLlama.AttentionPath path) {
        LlamaConfig config = LlamaConfig.fromGguf(file);
        DeviceWeights weights = DeviceWeights.read(file.path(), LlamaWeights.fromGguf(file, config));
        return new DeviceLlama(config, weights, device, capacity, method, path, DeviceLlama.defaultReduceGroup(device));
    }

    /** TinyLlama mixes F32, F16, BF16 and Q8_0 matrices; tied and untied heads. */
    @ParameterizedTest(name = "{0} {1}", autoCloseArguments = false)
    @MethodSource("devicesAndPaths")
    void tinyLlamaLogitsMatchTheJavaForward(Device device, AttentionPath path) throws IOException {
        for (boolean tied : new boolean[] {false, true}) {
            long seed = System.nanoTime();
            System.out.println("tiny llama on " + device.id() + " " + path + " tied=" + tied + ": seed " + seed);
            TinyLlama tiny = new TinyLlama(seed, tied);
            Random random = new Random(seed + 1);
            try (GgufFile file = GgufFile.open(Files.write(dir.resolve("tiny" + tied + ".gguf"), tiny.toGguf()));
                 DeviceLlama model = load(file, device, STEPS, path)) {
                Llama java = Llama.load(file);
                LlamaState state = java.newState(STEPS);
                double worst = 0;
                for (int pos = 0; pos < STEPS; pos++) {
                    int token = random.nextInt(tiny.vocabularySize());
                    float[] logits = model.forward(token, pos);
                    double error = relativeError(logits, java.forward(state, token, pos));
                    worst = Math.max(worst, error);
                    assertTrue(error < BOUND, "position " + pos + ": relative error " + error);
                    Arrays.fill(logits, Float.NaN);  // the next step must overwrite them all
                }
                System.out.println("  worst relative error over " + STEPS + " positions: " + worst);
                assertEquals(1.0, model.density(), "dense attention attends every key");
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}", autoCloseArguments = false)
    @MethodSource("devicesAndPaths")
    void stories260KMatchesTheJavaForwardAndTellsTheStory(Device device, AttentionPath path) throws IOException {
        Path modelPath = TestModels.require(STORIES);
        try (GgufFile file = GgufFile.open(modelPath)) {
            Tokenizer tokenizer = Tokenizer.fromGguf(file);
            Llama java = Llama.load(file);
            Generator.Result expected = Generator.generate(java, tokenizer, Sampler.greedy(), "Once upon a time", 16);

            // logits step by step along the expected tokens
            LlamaState state = java.newState(expected.tokens().length);
            double worst = 0;
            try (DeviceLlama model = load(file, device, expected.tokens().length, path)) {
                for (int pos = 0; pos < expected.tokens().length; pos++) {
                    int token = expected.tokens()[pos];
                    float[] logits = model.forward(token, pos);
                    double error = relativeError(logits, java.forward(state, token, pos));
                    worst = Math.max(worst, error);
                    assertTrue(error < BOUND, "position " + pos + ": relative error " + error);
                    Arrays.fill(logits, Float.NaN);
                }
            }
            System.out.println("stories260K on " + device.id() + " " + path + ": worst relative error " + worst);

            // greedy decoding gives the same story
            StringBuilder streamed = new StringBuilder();
            DeviceGenerator.Result r;
            try (DeviceLlama model = load(file, device, 64, path)) {
                r = DeviceGenerator.generate(model, tokenizer, Sampler.greedy(), "Once upon a time", 16, streamed::append);
            }
            System.out.printf("stories260K greedy on %s %s: %s (prefill %.1f tok/s, decode %.1f tok/s)%n", device.id(),
                    path, r.text(), r.prefillTokensPerSecond(), r.decodeTokensPerSecond());
            assertTrue(r.text().contains("there was a little girl named Lily"), r.text());
            assertEquals(expected.text(), r.text());
            assertEquals(r.text(), streamed.toString(), "the streamed text is the text");
            assertEquals(5, r.promptLength());
            assertEquals(21, r.tokens().length);
            assertEquals(15, r.decodeForwards());
            assertEquals(1.0, r.density());
        }
    }

    /**
     * After the first step, dense attention in the step graph sends nothing and brings back
     * only the logits; a host method's layers also move q, k, v, the residual stream and the
     * attention output (printed, with what the method itself moves).
     */
    @ParameterizedTest(name = "{0} {1}", autoCloseArguments = false)
    @MethodSource("devicesAndPaths")
    void onlyTheLogitsComeBack(Device device, AttentionPath path) throws IOException {
        TinyLlama tiny = new TinyLlama(11, false);
        CountingDevice counter = new CountingDevice(device);
        try (GgufFile file = GgufFile.open(Files.write(dir.resolve("tiny.gguf"), tiny.toGguf()));
             DeviceLlama model = load(file, counter, 8, path)) {
            model.forward(1, 0);
            for (int pos = 1; pos < 8; pos++) {
                counter.reset();
                model.forward(5 + pos, pos);
                System.out.printf("%s %s step %d: %d bytes to the device, %d bytes back%n", device.id(), path, pos,
                        counter.bytesToDevice(), counter.bytesToHost());
                if (path != AttentionPath.HOST_METHOD) {
                    assertEquals(0, counter.bytesToDevice());
                    assertEquals(4L * tiny.vocabularySize(), counter.bytesToHost());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("sparse.engine.model.device.ModelKernelsTest#devices")
    void refusesTokensPositionsAndCapacitiesOutOfRange(Device device) throws IOException {
        TinyLlama tiny = new TinyLlama(3, true);
        try (GgufFile file = GgufFile.open(Files.write(dir.resolve("tiny.gguf"), tiny.toGguf()));
             DeviceLlama model = DeviceLlama.load(file, device, 4, null)) {
            assertThrows(IllegalArgumentException.class, () -> model.forward(-1, 0));
            assertThrows(IllegalArgumentException.class, () -> model.forward(tiny.vocabularySize(), 0));
            assertThrows(IllegalArgumentException.class, () -> model.forward(1, 4));
            assertThrows(IllegalArgumentException.class, () -> DeviceLlama.load(file, device, TinyLlama.CONTEXT + 1, null));
        }
    }

    static double relativeError(float[] out, float[] ref) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < ref.length; i++) {
            diff += (out[i] - ref[i]) * (double) (out[i] - ref[i]);
            norm += ref[i] * (double) ref[i];
        }
        return Math.sqrt(diff / norm);  // NaN (a poisoned value left) fails every comparison
    }
}
