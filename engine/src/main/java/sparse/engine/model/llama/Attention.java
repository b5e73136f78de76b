package sparse.engine.model.llama;

import sparse.engine.attention.LayerCache;

/**
 * The attention step of one layer for one decoded token, kept behind this interface so that
 * {@link sparse.engine.attention.AttentionMethod} kernels (sparse or dense, on a device) can
 * take the place of {@link DenseAttention}. The forward pass calls it once per layer, in
 * layer order, after appending the token's key and value to the cache.
 */
public interface Attention {

    /**
     * Writes {@code out} (heads, headSize) = for each query head h, the softmax(q_h · k / sqrt(d))
     * weighted sum of v over the cache's first {@code cache.length()} tokens of the key/value
     * head h / (heads / cache.hkv()).
     *
     * @param layer the layer, from 0
     * @param q     post-RoPE queries, (heads, headSize)
     * @param heads query heads, a multiple of {@code cache.hkv()}
     * @param cache this layer's keys (post-RoPE) and values, fp16 bits, (hkv, capacity, headSize)
     * @param out   (heads, headSize)
     */
    void attend(int layer, float[] q, int heads, LayerCache cache, float[] out);
}
