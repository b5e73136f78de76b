package sparse.engine.attention.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import sparse.engine.attention.LayerCache;
import sparse.engine.attention.metrics.StepReference;
import sparse.engine.model.TestModels;
import sparse.engine.model.gguf.GgufFile;
import sparse.engine.model.llama.Attention;
import sparse.engine.model.llama.DenseAttention;
import sparse.engine.model.llama.Llama;
import sparse.engine.model.llama.LlamaConfig;
import sparse.engine.model.llama.LlamaState;
import sparse.engine.model.tokenizer.Tokenizer;

class CapturedWorkloadTest {

    private static final String MODEL = "stories260K.gguf";
    private static final int QUERIES = 4;

    /** Captured shapes, keys and values against the model's own run over the same tokens. */
    @Test
    void capturesTheModelsQueriesKeysAndValues() throws IOException {
        Path path = TestModels.require(MODEL);
        try (GgufFile file = GgufFile.open(path)) {
            Llama model = Llama.load(file);
            LlamaConfig c = model.config();
            int t = c.contextLength();
            int[] tokens = CapturedWorkload.tokens(model, Tokenizer.fromGguf(file), t);
            List<WorkloadLayer> layers = CapturedWorkload.capture(model, tokens, QUERIES);

            // the model's own run, keeping each layer's attention output at the last position
            float[][] lastOut = new float[c.layers()][c.heads() * c.headSize()];
            int[] position = {0};
            Attention dense = new DenseAttention();
            Attention keepLast = (layer, q, heads, cache, out) -> {
                dense.attend(layer, q, heads, cache, out);
                if (position[0] == t - 1) {
                    System.arraycopy(out, 0, lastOut[layer], 0, out.length);
                }
            };
            Llama reference = model.withAttention(keepLast);
            LlamaState state = reference.newState(t);
            for (int pos = 0; pos < t; pos++) {
                position[0] = pos;
                reference.forward(state, tokens[pos], pos);
            }

            assertEquals(c.layers(), layers.size());
            for (int l = 0; l < c.layers(); l++) {
                WorkloadLayer w = layers.get(l);
                assertEquals(c.heads(), w.hq());
                assertEquals(c.kvHeads(), w.hkv());
                assertEquals(c.headSize(), w.d());
                assertEquals(t, w.t());
                assertEquals(QUERIES, w.tq());
                LayerCache cache = state.layerCache(l, t);
                assertArrayEquals(cache.k(), w.k(), "layer " + l + " keys");
                assertArrayEquals(cache.v(), w.v(), "layer " + l + " values");

                // float64 dense attention over the captured data against the model's float32 output
                StepReference ref = new StepReference(w, QUERIES - 1, new double[0]);
                double err = 0;
                double norm = 0;
                for (int h = 0; h < w.hq(); h++) {
                    double[] expected = ref.denseOutput(h);
                    for (int i = 0; i < w.d(); i++) {
                        double diff = lastOut[l][h * w.d() + i] - expected[i];
                        err += diff * diff;
                        norm += expected[i] * expected[i];
                    }
                }
                double rel = Math.sqrt(err / norm);
                System.out.printf("layer %d: last-position attention output, relative error %.2e%n", l, rel);
                assertTrue(rel < 1e-5, "layer " + l + ": relative error " + rel);
            }
        }
    }

    @Test
    void textIsLongEnoughForTheModelsContext() throws IOException {
        Path path = TestModels.require(MODEL);
        try (GgufFile file = GgufFile.open(path)) {
            Llama model = Llama.load(file);
            Tokenizer tokenizer = Tokenizer.fromGguf(file);
            int[] text = tokenizer.encode(CapturedWorkload.TEXT, tokenizer.addsBos());
            int t = model.config().contextLength();
            System.out.println("text: " + text.length + " tokens, context " + t);
            assertTrue(text.length >= t, "the built-in text has " + text.length + " tokens, the context " + t);
            assertArrayEquals(Arrays.copyOf(text, t), CapturedWorkload.tokens(model, tokenizer, t));
        }
    }

    @Test
    void openNamesTheSourceAndCapsTheContext() throws IOException {
        Path path = TestModels.require(MODEL);
        int contextLength;
        try (GgufFile file = GgufFile.open(path)) {
            contextLength = Llama.load(file).config().contextLength();
        }
        Workload w = Workload.open("captured", SyntheticParams.defaults(1).withContext(100_000).withQueries(3), path);
        WorkloadLayer first = w.layers().get(0);
        assertEquals(contextLength, first.t());
        assertEquals(3, first.tq());
        assertTrue(w.source().startsWith("captured(" + MODEL + ", T=" + contextLength + ", Tq=3"), w.source());

        Workload shorter = Workload.open("captured", SyntheticParams.defaults(1).withContext(300).withQueries(2), path);
        assertEquals(300, shorter.layers().get(0).t());
    }

    @Test
    void missingModelIsOneLine() {
        Path absent = Path.of("no-such-model.gguf");
        WorkloadException e = org.junit.jupiter.api.Assertions.assertThrows(WorkloadException.class,
                () -> Workload.open("captured", SyntheticParams.defaults(1).withContext(64).withQueries(2), absent));
        assertEquals("no-such-model.gguf: no such file", e.getMessage());
    }
}
