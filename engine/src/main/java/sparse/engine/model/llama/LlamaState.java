package sparse.engine.model.llama;

import sparse.engine.attention.LayerCache;

/**
 * The activations of one forward pass and the key/value cache of one sequence. The cache of
 * each layer is kept as {@link LayerCache} wants it, fp16 bits in (kvHeads, capacity, headSize),
 * so an attention method can use it as it is.
 */
public final class LlamaState {

    final float[] x;       // (dim) residual stream
    final float[] xb;      // (dim) normalised input of attention and feed-forward
    final float[] xb2;     // (dim) output of a block, added to x
    final float[] q;       // (heads * headSize) query of the current token
    final float[] k;       // (kvHeads * headSize) key of the current token
    final float[] v;       // (kvHeads * headSize) value of the current token
    final float[] att;     // (heads * headSize) attention output
    final float[] hb;      // (hiddenDim) feed-forward gate
    final float[] hb2;     // (hiddenDim) feed-forward up projection
    final float[] logits;  // (vocabulary)
    final short[][] keyCache;   // (layer) (kvHeads, capacity, headSize) fp16 bits, post-RoPE
    final short[][] valueCache; // (layer) (kvHeads, capacity, headSize) fp16 bits
    private final LlamaConfig config;
    private final int capacity;

    /** State for sequences of up to {@code capacity} tokens. */
    public LlamaState(LlamaConfig c, int capacity) {
        if (capacity < 1 || capacity > c.contextLength()) {
            throw new IllegalArgumentException("capacity " + capacity + " outside [1, context length "
                    + c.contextLength() + "]");
        }
        long cacheElements = (long) c.kvHeads() * capacity * c.headSize();
        if (cacheElements > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a layer's cache of " + capacity + " tokens needs " + cacheElements
                    + " elements, more than one Java array holds");
        }
        this.config = c;
        this.capacity = capacity;
        x = new float[c.dim()];
        xb = new float[c.dim()];
        xb2 = new float[c.dim()];
        q = new float[c.heads() * c.headSize()];
        k = new float[c.kvHeads() * c.headSize()];
        v = new float[c.kvHeads() * c.headSize()];
        att = new float[c.heads() * c.headSize()];
        hb = new float[c.hiddenDim()];
        hb2 = new float[c.hiddenDim()];
        logits = new float[c.vocabularySize()];
        keyCache = new short[c.layers()][(int) cacheElements];
        valueCache = new short[c.layers()][(int) cacheElements];
    }

    /** Tokens the cache has room for. */
    public int capacity() {
        return capacity;
    }

    /** Layer {@code layer}'s cache with its first {@code length} tokens valid. */
    public LayerCache layerCache(int layer, int length) {
        return new LayerCache(config.kvHeads(), config.headSize(), capacity, length, keyCache[layer], valueCache[layer]);
    }

    /** Stores the current k and v as position {@code pos} of layer {@code layer}'s cache, in fp16. */
    void appendKeyValue(int layer, int pos) {
        int d = config.headSize();
        for (int h = 0; h < config.kvHeads(); h++) {
            int dst = (h * capacity + pos) * d;
            for (int i = 0; i < d; i++) {
                keyCache[layer][dst + i] = Float.floatToFloat16(k[h * d + i]);
                valueCache[layer][dst + i] = Float.floatToFloat16(v[h * d + i]);
            }
        }
    }
}
