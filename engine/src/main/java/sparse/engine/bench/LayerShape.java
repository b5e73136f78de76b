package sparse.engine.bench;

/**
 * The attention shape of one layer.
 *
 * @param hq  query heads
 * @param hkv key/value heads (grouped-query attention: hq a multiple of hkv)
 * @param d   head dimension
 */
public record LayerShape(int hq, int hkv, int d) {

    /** Llama-3.1-8B: 32 query heads, 8 KV heads, D = 128. */
    public static final LayerShape LLAMA_31_8B = new LayerShape(32, 8, 128);

    /**
     * {@code batch} sequences of one length decoded in one step, as one layer with {@code batch}
     * times the heads: each query head reads only its own KV head, so the heads of one sequence
     * never meet another's.
     */
    public LayerShape batched(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("a batch holds at least 1 sequence, got " + batch);
        }
        return new LayerShape(Math.multiplyExact(hq, batch), Math.multiplyExact(hkv, batch), d);
    }

    public LayerShape {
        if (hq < 1 || hkv < 1 || hq % hkv != 0 || d < 1) {
            throw new IllegalArgumentException("a layer needs hq a positive multiple of hkv ≥ 1 and d ≥ 1, got hq "
                    + hq + ", hkv " + hkv + ", d " + d);
        }
    }
}
