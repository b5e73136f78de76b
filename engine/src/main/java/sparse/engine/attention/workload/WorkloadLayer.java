package sparse.engine.attention.workload;

import java.util.Arrays;
import sparse.engine.attention.LayerCache;

/**
 * One layer of a workload: {@code t} cached tokens and {@code tq} decode queries at the last
 * {@code tq} positions. Query {@code step} sits at position {@code t − tq + step} and sees keys
 * {@code [0, t − tq + step + 1)}. Methods must not modify the arrays.
 *
 * @param hq  query heads, a multiple of hkv (grouped-query attention)
 * @param hkv key/value heads
 * @param d   head dimension
 * @param t   cached tokens
 * @param tq  decode queries, 1 ≤ tq ≤ t
 * @param k   post-RoPE keys, fp16 bits, (hkv, t, d)
 * @param v   values, fp16 bits, (hkv, t, d)
 * @param q   post-RoPE queries, unscaled (methods apply 1/√d), (tq, hq, d)
 * @param prefillQ the queries of the positions before the decode queries, for a method's
 *                 prefill, (hq, t − tq, d) as a prefill takes them; null when the workload
 *                 has none
 */
public record WorkloadLayer(int hq, int hkv, int d, int t, int tq, short[] k, short[] v, float[] q, float[] prefillQ) {

    public WorkloadLayer {
        if (hq < 1 || hkv < 1 || d < 1 || t < 1) {
            throw new IllegalArgumentException("heads, head dim and tokens must be positive: hq=" + hq + " hkv=" + hkv
                    + " d=" + d + " t=" + t);
        }
        if (hq % hkv != 0) {
            throw new IllegalArgumentException("query heads " + hq + " not a multiple of key/value heads " + hkv);
        }
        if (tq < 1 || tq > t) {
            throw new IllegalArgumentException("decode queries " + tq + " outside [1, " + t + "]");
        }
        long kv = (long) hkv * t * d;
        if (k.length != kv || v.length != kv) {
            throw new IllegalArgumentException("k and v must hold hkv*t*d = " + kv + " elements");
        }
        if (q.length != (long) tq * hq * d) {
            throw new IllegalArgumentException("q must hold tq*hq*d = " + (long) tq * hq * d + " elements");
        }
        if (prefillQ != null && prefillQ.length != (long) hq * (t - tq) * d) {
            throw new IllegalArgumentException("prefillQ must hold hq*(t-tq)*d = " + (long) hq * (t - tq) * d + " elements");
        }
    }

    /** A layer without prefill queries. */
    public WorkloadLayer(int hq, int hkv, int d, int t, int tq, short[] k, short[] v, float[] q) {
        this(hq, hkv, d, t, tq, k, v, q, null);
    }

    /** The layer's keys and values as a full cache of {@code t} tokens (shares the arrays). */
    public LayerCache cache() {
        return new LayerCache(hkv, d, t, t, k, v);
    }

    /** The keys and values before the decode queries, what a prefill runs over (shares the arrays). */
    public LayerCache prefixCache() {
        return new LayerCache(hkv, d, t, t - tq, k, v);
    }

    /** Keys visible to query {@code step}. */
    public int visible(int step) {
        return t - tq + step + 1;
    }

    /** The queries of decode step {@code step}, a copy, (hq, d). */
    public float[] query(int step) {
        int from = step * hq * d;
        return Arrays.copyOfRange(q, from, from + hq * d);
    }

    /** Query heads sharing one key/value head. */
    public int group() {
        return hq / hkv;
    }
}
