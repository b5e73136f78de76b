package sparse.engine.model.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

import sparse.engine.model.gguf.GgufFile;
import sparse.engine.model.gguf.GgufFormatException;

/**
 * The Llama SentencePiece tokenizer as GGUF stores it ({@code tokenizer.ggml.model = llama}):
 * pieces, scores and token types; spaces written as "▁" (U+2581); a "▁" prefixed to the
 * text; bytes that no piece covers written as {@code <0xXX>} tokens.
 *
 * <p>Encoding splits the text into characters and repeatedly merges the adjacent pair whose
 * concatenation is a piece with the highest score (leftmost on ties), as llama2.c does; a
 * priority queue of candidate pairs makes that O(n log n) instead of a rescan per merge.
 */
public final class Tokenizer {

    private static final String SPACE = "\u2581";

    private final String[] pieces;       // (vocab)
    private final float[] scores;        // (vocab)
    private final TokenType[] types;     // (vocab)
    private final Map<String, Integer> mergeable; // piece -> id, for normal and user-defined pieces
    private final int[] byteTokens;      // (256) byte value -> id of its <0xXX> token, -1 if none
    private final int bos;
    private final int eos;
    private final int unknown;
    private final boolean addBos;
    private final boolean addSpacePrefix;

    private Tokenizer(String[] pieces, float[] scores, TokenType[] types, int bos, int eos, int unknown,
                      boolean addBos, boolean addSpacePrefix) {
        this.pieces = pieces;
        this.scores = scores;
        this.types = types;
        this.bos = bos;
        this.eos = eos;
        this.unknown = unknown;
        this.addBos = addBos;
        this.addSpacePrefix = addSpacePrefix;
        this.mergeable = new HashMap<>();
        this.byteTokens = new int[256];
        Arrays.fill(byteTokens, -1);
        for (int id = 0; id < pieces.length; id++) {
            if (types[id] == TokenType.NORMAL || types[id] == TokenType.USER_DEFINED) {
                mergeable.putIfAbsent(pieces[id], id);
            } else if (types[id] == TokenType.BYTE) {
                int b = byteValue(pieces[id]);
                if (b >= 0 && byteTokens[b] < 0) {
                    byteTokens[b] = id;
                }
            }
        }
    }

    /** Reads the tokenizer from {@code tokenizer.ggml.*} metadata. */
    public static Tokenizer fromGguf(GgufFile file) {
        String model = file.string("tokenizer.ggml.model");
        if (!model.equals("llama")) {
            throw file.error("tokenizer.ggml.model", "is " + GgufFormatException.quote(model) + "; only 'llama' (SentencePiece) is supported");
        }
        String[] pieces = file.stringArray("tokenizer.ggml.tokens");
        int n = pieces.length;
        if (n == 0) {
            throw file.error("tokenizer.ggml.tokens", "is empty");
        }
        float[] scores = file.has("tokenizer.ggml.scores") ? file.floatArray("tokenizer.ggml.scores") : new float[n];
        if (scores.length != n) {
            throw file.error("tokenizer.ggml.scores", "has " + scores.length + " entries for " + n + " tokens");
        }
        TokenType[] types = new TokenType[n];
        if (file.has("tokenizer.ggml.token_type")) {
            long[] ids = file.integerArray("tokenizer.ggml.token_type");
            if (ids.length != n) {
                throw file.error("tokenizer.ggml.token_type", "has " + ids.length + " entries for " + n + " tokens");
            }
            for (int i = 0; i < n; i++) {
                types[i] = TokenType.of(ids[i]);
                if (types[i] == null) {
                    throw file.error("tokenizer.ggml.token_type", "[" + i + "] = " + ids[i] + " is no token type");
                }
                if (types[i] == TokenType.BYTE && byteValue(pieces[i]) < 0) {
                    throw file.error("tokenizer.ggml.tokens", "[" + i + "] = " + GgufFormatException.quote(pieces[i])
                            + " is a byte token but not of the form <0xXX>");
                }
            }
        } else {
            Arrays.fill(types, TokenType.NORMAL);
        }
        return new Tokenizer(pieces, scores, types,
                tokenId(file, "tokenizer.ggml.bos_token_id", 1, n),
                tokenId(file, "tokenizer.ggml.eos_token_id", 2, n),
                tokenId(file, "tokenizer.ggml.unknown_token_id", 0, n),
                file.bool("tokenizer.ggml.add_bos_token", true),
                file.bool("tokenizer.ggml.add_space_prefix", true));
    }

    private static int tokenId(GgufFile file, String key, int absent, int vocab) {
        long id = file.integer(key, absent);
        if (id < 0 || id >= vocab) {
            throw file.error(key, "= " + id + " is outside the vocabulary of " + vocab);
        }
        return (int) id;
    }

    public int vocabularySize() {
        return pieces.length;
    }

    /** Beginning-of-sequence token. */
    public int bos() {
        return bos;
    }

    /** End-of-sequence token. */
    public int eos() {
        return eos;
    }

    /** Whether the model expects {@link #bos()} before a prompt ({@code tokenizer.ggml.add_bos_token}). */
    public boolean addsBos() {
        return addBos;
    }

    /** The piece of token {@code id} as stored, e.g. {@code ▁upon} or {@code <0x0A>}. */
    public String piece(int id) {
        return pieces[id];
    }

    public TokenType type(int id) {
        return types[id];
    }

    // ---------------------------------------------------------------- encode

    /** A run of the (escaped) text, linked to its neighbours; length 0 once merged away. */
    private static final class Symbol {
        int start;
        int length;
        int prev;
        int next;
    }

    /** A candidate merge of symbol {@code left} with its right neighbour, ranked by the merged piece's score. */
    private record Pair(int left, int right, int length, float score) {
    }

    /** Token ids of {@code text}, after {@link #bos()} when {@code withBos}. */
    public int[] encode(String text, boolean withBos) {
        List<Integer> out = new ArrayList<>();
        if (withBos) {
            out.add(bos);
        }
        if (text.isEmpty()) {
            return toArray(out);
        }
        String s = ((addSpacePrefix ? " " : "") + text).replace(" ", SPACE);

        // One symbol per character (code point).
        List<Symbol> symbols = new ArrayList<>();
        for (int i = 0; i < s.length(); ) {
            Symbol sym = new Symbol();
            sym.start = i;
            sym.length = Character.charCount(s.codePointAt(i));
            sym.prev = symbols.size() - 1;
            sym.next = symbols.size() + 1;
            symbols.add(sym);
            i += sym.length;
        }
        symbols.getLast().next = -1;

        // Merge the best-scoring adjacent pair until no pair forms a piece.
        PriorityQueue<Pair> queue = new PriorityQueue<>((a, b) -> a.score != b.score
                ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 0; i + 1 < symbols.size(); i++) {
            offerPair(s, symbols, i, i + 1, queue);
        }
        while (!queue.isEmpty()) {
            Pair p = queue.poll();
            Symbol left = symbols.get(p.left);
            Symbol right = symbols.get(p.right);
            // Stale: one side was merged into something else since this pair was queued.
            if (left.length == 0 || right.length == 0 || left.length + right.length != p.length) {
                continue;
            }
            left.length += right.length;
            right.length = 0;
            left.next = right.next;
            if (right.next >= 0) {
                symbols.get(right.next).prev = p.left;
            }
            if (left.prev >= 0) {
                offerPair(s, symbols, left.prev, p.left, queue);
            }
            if (left.next >= 0) {
                offerPair(s, symbols, p.left, left.next, queue);
            }
        }

        for (int i = 0; i >= 0; i = symbols.get(i).next) {
            Symbol sym = symbols.get(i);
            String piece = s.substring(sym.start, sym.start + sym.length);
            Integer id = mergeable.get(piece);
            if (id != null) {
                out.add(id);
                continue;
            }
            // Byte fallback: the UTF-8 bytes of a piece the vocabulary lacks.
            for (byte b : piece.replace(SPACE, " ").getBytes(StandardCharsets.UTF_8)) {
                int t = byteTokens[b & 0xff];
                out.add(t >= 0 ? t : unknown);
            }
        }
        return toArray(out);
    }

    private void offerPair(String s, List<Symbol> symbols, int left, int right, PriorityQueue<Pair> queue) {
        Symbol l = symbols.get(left);
        Symbol r = symbols.get(right);
        Integer id = mergeable.get(s.substring(l.start, l.start + l.length + r.length));
        if (id != null) {
            queue.add(new Pair(left, right, l.length + r.length, scores[id]));
        }
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    // ---------------------------------------------------------------- decode

    /**
     * The text of {@code tokens}: control tokens dropped, byte tokens joined into UTF-8, "▁"
     * turned back into spaces, and the prefixed space removed from a piece that follows BOS
     * (so {@code decode(encode(text, true))} is {@code text}).
     */
    public String decode(int[] tokens) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < tokens.length; i++) {
            int t = tokens[i];
            if (t < 0 || t >= pieces.length) {
                throw new IllegalArgumentException("token " + t + " outside the vocabulary of " + pieces.length);
            }
            switch (types[t]) {
                case CONTROL -> {
                }
                case BYTE -> bytes.write(byteValue(pieces[t]));
                default -> {
                    String text = pieces[t].replace(SPACE, " ");
                    if (addSpacePrefix && i > 0 && tokens[i - 1] == bos && text.startsWith(" ")) {
                        text = text.substring(1);
                    }
                    bytes.writeBytes(text.getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The byte of a {@code <0xXX>} piece, or -1 if it is not one. */
    private static int byteValue(String piece) {
        if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') {
            return -1;
        }
        int hi = Character.digit(piece.charAt(3), 16);
        int lo = Character.digit(piece.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }
}
