package sparse.engine.model.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import sparse.engine.attention.AttentionMethod;
import sparse.engine.attention.dense.DenseAttention;
import sparse.engine.attention.methods.MethodSettings;
import sparse.engine.attention.methods.Methods;
import sparse.engine.attention.quest.QuestAttention;
import sparse.engine.attention.quest.QuestOptions;
import sparse.engine.attention.streaming.StreamingOptions;
import sparse.engine.attention.streaming.StreamingReference;
import sparse.engine.backend.Device;
import sparse.engine.graph.CountingDevice;
import sparse.engine.model.TestModels;
import sparse.engine.model.device.DeviceLlama.AttentionPath;
import sparse.engine.model.gguf.GgufFile;
import sparse.engine.model.llama.Llama;
import sparse.engine.model.llama.LlamaState;
import sparse.engine.model.tokenizer.Tokenizer;

/**
 * The index-list methods in {@link DeviceLlama}'s step graph against the same methods on the
 * host round trip, and StreamingLLM (whose lists do not depend on rounding) against the
 * plain-Java forward, on the real stories260K model and every device here.
 */
class StepGraphAttentionTest {

    private static final String STORIES = "stories260K.gguf";
    private static final String PROMPT = "Once upon a time";
    /**
     * Positions run: the prompt, then greedy tokens; long enough that the budgets leave keys
     * out. Fewer on the JVM backend, whose work-groups are threads: SOCKET's select takes
     * about 0.4 s a step there.
     */
    private static final int POSITIONS = 48;
    private static final int JVM_POSITIONS = 20;
    private static final double DENSITY = 0.25;
    private static final List<String> METHODS = List.of("dense", "oracle", "streaming", "hardlsh", "socket", "quest");
    /**
     * Bound on ‖graph − host‖ / ‖host‖ of the logits per step. Both paths run the method's
     * same kernels over the same grids; they differ only in who rounds k and v to fp16 (the
     * host's Float.floatToFloat16, the device's append kernel), both round to nearest even.
     * Measured: 0 (bit-identical) on the JVM and PoCL. A rounding difference on one key would
     * give ~1e-4 (DeviceLlamaTest's bound); a wrong list or layer gives ~1e-1 or more.
     */
    private static final double SAME_PATH_BOUND = 1e-4;
    /** As {@link DeviceLlamaTest}'s bound against the plain-Java forward. */
    private static final double JAVA_BOUND = 1e-3;

    static Stream<Arguments> devicesAndMethods() {
        List<Arguments> cases = new ArrayList<>();
        for (Device d : ModelKernelsTest.devices()) {
            for (String m : METHODS) {
                cases.add(Arguments.of(d, m));
            }
        }
        return cases.stream();
    }

    /** Quest with pages of 4: over these few positions, pages of 16 (at least 3 kept) would keep every key. */
    private static AttentionMethod open(String method, Device device) {
        if (method.equals("quest")) {
            return new QuestAttention(device, new QuestOptions(DENSITY, 4, 3, true));
        }
        return Methods.open(method, method.equals("dense") || method.equals("hardlsh") ? 1 : DENSITY,
                MethodSettings.defaults(), device);
    }

    /**
     * Greedy decoding on the host round trip, the step graph run on the same tokens: the same
     * logits step by step (so the same greedy tokens), the same density.
     */
    @ParameterizedTest(name = "{0} {1}", autoCloseArguments = false)
    @MethodSource("devicesAndMethods")
    void theStepGraphMatchesTheHostRoundTrip(Device device, String method) throws IOException {
        int positions = device.backend().equals("jvm") ? JVM_POSITIONS : POSITIONS;
        try (GgufFile file = GgufFile.open(TestModels.require(STORIES));
             DeviceLlama host = DeviceLlamaTest.load(file, device, POSITIONS, open(method, device),
                     AttentionPath.HOST_ROUND_TRIP);
             DeviceLlama graph = DeviceLlamaTest.load(file, device, POSITIONS, open(method, device),
                     AttentionPath.STEP_GRAPH)) {
            assertEquals(AttentionPath.STEP_GRAPH, graph.attentionPath());
            int[] prompt = Tokenizer.fromGguf(file).encode(PROMPT, true);
            int[] tokens = new int[positions];
            double worst = 0;
            int token = prompt[0];
            for (int pos = 0; pos < positions; pos++) {
                tokens[pos] = token;
                float[] expected = host.forward(token, pos).clone();
                float[] logits = graph.forward(token, pos);
                double error = DeviceLlamaTest.relativeError(logits, expected);
                worst = Math.max(worst, error);
                assertTrue(error < SAME_PATH_BOUND, method + " position " + pos + ": relative error " + error);
                int next = argmax(expected);
                assertEquals(next, argmax(logits), method + " position " + pos + ": the greedy token");
                Arrays.fill(logits, Float.NaN);  // the next step must overwrite them all
                token = pos + 1 < prompt.length ? prompt[pos + 1] : next;
            }
            System.out.printf("%s on %s: step graph vs host round trip over %d positions: worst relative error %.3g,"
                            + " density %.4f (host %.4f); tokens %s%n", method, device.id(), positions, worst,
                    graph.density(), host.density(), Arrays.toString(tokens));
            assertEquals(host.density(), graph.density(), 1e-12, "the lists have the same lengths");
            if (!method.equals("dense")) {
                assertTrue(graph.density() < 1, method + " left keys out: density " + graph.density());
            }
        }
    }

    /** StreamingLLM's lists are fixed by position: the step graph matches the plain-Java forward with its reference. */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("sparse.engine.model.device.ModelKernelsTest#devices")
    void streamingInTheStepGraphMatchesThePlainJavaForward(Device device) throws IOException {
        StreamingOptions options = (StreamingOptions) MethodSettings.defaults().options("streaming", DENSITY);
        try (GgufFile file = GgufFile.open(TestModels.require(STORIES));
             DeviceLlama graph = DeviceLlamaTest.load(file, device, POSITIONS, open("streaming", device),
                     AttentionPath.STEP_GRAPH)) {
            Llama java = Llama.load(file).withAttention((layer, q, heads, cache, out) -> {
                double[][] o = StreamingReference.decode(options, q, cache.k(), cache.v(), heads, cache.hkv(), cache.d(),
                        cache.capacity(), cache.length()).output();
                for (int h = 0; h < heads; h++) {
                    for (int i = 0; i < cache.d(); i++) {
                        out[h * cache.d() + i] = (float) o[h][i];
                    }
                }
            });
            LlamaState state = java.newState(POSITIONS);
            int[] prompt = Tokenizer.fromGguf(file).encode(PROMPT, true);
            double worst = 0;
            int token = prompt[0];
            for (int pos = 0; pos < POSITIONS; pos++) {
                float[] expected = java.forward(state, token, pos);
                float[] logits = graph.forward(token, pos);
                double error = DeviceLlamaTest.relativeError(logits, expected);
                worst = Math.max(worst, error);
                assertTrue(error < JAVA_BOUND, "position " + pos + ": relative error " + error);
                token = pos + 1 < prompt.length ? prompt[pos + 1] : argmax(expected);
                Arrays.fill(logits, Float.NaN);
            }
            System.out.printf("streaming on %s: step graph vs plain Java over %d positions: worst relative error %.3g,"
                    + " density %.4f%n", device.id(), POSITIONS, worst, graph.density());
        }
    }

    /**
     * A cache filled straight into the arrays is packed and hashed at the next step: both
     * paths, filled alike, then agree step by step.
     */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("sparse.engine.model.device.ModelKernelsTest#devices")
    void aFilledCacheIsPackedAndHashedAtTheNextStep(Device device) throws IOException {
        int filled = 40;
        long seed = System.nanoTime();
        System.out.println("filled cache on " + device.id() + ": seed " + seed);
        try (GgufFile file = GgufFile.open(TestModels.require(STORIES));
             DeviceLlama host = DeviceLlamaTest.load(file, device, filled + 4, open("socket", device),
                     AttentionPath.HOST_ROUND_TRIP);
             DeviceLlama graph = DeviceLlamaTest.load(file, device, filled + 4, open("socket", device),
                     AttentionPath.STEP_GRAPH)) {
            host.fillCache(filled, seed);
            graph.fillCache(filled, seed);
            for (int pos = filled; pos < filled + 4; pos++) {
                float[] expected = host.forward(pos, pos).clone();
                double error = DeviceLlamaTest.relativeError(graph.forward(pos, pos), expected);
                assertTrue(error < SAME_PATH_BOUND, "position " + pos + ": relative error " + error);
            }
            assertEquals(host.density(), graph.density(), 1e-12);
        }
    }

    /** After the first step a sparse method's step sends nothing and brings back the logits and each layer's list lengths. */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("sparse.engine.model.device.ModelKernelsTest#devices")
    void aSparseStepBringsBackTheLogitsAndTheListLengths(Device device) throws IOException {
        CountingDevice counter = new CountingDevice(device);
        try (GgufFile file = GgufFile.open(TestModels.require(STORIES));
             DeviceLlama model = DeviceLlamaTest.load(file, counter, 8, open("socket", counter), AttentionPath.STEP_GRAPH)) {
            model.forward(1, 0);
            int lists = model.config().heads();  // one list per query head
            for (int pos = 1; pos < 8; pos++) {
                counter.reset();
                model.forward(5 + pos, pos);
                assertEquals(0, counter.bytesToDevice());
                assertEquals(4L * model.config().vocabularySize() + 4L * lists * model.config().layers(),
                        counter.bytesToHost());
            }
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("sparse.engine.model.device.ModelKernelsTest#devices")
    void eachMethodTakesThePathItCanAndRefusesTheOther(Device device) throws IOException {
        try (GgufFile file = GgufFile.open(TestModels.require(STORIES))) {
            try (DeviceLlama model = DeviceLlama.load(file, device, 8, Methods.open("sketchwalk", 0.25,
                    MethodSettings.defaults(), device))) {
                assertEquals(AttentionPath.HOST_ROUND_TRIP, model.attentionPath());
            }
            assertThrows(IllegalArgumentException.class, () -> DeviceLlamaTest.load(file, device, 8,
                    Methods.open("sketchwalk", 0.25, MethodSettings.defaults(), device), AttentionPath.STEP_GRAPH));
            for (String m : METHODS) {
                try (DeviceLlama model = DeviceLlama.load(file, device, 8, open(m, device))) {
                    assertEquals(AttentionPath.STEP_GRAPH, model.attentionPath(), m);
                }
            }
            for (Device other : ModelKernelsTest.devices()) {
                if (other != device) {
                    assertThrows(IllegalArgumentException.class, () -> DeviceLlamaTest.load(file, device, 8,
                            new DenseAttention(other), AttentionPath.STEP_GRAPH));
                }
            }
        }
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
