package sparse.engine.model.llama;

import sparse.engine.model.gguf.GgufFile;
import sparse.engine.model.gguf.GgufFormatException;
import sparse.engine.model.gguf.GgufTensorInfo;

/**
 * The hyper-parameters of a Llama model, read from GGUF metadata ({@code llama.*} keys) and
 * checked against the token embedding's shape; nothing is assumed.
 *
 * @param dim            width of the residual stream ({@code llama.embedding_length})
 * @param hiddenDim      width of the feed-forward layer ({@code llama.feed_forward_length})
 * @param layers         transformer blocks ({@code llama.block_count})
 * @param heads          query heads ({@code llama.attention.head_count})
 * @param kvHeads        key/value heads, dividing {@code heads} ({@code llama.attention.head_count_kv},
 *                       default {@code heads})
 * @param headSize       per-head width ({@code llama.attention.key_length}, default dim / heads)
 * @param vocabularySize rows of {@code token_embd.weight}
 * @param contextLength  longest sequence the model was trained for ({@code llama.context_length})
 * @param rmsEps         RMSNorm epsilon ({@code llama.attention.layer_norm_rms_epsilon})
 * @param ropeBase       RoPE frequency base ({@code llama.rope.freq_base}, default 10000)
 */
public record LlamaConfig(int dim, int hiddenDim, int layers, int heads, int kvHeads, int headSize,
                          int vocabularySize, int contextLength, float rmsEps, float ropeBase) {

    private static final String ARCH = "llama";

    public static LlamaConfig fromGguf(GgufFile file) {
        String arch = file.string("general.architecture");
        if (!arch.equals(ARCH)) {
            throw file.error("general.architecture", "is " + GgufFormatException.quote(arch) + "; only '" + ARCH + "' is supported");
        }
        GgufTensorInfo embedding = file.tensorInfo("token_embd.weight");
        if (embedding.shape().length != 2) {
            throw new GgufFormatException("tensor 'token_embd.weight' has shape "
                    + embedding.shapeString() + ", expected [dim, vocabulary]", embedding.infoOffset());
        }
        int dim = positive(file, ARCH + ".embedding_length");
        if (embedding.shape()[0] != dim) {
            throw file.error(ARCH + ".embedding_length", "= " + dim + " but token_embd.weight has shape "
                    + embedding.shapeString());
        }
        int vocabularySize = (int) embedding.shape()[1]; // bounded by the file size
        // The tokenizer must not produce ids the embedding lacks, nor the head logits it lacks.
        if (file.has("tokenizer.ggml.tokens") && file.array("tokenizer.ggml.tokens").length() != vocabularySize) {
            throw file.error("tokenizer.ggml.tokens", "has " + file.array("tokenizer.ggml.tokens").length()
                    + " tokens but token_embd.weight has " + vocabularySize + " rows");
        }
        if (file.has(ARCH + ".vocab_size") && file.integer(ARCH + ".vocab_size") != vocabularySize) {
            throw file.error(ARCH + ".vocab_size", "= " + file.integer(ARCH + ".vocab_size")
                    + " but token_embd.weight has " + vocabularySize + " rows");
        }

        int layers = positive(file, ARCH + ".block_count");
        if (layers > file.tensorInfos().size()) {
            throw file.error(ARCH + ".block_count", "= " + layers + " but the file has only "
                    + file.tensorInfos().size() + " tensors");
        }
        int heads = positive(file, ARCH + ".attention.head_count");
        int kvHeads = file.has(ARCH + ".attention.head_count_kv") ? positive(file, ARCH + ".attention.head_count_kv") : heads;
        if (heads % kvHeads != 0) {
            throw file.error(ARCH + ".attention.head_count_kv", "= " + kvHeads + " does not divide head_count " + heads);
        }
        int headSize;
        if (file.has(ARCH + ".attention.key_length")) {
            headSize = positive(file, ARCH + ".attention.key_length");
        } else if (dim % heads == 0) {
            headSize = dim / heads;
        } else {
            throw file.error(ARCH + ".attention.head_count", "= " + heads + " does not divide embedding_length " + dim);
        }
        if (file.has(ARCH + ".attention.value_length") && positive(file, ARCH + ".attention.value_length") != headSize) {
            throw file.error(ARCH + ".attention.value_length", "differs from the key length " + headSize);
        }
        if (headSize % 2 != 0) {
            throw file.error(ARCH + ".attention.head_count", "gives an odd head size " + headSize + "; RoPE needs pairs");
        }
        // Partial rotary embeddings and rope scaling are other architectures' business: refuse them.
        if (file.has(ARCH + ".rope.dimension_count") && file.integer(ARCH + ".rope.dimension_count") != headSize) {
            throw file.error(ARCH + ".rope.dimension_count", "= " + file.integer(ARCH + ".rope.dimension_count")
                    + " differs from the head size " + headSize + " (partial RoPE is not supported)");
        }
        String scaling = file.string(ARCH + ".rope.scaling.type", "none");
        if (!scaling.equals("none")) {
            throw file.error(ARCH + ".rope.scaling.type", "is " + GgufFormatException.quote(scaling) + "; RoPE scaling is not supported");
        }
        if (file.hasTensor("rope_freqs.weight")) {
            throw new GgufFormatException("tensor 'rope_freqs.weight' (RoPE frequency "
                    + "factors, Llama 3.1) is not supported", file.tensorInfo("rope_freqs.weight").infoOffset());
        }
        float ropeBase = file.floatValue(ARCH + ".rope.freq_base", 10000f);
        if (!(ropeBase > 1) || Float.isInfinite(ropeBase)) {
            throw file.error(ARCH + ".rope.freq_base", "= " + ropeBase + " is not a finite number above 1");
        }
        float rmsEps = file.floatValue(ARCH + ".attention.layer_norm_rms_epsilon");
        if (!(rmsEps >= 0) || Float.isInfinite(rmsEps)) {
            throw file.error(ARCH + ".attention.layer_norm_rms_epsilon", "= " + rmsEps + " is not finite and >= 0");
        }
        return new LlamaConfig(dim, positive(file, ARCH + ".feed_forward_length"), layers, heads, kvHeads, headSize,
                vocabularySize, positive(file, ARCH + ".context_length"), rmsEps, ropeBase);
    }

    private static int positive(GgufFile file, String key) {
        long v = file.integer(key);
        if (v < 1 || v > Integer.MAX_VALUE - 8) {
            throw file.error(key, "= " + v + " is not a positive int");
        }
        return (int) v;
    }
}
