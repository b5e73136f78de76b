package sparse.engine.model.llama;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

import sparse.engine.model.gguf.GgmlType;
import sparse.engine.model.gguf.GgufValueType;
import sparse.engine.model.gguf.GgufWriter;

/**
 * A tiny random-weight Llama written as GGUF, with its weights as the reader will see them
 * (after rounding to each tensor's type) for a reference implementation. Matrices mix F32,
 * F16, BF16 and Q8_0; norms are F32. The vocabulary is a small SentencePiece one: control
 * tokens, 256 byte tokens, some letters and merges.
 */
public final class TinyLlama {

    public static final int DIM = 64;
    public static final int HIDDEN = 96;
    public static final int LAYERS = 2;
    public static final int HEADS = 4;
    public static final int KV_HEADS = 2;
    public static final int HEAD_SIZE = DIM / HEADS;
    public static final int CONTEXT = 64;
    public static final float RMS_EPS = 1e-5f;
    public static final float ROPE_BASE = 5000f;

    private static final String[] PIECES = {"▁", "a", "e", "h", "i", "l", "n", "o", "s", "t", "y", "▁t", "th", "he",
            "▁th", "▁the", "in", "▁a", "an", "▁an", "ll", "▁s", "ay", "▁say"};

    /** Weights as the reader sees them, matrices row-major (rows = outputs, columns = inputs). */
    public final float[] tokenEmbedding;   // (vocabulary, dim)
    public final float[][] attentionNorm;  // (layer, dim)
    public final float[][] wq;             // (layer) (heads * headSize, dim)
    public final float[][] wk;             // (layer) (kvHeads * headSize, dim)
    public final float[][] wv;             // (layer) (kvHeads * headSize, dim)
    public final float[][] wo;             // (layer) (dim, heads * headSize)
    public final float[][] ffnNorm;        // (layer, dim)
    public final float[][] ffnGate;        // (layer) (hidden, dim)
    public final float[][] ffnUp;          // (layer) (hidden, dim)
    public final float[][] ffnDown;        // (layer) (dim, hidden)
    public final float[] outputNorm;       // (dim)
    public final float[] output;           // (vocabulary, dim); the embedding when tied

    public final String[] tokens;
    private final Random random;
    private final List<TensorSpec> tensors = new ArrayList<>();

    private record TensorSpec(String name, GgmlType type, long[] shape, float[] data) {
    }

    public TinyLlama(long seed, boolean tied) {
        this.random = new Random(seed);
        List<String> t = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) {
            t.add(String.format("<0x%02X>", b));
        }
        t.addAll(List.of(PIECES));
        tokens = t.toArray(String[]::new);
        int vocab = tokens.length;

        tokenEmbedding = matrix("token_embd.weight", GgmlType.F16, vocab, DIM);
        attentionNorm = new float[LAYERS][];
        wq = new float[LAYERS][];
        wk = new float[LAYERS][];
        wv = new float[LAYERS][];
        wo = new float[LAYERS][];
        ffnNorm = new float[LAYERS][];
        ffnGate = new float[LAYERS][];
        ffnUp = new float[LAYERS][];
        ffnDown = new float[LAYERS][];
        for (int l = 0; l < LAYERS; l++) {
            String b = "blk." + l + ".";
            attentionNorm[l] = norm(b + "attn_norm.weight");
            wq[l] = matrix(b + "attn_q.weight", GgmlType.F16, HEADS * HEAD_SIZE, DIM);
            wk[l] = matrix(b + "attn_k.weight", GgmlType.Q8_0, KV_HEADS * HEAD_SIZE, DIM);
            wv[l] = matrix(b + "attn_v.weight", GgmlType.F32, KV_HEADS * HEAD_SIZE, DIM);
            wo[l] = matrix(b + "attn_output.weight", GgmlType.BF16, DIM, HEADS * HEAD_SIZE);
            ffnNorm[l] = norm(b + "ffn_norm.weight");
            ffnGate[l] = matrix(b + "ffn_gate.weight", GgmlType.Q8_0, HIDDEN, DIM);
            ffnUp[l] = matrix(b + "ffn_up.weight", GgmlType.F16, HIDDEN, DIM);
            ffnDown[l] = matrix(b + "ffn_down.weight", GgmlType.Q8_0, DIM, HIDDEN);
        }
        outputNorm = norm("output_norm.weight");
        output = tied ? tokenEmbedding : matrix("output.weight", GgmlType.Q8_0, vocab, DIM);
    }

    public int vocabularySize() {
        return tokens.length;
    }

    public LlamaConfig config() {
        return new LlamaConfig(DIM, HIDDEN, LAYERS, HEADS, KV_HEADS, HEAD_SIZE, tokens.length, CONTEXT, RMS_EPS,
                ROPE_BASE);
    }

    /** The model as GGUF bytes. */
    public byte[] toGguf() {
        return toGguf(w -> { }, Set.of());
    }

    /**
     * The model as GGUF bytes, with {@code edit} applied after the metadata is written (to
     * replace entries or add tensors) and the tensors named in {@code omit} left out.
     */
    public byte[] toGguf(Consumer<GgufWriter> edit, Set<String> omit) {
        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "llama")
                .putString("general.name", "tiny random llama")
                .putUInt32("llama.context_length", CONTEXT)
                .putUInt32("llama.embedding_length", DIM)
                .putUInt32("llama.feed_forward_length", HIDDEN)
                .putUInt32("llama.block_count", LAYERS)
                .putUInt32("llama.attention.head_count", HEADS)
                .putUInt32("llama.attention.head_count_kv", KV_HEADS)
                .putUInt32("llama.rope.dimension_count", HEAD_SIZE)
                .putFloat32("llama.rope.freq_base", ROPE_BASE)
                .putFloat32("llama.attention.layer_norm_rms_epsilon", RMS_EPS)
                .putString("tokenizer.ggml.model", "llama")
                .putArray("tokenizer.ggml.tokens", GgufValueType.STRING, tokens)
                .putArray("tokenizer.ggml.scores", GgufValueType.FLOAT32, scores())
                .putArray("tokenizer.ggml.token_type", GgufValueType.INT32, tokenTypes())
                .putUInt32("tokenizer.ggml.bos_token_id", 1)
                .putUInt32("tokenizer.ggml.eos_token_id", 2)
                .putUInt32("tokenizer.ggml.unknown_token_id", 0);
        edit.accept(w);
        for (String name : omit) {
            if (tensors.stream().noneMatch(t -> t.name.equals(name))) {
                throw new IllegalArgumentException("no tensor " + name);
            }
        }
        for (TensorSpec t : tensors) {
            if (!omit.contains(t.name)) {
                w.tensor(t.name, t.type, t.shape, t.data);
            }
        }
        return w.toBytes();
    }

    private float[] scores() {
        float[] s = new float[tokens.length];
        for (int i = 259; i < tokens.length; i++) {
            s[i] = -(i - 259); // later pieces merge later
        }
        return s;
    }

    private long[] tokenTypes() {
        long[] t = new long[tokens.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = i == 0 ? 2 : i < 3 ? 3 : i < 259 ? 6 : 1;
        }
        return t;
    }

    /** A random (rows, columns) matrix scaled by 1/sqrt(columns), as the reader will see it. */
    private float[] matrix(String name, GgmlType type, int rows, int columns) {
        float[] data = new float[rows * columns];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (random.nextGaussian() / Math.sqrt(columns));
        }
        return record(name, type, new long[] {columns, rows}, data);
    }

    private float[] norm(String name) {
        float[] data = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            data[i] = (float) (1 + 0.2 * random.nextGaussian());
        }
        return record(name, GgmlType.F32, new long[] {DIM}, data);
    }

    /** Keeps the tensor for writing and returns its values as the reader will see them. */
    private float[] record(String name, GgmlType type, long[] shape, float[] data) {
        tensors.add(new TensorSpec(name, type, shape, data));
        return new GgufWriter().tensor(name, type, shape, data);
    }
}
