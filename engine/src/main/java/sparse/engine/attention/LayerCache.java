package sparse.engine.attention;

/**
 * One layer's key/value cache on the host, as fp16 bits: {@code k} and {@code v} are
 * {@code [hkv][capacity][d]}, of which the first {@code length} tokens per head are valid.
 * Keys are post-RoPE.
 *
 * @param hkv      key/value heads
 * @param d        head dimension
 * @param capacity tokens the arrays have room for
 * @param length   tokens cached so far
 * @param k        keys, fp16 bits, (hkv, capacity, d)
 * @param v        values, fp16 bits, (hkv, capacity, d)
 */
public record LayerCache(int hkv, int d, int capacity, int length, short[] k, short[] v) {
    public LayerCache {
        long need = (long) hkv * capacity * d;
        if (k.length != need || v.length != need) {
            throw new IllegalArgumentException("cache arrays must hold hkv*capacity*d = " + need + " elements");
        }
        if (length < 0 || length > capacity) {
            throw new IllegalArgumentException("cache length " + length + " outside [0, " + capacity + "]");
        }
    }
}
