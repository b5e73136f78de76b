package sparse.engine.model.llama;

import java.util.stream.IntStream;

import sparse.engine.model.gguf.GgufFile;
import sparse.engine.model.gguf.Tensor;

/**
 * A Llama model and its forward pass, one token at a time, in plain Java float32 (the shape of
 * llama2.c's run.c). Weights stay in the memory-mapped GGUF file; the file must stay open
 * while the model is used.
 */
public final class Llama {

    private final LlamaConfig config;
    private final LlamaWeights weights;
    private final Attention attention;

    public Llama(LlamaConfig config, LlamaWeights weights, Attention attention) {
        this.config = config;
        this.weights = weights;
        this.attention = attention;
    }

    /** The model in {@code file}, with {@link DenseAttention}. */
    public static Llama load(GgufFile file) {
        LlamaConfig config = LlamaConfig.fromGguf(file);
        return new Llama(config, LlamaWeights.fromGguf(file, config), new DenseAttention());
    }

    /** The same model with another attention step. */
    public Llama withAttention(Attention other) {
        return new Llama(config, weights, other);
    }

    public LlamaConfig config() {
        return config;
    }

    public LlamaWeights weights() {
        return weights;
    }

    /** Fresh activations and an empty cache for up to {@code capacity} tokens. */
    public LlamaState newState(int capacity) {
        return new LlamaState(config, capacity);
    }

    /**
     * Runs {@code token} at position {@code pos}, after positions 0 .. pos-1 have been run
     * with the same state, and returns the logits of the next token (the state's own array,
     * overwritten by the next call).
     */
    public float[] forward(LlamaState s, int token, int pos) {
        LlamaConfig c = config;
        LlamaWeights w = weights;
        if (token < 0 || token >= c.vocabularySize()) {
            throw new IllegalArgumentException("token " + token + " outside the vocabulary of " + c.vocabularySize());
        }
        if (pos < 0 || pos >= s.capacity()) {
            throw new IllegalArgumentException("position " + pos + " outside the cache of " + s.capacity());
        }

        // token embedding
        w.tokenEmbedding().copyRow(token, s.x, 0);

        for (int l = 0; l < c.layers(); l++) {
            // attention RMSNorm
            rmsnorm(s.xb, s.x, w.attentionNorm()[l], c.rmsEps());

            // q, k, v projections
            matmul(s.q, s.xb, w.wq()[l]);
            matmul(s.k, s.xb, w.wk()[l]);
            matmul(s.v, s.xb, w.wv()[l]);

            // RoPE on q and k
            rope(s.q, c.heads(), c.headSize(), pos, c.ropeBase());
            rope(s.k, c.kvHeads(), c.headSize(), pos, c.ropeBase());

            // append k and v to the cache, then attend over positions 0 .. pos
            s.appendKeyValue(l, pos);
            attention.attend(l, s.q, c.heads(), s.layerCache(l, pos + 1), s.att);

            // output projection, residual
            matmul(s.xb2, s.att, w.wo()[l]);
            add(s.x, s.xb2);

            // feed-forward RMSNorm
            rmsnorm(s.xb, s.x, w.ffnNorm()[l], c.rmsEps());

            // SwiGLU: down(silu(gate(x)) * up(x))
            matmul(s.hb, s.xb, w.ffnGate()[l]);
            matmul(s.hb2, s.xb, w.ffnUp()[l]);
            for (int i = 0; i < c.hiddenDim(); i++) {
                float g = s.hb[i];
                s.hb[i] = g / (1f + (float) Math.exp(-g)) * s.hb2[i];
            }
            matmul(s.xb2, s.hb, w.ffnDown()[l]);

            // residual
            add(s.x, s.xb2);
        }

        // final RMSNorm, output head
        rmsnorm(s.x, s.x, w.outputNorm(), c.rmsEps());
        matmul(s.logits, s.x, w.output());
        return s.logits;
    }

    /** out = x / sqrt(mean(x²) + eps) * weight. */
    static void rmsnorm(float[] out, float[] x, float[] weight, float eps) {
        float ss = 0;
        for (float xi : x) {
            ss += xi * xi;
        }
        float inv = (float) (1.0 / Math.sqrt(ss / x.length + eps));
        for (int i = 0; i < x.length; i++) {
            out[i] = weight[i] * (inv * x[i]);
        }
    }

    /** out (rows) = w (rows, columns) · x (columns), rows in parallel. */
    static void matmul(float[] out, float[] x, Tensor w) {
        IntStream.range(0, out.length).parallel().forEach(i -> out[i] = w.dot(i, x));
    }

    static void add(float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            x[i] += y[i];
        }
    }

    /**
     * Rotates each head's consecutive pairs (x[2j], x[2j+1]) by pos * base^(-2j / headSize):
     * llama.cpp's "normal" RoPE, which GGUF Llama files are written for (converters permute
     * Hugging Face's half-split q/k rows into this order; llama2.c exports already use it).
     */
    static void rope(float[] x, int heads, int headSize, int pos, float base) {
        for (int j = 0; j < headSize / 2; j++) {
            double angle = pos * Math.pow(base, -2.0 * j / headSize);
            float cos = (float) Math.cos(angle);
            float sin = (float) Math.sin(angle);
            for (int h = 0; h < heads; h++) {
                int i = h * headSize + 2 * j;
                float x0 = x[i];
                float x1 = x[i + 1];
                x[i] = x0 * cos - x1 * sin;
                x[i + 1] = x0 * sin + x1 * cos;
            }
        }
    }
}
