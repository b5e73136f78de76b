package sparse.engine.model.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import sparse.engine.attention.LayerCache;
import sparse.engine.model.gguf.GgmlType;
import sparse.engine.model.gguf.GgufFile;
import sparse.engine.model.gguf.GgufFormatException;
import sparse.engine.model.gguf.GgufValueType;
import sparse.engine.model.gguf.GgufWriter;

class LlamaForwardTest {

    /**
     * Bound on ||logits - ref|| / ||ref|| per step. The engine computes in float32 against a
     * float64 reference; both store keys and values in fp16, so the error is float32 noise
     * (~1e-6) until a key or value sits on an fp16 rounding boundary and the two round it to
     * neighbouring fp16 values (2^-11 apart). Measured over 300 seeds x 24 positions: mostly
     * 1e-6 to 5e-5, worst 3.7e-4. The fp16-storage bound of the design (1e-3) is far below
     * what a wrong network gives (~1).
     */
    private static final double BOUND = 1e-3;
    private static final int STEPS = 24;

    @TempDir
    Path dir;

    private GgufFile write(byte[] bytes) throws IOException {
        return GgufFile.open(Files.write(dir.resolve("tiny.gguf"), bytes));
    }

    @ParameterizedTest(name = "tied output = {0}")
    @ValueSource(booleans = {false, true})
    void logitsMatchFloat64Reference(boolean tied) throws IOException {
        long seed = System.nanoTime();
        System.out.println("logitsMatchFloat64Reference tied=" + tied + " seed " + seed);
        TinyLlama tiny = new TinyLlama(seed, tied);
        Random random = new Random(seed + 1);
        try (GgufFile file = write(tiny.toGguf())) {
            Llama model = Llama.load(file);
            assertEquals(tiny.config(), model.config());
            if (tied) {
                assertSame(model.weights().tokenEmbedding(), model.weights().output());
            } else {
                assertEquals("output.weight", model.weights().output().info().name());
            }
            LlamaState state = model.newState(STEPS);
            LlamaReference reference = new LlamaReference(tiny);
            double worst = 0;
            for (int pos = 0; pos < STEPS; pos++) {
                int token = random.nextInt(tiny.vocabularySize());
                Arrays.fill(state.logits, Float.NaN);
                float[] logits = model.forward(state, token, pos);
                double[] ref = reference.forward(token, pos);
                double error = relativeError(logits, ref);
                worst = Math.max(worst, error);
                assertTrue(error < BOUND, "position " + pos + ": relative error " + error);
            }
            System.out.println("  worst relative error over " + STEPS + " positions: " + worst);
        }
    }

    private static double relativeError(float[] out, double[] ref) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < ref.length; i++) {
            diff += (out[i] - ref[i]) * (out[i] - ref[i]);
            norm += ref[i] * ref[i];
        }
        return Math.sqrt(diff / norm); // NaN (a poisoned value left) fails every comparison
    }

    /** Attention goes through the interface, layer by layer, over the cache as LayerCache lays it out. */
    @Test
    void attentionSeesPostRopeQueriesAndTheFp16Cache() throws IOException {
        long seed = System.nanoTime();
        System.out.println("attentionSeesPostRopeQueriesAndTheFp16Cache seed " + seed);
        TinyLlama tiny = new TinyLlama(seed, false);
        List<String> calls = new ArrayList<>();
        LayerCache[] last = new LayerCache[TinyLlama.LAYERS];
        DenseAttention dense = new DenseAttention();
        Attention recording = (layer, q, heads, cache, out) -> {
            calls.add(layer + "@" + cache.length());
            assertEquals(TinyLlama.HEADS, heads);
            assertEquals(TinyLlama.HEADS * TinyLlama.HEAD_SIZE, q.length);
            last[layer] = cache;
            dense.attend(layer, q, heads, cache, out);
        };
        try (GgufFile file = write(tiny.toGguf())) {
            Llama model = Llama.load(file).withAttention(recording);
            LlamaState state = model.newState(8);
            LlamaReference reference = new LlamaReference(tiny);
            int[] tokens = {1, 270, 5, 281};
            for (int pos = 0; pos < tokens.length; pos++) {
                model.forward(state, tokens[pos], pos);
                reference.forward(tokens[pos], pos);
            }
            assertEquals(List.of("0@1", "1@1", "0@2", "1@2", "0@3", "1@3", "0@4", "1@4"), calls);
            for (int l = 0; l < TinyLlama.LAYERS; l++) {
                LayerCache c = last[l];
                assertEquals(TinyLlama.KV_HEADS, c.hkv());
                assertEquals(TinyLlama.HEAD_SIZE, c.d());
                assertEquals(8, c.capacity());
                for (int pos = 0; pos < tokens.length; pos++) {
                    double[] ref = reference.key(l, pos); // (kvHeads * headSize)
                    for (int h = 0; h < c.hkv(); h++) {
                        for (int i = 0; i < c.d(); i++) {
                            float k = Float.float16ToFloat(c.k()[(h * c.capacity() + pos) * c.d() + i]);
                            assertEquals(ref[h * c.d() + i], k, 2e-3 * (1 + Math.abs(ref[h * c.d() + i])),
                                    "layer " + l + " head " + h + " pos " + pos + " dim " + i);
                        }
                    }
                }
            }
        }
    }

    private void assertRefused(TinyLlama tiny, Consumer<GgufWriter> edit, Set<String> omit, String text)
            throws IOException {
        try (GgufFile file = write(tiny.toGguf(edit, omit))) {
            GgufFormatException e = assertThrows(GgufFormatException.class, () -> Llama.load(file));
            System.out.println("refused: " + e.getMessage());
            assertTrue(e.getMessage().contains(text), e.getMessage());
        }
    }

    @Test
    void refusesModelsItCannotRun() throws IOException {
        TinyLlama tiny = new TinyLlama(7, false);
        assertRefused(tiny, w -> { }, Set.of("blk.1.ffn_up.weight"), "no tensor 'blk.1.ffn_up.weight'");
        assertRefused(tiny, w -> w.putUInt32("llama.feed_forward_length", 128), Set.of(),
                "tensor 'blk.0.ffn_gate.weight' has shape [64, 96], expected [64, 128]");
        assertRefused(tiny, w -> w.putString("general.architecture", "gpt2"), Set.of(),
                "'general.architecture' is 'gpt2'; only 'llama' is supported");
        assertRefused(tiny, w -> w.putUInt32("llama.attention.head_count_kv", 3), Set.of(),
                "head_count_kv' = 3 does not divide head_count 4");
        assertRefused(tiny, w -> w.putUInt32("llama.embedding_length", 0), Set.of(), "= 0 is not a positive int");
        assertRefused(tiny, w -> w.put("llama.block_count", GgufValueType.STRING, "2"), Set.of(),
                "'llama.block_count' has type STRING, expected an integer");
        assertRefused(tiny, w -> w.putUInt32("llama.rope.dimension_count", 8), Set.of(), "partial RoPE");
        assertRefused(tiny, w -> w.putArray("tokenizer.ggml.tokens", GgufValueType.STRING,
                Arrays.copyOf(tiny.tokens, 100)), Set.of(), "tokenizer.ggml.tokens' has 100 tokens");
        // A Q4_K matrix in place of an F16 one is refused by its type's name.
        assertRefused(tiny, w -> w.rawTensor("blk.0.attn_q.weight", GgmlType.Q4_K.id,
                new long[] {TinyLlama.DIM, TinyLlama.DIM}, new byte[0]), Set.of("blk.0.attn_q.weight"), "type Q4_K");
    }

    @Test
    void forwardRefusesTokensAndPositionsOutOfRange() throws IOException {
        TinyLlama tiny = new TinyLlama(3, true);
        try (GgufFile file = write(tiny.toGguf())) {
            Llama model = Llama.load(file);
            LlamaState state = model.newState(4);
            assertThrows(IllegalArgumentException.class, () -> model.forward(state, tiny.vocabularySize(), 0));
            assertThrows(IllegalArgumentException.class, () -> model.forward(state, 1, 4));
            assertThrows(IllegalArgumentException.class, () -> model.newState(TinyLlama.CONTEXT + 1));
        }
    }
}
