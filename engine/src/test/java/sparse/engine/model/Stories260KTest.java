package sparse.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import sparse.engine.model.gguf.GgufFile;
import sparse.engine.model.llama.Generator;
import sparse.engine.model.llama.Llama;
import sparse.engine.model.llama.LlamaConfig;
import sparse.engine.model.sample.Sampler;
import sparse.engine.model.tokenizer.Tokenizer;

/** Karpathy's stories260K (llama2.c, converted to GGUF by llama.cpp), when the file is present. */
class Stories260KTest {

    private static final String FILE = "stories260K.gguf";

    @Test
    void greedyDecodingTellsTheStory() throws IOException {
        Path path = TestModels.require(FILE);
        try (GgufFile file = GgufFile.open(path)) {
            Llama model = Llama.load(file);
            assertEquals(new LlamaConfig(64, 172, 5, 8, 4, 8, 512, 2048, 1e-5f, 10000f), model.config());
            Generator.Result r = Generator.generate(model, Tokenizer.fromGguf(file), Sampler.greedy(),
                    "Once upon a time", 16);
            System.out.println("stories260K greedy: " + r.text());
            assertEquals(5, r.promptLength()); // BOS + 4 pieces
            assertEquals(21, r.tokens().length);
            assertTrue(r.text().startsWith("Once upon a time"), r.text());
            assertTrue(r.text().contains("there was a little girl named Lily"), r.text());
        }
    }

    @Test
    void tokenizerRoundTrips() throws IOException {
        Path path = TestModels.require(FILE);
        try (GgufFile file = GgufFile.open(path)) {
            Tokenizer t = Tokenizer.fromGguf(file);
            assertEquals(512, t.vocabularySize());
            assertArrayEquals(new int[] {1, 403, 407, 261, 378}, t.encode("Once upon a time", true));
            String[] samples = {
                    "Once upon a time, there was a little girl named Lily. She loved to play outside.",
                    "  two leading spaces, a\ttab and\nnew lines\n\n",
                    "Ünïcödé 日本語 🙂 falls back to bytes",
                    "x",
                    "",
            };
            for (String s : samples) {
                int[] ids = t.encode(s, true);
                assertEquals(s, t.decode(ids), "round trip of [" + s + "]");
                for (int id : ids) {
                    assertTrue(id >= 0 && id < 512);
                }
            }
            int[] story = t.encode(samples[0], true);
            System.out.println("stories260K: " + samples[0].length() + " characters -> " + story.length + " tokens");
            assertTrue(story.length < samples[0].length() / 2, "merges happen: " + story.length + " tokens");
        }
    }
}
