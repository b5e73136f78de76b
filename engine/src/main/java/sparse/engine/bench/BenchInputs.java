package sparse.engine.bench;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import sparse.engine.attention.LayerCache;

/**
 * What a decode benchmark rotates through: several full KV caches of one layer, and several
 * query vectors. Keys and values are N(0, 1) in fp16 (never zeros: they hide unwritten
 * outputs and can run faster than real data), the queries N(0, 1) in fp32.
 *
 * @param shape   heads and head dimension
 * @param context cached tokens T, the capacity of each cache
 * @param caches  full caches, each its own layer on the device
 * @param queries (hq, d) each
 * @param seed    what they were drawn from
 */
public record BenchInputs(LayerShape shape, int context, LayerCache[] caches, float[][] queries, long seed) {

    /** Distinct query vectors, taken in turn. */
    public static final int QUERIES = 4;

    /** Bytes of K and V in one cache: {@code 2 · hkv · T · d} fp16 values. */
    public static long cacheBytes(LayerShape shape, int context) {
        return 2L * shape.hkv() * context * shape.d() * Short.BYTES;
    }

    /** {@code caches} random caches of {@code context} tokens and {@link #QUERIES} queries, drawn in parallel from one seed. */
    public static BenchInputs random(LayerShape shape, int context, int caches, long seed) {
        if (context < 1) {
            throw new IllegalArgumentException("context must be at least 1 token, got " + context);
        }
        if (caches < 1) {
            throw new IllegalArgumentException("caches must be at least 1, got " + caches);
        }
        long values = (long) shape.hkv() * context * shape.d();
        if (values > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("context " + context + ": a cache of " + values
                    + " values per K or V is more than one Java array holds");
        }
        SplittableRandom root = new SplittableRandom(seed);
        LayerCache[] out = new LayerCache[caches];
        for (int c = 0; c < caches; c++) {
            short[] k = new short[(int) values];
            short[] v = new short[(int) values];
            fill(k, root.split());
            fill(v, root.split());
            out[c] = new LayerCache(shape.hkv(), shape.d(), context, context, k, v);
        }
        float[][] queries = new float[QUERIES][shape.hq() * shape.d()];
        for (float[] q : queries) {
            for (int i = 0; i < q.length; i++) {
                q[i] = (float) root.nextGaussian();
            }
        }
        return new BenchInputs(shape, context, out, queries, seed);
    }

    /**
     * N(0, 1) queries of {@code tokens} prefill positions, (hq, tokens, d) as a prefill takes
     * them, drawn from this seed (not from the caches' or decode queries' draws).
     */
    public float[] prefillQueries(int tokens) {
        long values = (long) shape.hq() * tokens * shape.d();
        if (values > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a prefill of " + tokens + " tokens has " + values
                    + " query values, more than one Java array holds");
        }
        float[] q = new float[(int) values];
        SplittableRandom r = new SplittableRandom(~seed);
        int block = 1 << 20;
        int blocks = (q.length + block - 1) / block;
        SplittableRandom[] generators = new SplittableRandom[blocks];
        for (int b = 0; b < blocks; b++) {
            generators[b] = r.split();
        }
        IntStream.range(0, blocks).parallel().forEach(b -> {
            SplittableRandom g = generators[b];
            for (int i = b * block, end = Math.min(q.length, i + block); i < end; i++) {
                q[i] = (float) g.nextGaussian();
            }
        });
        return q;
    }

    /** N(0, 1) fp16 values, in blocks drawn in parallel from generators split off {@code random}. */
    private static void fill(short[] a, SplittableRandom random) {
        int block = 1 << 20;
        int blocks = (a.length + block - 1) / block;
        SplittableRandom[] generators = new SplittableRandom[blocks];
        for (int b = 0; b < blocks; b++) {
            generators[b] = random.split();
        }
        IntStream.range(0, blocks).parallel().forEach(b -> {
            SplittableRandom r = generators[b];
            for (int i = b * block, end = Math.min(a.length, i + block); i < end; i++) {
                a[i] = Float.floatToFloat16((float) r.nextGaussian());
            }
        });
    }
}
