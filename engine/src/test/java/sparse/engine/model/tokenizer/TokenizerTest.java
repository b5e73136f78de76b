package sparse.engine.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sparse.engine.model.gguf.GgufFile;
import sparse.engine.model.gguf.GgufFormatException;
import sparse.engine.model.gguf.GgufValueType;
import sparse.engine.model.gguf.GgufWriter;

class TokenizerTest {

    @TempDir
    Path dir;

    /** Ids: 0 unk, 1 BOS, 2 EOS, 3..258 bytes 0x00..0xFF (minus {@code missingByte}), then the pieces. */
    private Tokenizer tokenizer(String[] pieces, float[] scores, int missingByte, Consumer<GgufWriter> edit)
            throws IOException {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Long> types = new ArrayList<>(List.of(2L, 3L, 3L));
        List<Float> allScores = new ArrayList<>(List.of(0f, 0f, 0f));
        for (int b = 0; b < 256; b++) {
            // a missing byte keeps its id as an unused token, so ids stay put
            tokens.add(b == missingByte ? "<unused>" : String.format("<0x%02X>", b));
            types.add(b == missingByte ? 5L : 6L);
            allScores.add(0f);
        }
        for (int i = 0; i < pieces.length; i++) {
            tokens.add(pieces[i]);
            types.add(1L);
            allScores.add(scores[i]);
        }
        float[] s = new float[allScores.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = allScores.get(i);
        }
        GgufWriter w = new GgufWriter()
                .putString("tokenizer.ggml.model", "llama")
                .putArray("tokenizer.ggml.tokens", GgufValueType.STRING, tokens.toArray(String[]::new))
                .putArray("tokenizer.ggml.scores", GgufValueType.FLOAT32, s)
                .putArray("tokenizer.ggml.token_type", GgufValueType.INT32,
                        types.stream().mapToLong(Long::longValue).toArray())
                .putUInt32("tokenizer.ggml.bos_token_id", 1)
                .putUInt32("tokenizer.ggml.eos_token_id", 2);
        edit.accept(w);
        try (GgufFile f = GgufFile.open(w.write(dir.resolve("tok.gguf")))) {
            return Tokenizer.fromGguf(f); // reads everything it needs on construction
        }
    }

    private Tokenizer tokenizer(String[] pieces, float[] scores) throws IOException {
        return tokenizer(pieces, scores, -1, w -> { });
    }

    private static final int BOS = 1;
    private static final int UNK = 0;
    private static final int FIRST_PIECE = 259;

    /** Id of the i-th piece passed to {@link #tokenizer}. */
    private static int p(int i) {
        return FIRST_PIECE + i;
    }

    /** Id of the byte token of {@code b}. */
    private static int b(int b) {
        return 3 + b;
    }

    @Test
    void mergesTheBestScoringPairFirst() throws IOException {
        String[] pieces = {"▁", "a", "b", "c", "ab", "bc"};
        // bc outscores ab: "▁abc" -> ▁ a bc
        Tokenizer t = tokenizer(pieces, new float[] {0, 0, 0, 0, -2, -1});
        assertArrayEquals(new int[] {BOS, p(0), p(1), p(5)}, t.encode("abc", true));
        // ab outscores bc: "▁abc" -> ▁ ab c
        t = tokenizer(pieces, new float[] {0, 0, 0, 0, -1, -2});
        assertArrayEquals(new int[] {BOS, p(0), p(4), p(3)}, t.encode("abc", true));
        assertEquals("abc", t.decode(t.encode("abc", true)));
    }

    @Test
    void mergesRepeatedlyAndLeftmostOnTies() throws IOException {
        String[] pieces = {"▁", "a", "aa", "▁a", "▁aa"};
        Tokenizer t = tokenizer(pieces, new float[] {0, 0, -1, -1, -3});
        // ▁ a a a a: ▁a and aa tie, the leftmost (▁a) wins; then aa beats ▁aa: ▁a aa a
        assertArrayEquals(new int[] {BOS, p(3), p(2), p(1)}, t.encode("aaaa", true));
        // a ▁ between words: " a a" -> ▁ ▁ a ▁ a -> ▁ ▁a ▁a
        assertArrayEquals(new int[] {BOS, p(0), p(3), p(3)}, t.encode(" a a", true));
        assertEquals(" a a", t.decode(t.encode(" a a", true)));
    }

    @Test
    void fallsBackToBytesAndUnknown() throws IOException {
        String[] pieces = {"▁", "a"};
        Tokenizer t = tokenizer(pieces, new float[] {0, 0}, 0xA9, w -> { });
        // é is C3 A9; 0xA9 has no token here, so it becomes <unk> (id 0)
        assertArrayEquals(new int[] {BOS, p(0), p(1), b(0xC3), UNK}, t.encode("aé", true));
        t = tokenizer(pieces, new float[] {0, 0});
        int[] ids = t.encode("aé🙂", true);
        assertArrayEquals(new int[] {BOS, p(0), p(1), b(0xC3), b(0xA9), b(0xF0), b(0x9F), b(0x99), b(0x82)}, ids);
        assertEquals("aé🙂", t.decode(ids));
    }

    @Test
    void decodeDropsControlTokensAndTheSpaceAfterBos() throws IOException {
        Tokenizer t = tokenizer(new String[] {"▁", "a", "▁a"}, new float[] {0, 0, -1});
        int a = FIRST_PIECE + 1;
        int spaceA = FIRST_PIECE + 2;
        assertEquals("a a", t.decode(new int[] {1, spaceA, spaceA, 2}));
        assertEquals(" a a", t.decode(new int[] {spaceA, spaceA}), "a continuation keeps its space");
        assertEquals("aa", t.decode(new int[] {a, 1, spaceA}));
        assertArrayEquals(new int[] {spaceA}, t.encode("a", false));
        assertArrayEquals(new int[] {1}, t.encode("", true));
        assertArrayEquals(new int[0], t.encode("", false));
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[] {t.vocabularySize()}));
    }

    @Test
    void honoursAddSpacePrefixOff() throws IOException {
        Tokenizer t = tokenizer(new String[] {"▁", "a", "▁a"}, new float[] {0, 0, -1}, -1,
                w -> w.put("tokenizer.ggml.add_space_prefix", GgufValueType.BOOL, false));
        assertArrayEquals(new int[] {BOS, p(1), p(2)}, t.encode("a a", true));
        assertEquals("a a", t.decode(t.encode("a a", true)));
    }

    @Test
    void refusesBrokenTokenizerMetadata() {
        String[] pieces = {"▁", "a"};
        float[] scores = {0, 0};
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> tokenizer(pieces, scores, -1,
                w -> w.putArray("tokenizer.ggml.scores", GgufValueType.FLOAT32, new float[3])));
        assertTrue(e.getMessage().contains("'tokenizer.ggml.scores' has 3 entries for 261 tokens"), e.getMessage());
        e = assertThrows(GgufFormatException.class, () -> tokenizer(pieces, scores, -1,
                w -> w.putUInt32("tokenizer.ggml.bos_token_id", 999)));
        assertTrue(e.getMessage().contains("bos_token_id' = 999 is outside the vocabulary of 261"), e.getMessage());
        e = assertThrows(GgufFormatException.class, () -> tokenizer(pieces, scores, -1,
                w -> w.putString("tokenizer.ggml.model", "gpt2")));
        assertTrue(e.getMessage().contains("only 'llama' (SentencePiece) is supported"), e.getMessage());
        long[] badTypes = new long[261];
        badTypes[3] = 6;
        badTypes[4] = 9;
        e = assertThrows(GgufFormatException.class, () -> tokenizer(pieces, scores, -1,
                w -> w.putArray("tokenizer.ggml.token_type", GgufValueType.INT32, badTypes)));
        assertTrue(e.getMessage().contains("token_type' [4] = 9 is no token type"), e.getMessage());
        long[] byteTypes = new long[261];
        byteTypes[260] = 6; // "a" marked as a byte token
        e = assertThrows(GgufFormatException.class, () -> tokenizer(pieces, scores, -1,
                w -> w.putArray("tokenizer.ggml.token_type", GgufValueType.INT32, byteTypes)));
        assertTrue(e.getMessage().contains("[260] = 'a' is a byte token but not of the form <0xXX>"), e.getMessage());
    }
}
