package sparse.engine.attention.sketchwalk;

import java.util.Set;

/**
 * Every knob of Sketch&amp;Walk (ALGORITHMS.md §2), with the spec's defaults in {@link #defaults()}.
 *
 * @param blockSize            b, tokens per block of queries and keys (64)
 * @param sketchDim            m, sketch coordinates kept; 0 means the head dimension padded to a
 *                             power of two, where the sketch is an exact rotation (the
 *                             reference's m = D = 128); otherwise 1 ≤ m ≤ padded head dimension
 * @param beta                 β, the weight of the previous hop in the walk (0.25)
 * @param hops                 d, walk steps (3)
 * @param temperature          divides the block logits after 1/√m (100)
 * @param quantile             candidates scoring at least this quantile of their row are kept
 *                             (0.875: the top 12.5 %)
 * @param sinkFraction         sink blocks are the first ⌈sinkFraction·T / b⌉ (0.025)
 * @param windowFraction       window blocks are the last ⌈windowFraction·T / b⌉ before the
 *                             query's own block (0.05)
 * @param denseLayers          layers attended densely, prefill and decode ({0, 1})
 * @param denseLastQueryBlocks prefill: the last this many query blocks attend densely (4)
 * @param decodeQueries        decode: the recent queries whose block scores are pooled (32)
 * @param seed                 seeds the sketch's signs and kept coordinates (per layer)
 * @param density              0: keep candidates by {@code quantile} (the spec's rule); else the
 *                             requested density in (0, 1], kept exactly at decode (the
 *                             candidates fill what sink, window and current block leave of
 *                             round(density·T/b) blocks, {@link #decodeQuantile}) and
 *                             approximately at prefill ({@link #prefillQuantile})
 */
public record SketchWalkOptions(int blockSize, int sketchDim, float beta, int hops, float temperature,
                                float quantile, double sinkFraction, double windowFraction, Set<Integer> denseLayers,
                                int denseLastQueryBlocks, int decodeQueries, long seed,
                                double density) {

    public SketchWalkOptions {
        require(blockSize >= 1, "blockSize must be ≥ 1, got " + blockSize);
        require(sketchDim >= 0, "sketchDim must be ≥ 0 (0: the padded head dimension), got " + sketchDim);
        require(beta >= 0 && beta <= 1, "beta must be in [0, 1], got " + beta);
        require(hops >= 1, "hops must be ≥ 1, got " + hops);
        require(temperature > 0 && Float.isFinite(temperature), "temperature must be positive, got " + temperature);
        require(quantile >= 0 && quantile <= 1, "quantile must be in [0, 1], got " + quantile);
        require(sinkFraction >= 0 && sinkFraction <= 1, "sinkFraction must be in [0, 1], got " + sinkFraction);
        require(windowFraction >= 0 && windowFraction <= 1, "windowFraction must be in [0, 1], got " + windowFraction);
        require(denseLayers != null, "denseLayers must not be null (use an empty set)");
        for (Integer layer : denseLayers) {
            require(layer != null && layer >= 0, "denseLayers must hold layer numbers ≥ 0, got " + denseLayers);
        }
        denseLayers = Set.copyOf(denseLayers);
        require(denseLastQueryBlocks >= 0, "denseLastQueryBlocks must be ≥ 0, got " + denseLastQueryBlocks);
        require(decodeQueries >= 1, "decodeQueries must be ≥ 1, got " + decodeQueries);
        require(density >= 0 && density <= 1, "density must be in (0, 1], or 0 for the quantile rule, got " + density);
    }

    /** A decode quantile above 1: the selection keeps no candidate. */
    public static final float KEEP_NONE = 2f;

    /** The spec's defaults, seed 0. */
    public static SketchWalkOptions defaults() {
        return new SketchWalkOptions(64, 0, 0.25f, 3, 100f, 0.875f, 0.025, 0.05, Set.of(0, 1), 4, 32, 0L, 0);
    }

    public SketchWalkOptions withBlockSize(int v) {
        return new SketchWalkOptions(v, sketchDim, beta, hops, temperature, quantile, sinkFraction, windowFraction,
                denseLayers, denseLastQueryBlocks, decodeQueries, seed, density);
    }

    public SketchWalkOptions withSketchDim(int v) {
        return new SketchWalkOptions(blockSize, v, beta, hops, temperature, quantile, sinkFraction, windowFraction,
                denseLayers, denseLastQueryBlocks, decodeQueries, seed, density);
    }

    public SketchWalkOptions withBeta(float v) {
        return new SketchWalkOptions(blockSize, sketchDim, v, hops, temperature, quantile, sinkFraction, windowFraction,
                denseLayers, denseLastQueryBlocks, decodeQueries, seed, density);
    }

    public SketchWalkOptions withHops(int v) {
        return new SketchWalkOptions(blockSize, sketchDim, beta, v, temperature, quantile, sinkFraction, windowFraction,
                denseLayers, denseLastQueryBlocks, decodeQueries, seed, density);
    }

    public SketchWalkOptions withTemperature(float v) {
        return new SketchWalkOptions(blockSize, sketchDim, beta, hops, v, quantile, sinkFraction, windowFraction,
                denseLayers, denseLastQueryBlocks, decodeQueries, seed, density);
    }

    public SketchWalkOptions withQuantile(float v) {
        return new SketchWalkOptions(blockSize, sketchDim, beta, hops, temperature, v, sinkFraction, windowFraction,
                denseLayers, denseLastQueryBlocks, decodeQueries, seed, density);
    }

    public SketchWalkOptions withSinkFraction(double v) {
        return new SketchWalkOptions(blockSize, sketchDim, beta, hops, temperature, quantile, v, windowFraction,
                denseLayers, denseLastQueryBlocks, decodeQueries, seed, density);
    }

    public SketchWalkOptions withWindowFraction(double v) {
        return new SketchWalkOptions(blockSize, sketchDim, beta, hops, temperature, quantile, sinkFraction, v,
                denseLayers, denseLastQueryBlocks, decodeQueries, seed, density);
    }

    public SketchWalkOptions withDenseLayers(Set<Integer> v) {
        return new SketchWalkOptions(blockSize, sketchDim, beta, hops, temperature, quantile, sinkFraction,
                windowFraction, v, denseLastQueryBlocks, decodeQueries, seed, density);
    }

    public SketchWalkOptions withDenseLastQueryBlocks(int v) {
        return new SketchWalkOptions(blockSize, sketchDim, beta, hops, temperature, quantile, sinkFraction,
                windowFraction, denseLayers, v, decodeQueries, seed, density);
    }

    public SketchWalkOptions withDecodeQueries(int v) {
        return new SketchWalkOptions(blockSize, sketchDim, beta, hops, temperature, quantile, sinkFraction,
                windowFraction, denseLayers, denseLastQueryBlocks, v, seed, density);
    }

    public SketchWalkOptions withSeed(long v) {
        return new SketchWalkOptions(blockSize, sketchDim, beta, hops, temperature, quantile, sinkFraction,
                windowFraction, denseLayers, denseLastQueryBlocks, decodeQueries, v, density);
    }

    public SketchWalkOptions withDensity(double v) {
        return new SketchWalkOptions(blockSize, sketchDim, beta, hops, temperature, quantile, sinkFraction,
                windowFraction, denseLayers, denseLastQueryBlocks, decodeQueries, seed, v);
    }

    /**
     * The quantile of a decode step's candidates over {@code tokens} tokens ({@code blocks}
     * blocks, the last the current one): {@code quantile}, or with a density the one that keeps
     * exactly the candidates that round(density·blocks) leaves after sink, window and current
     * block: {@link #KEEP_NONE} where those fill it, 0 (all) where the candidates fall short. The selection keeps
     * the n − ⌈quantile·(n − 1)⌉ candidates above the interpolated threshold, so aiming
     * half a rank below makes float rounding harmless.
     */
    public float decodeQuantile(int tokens) {
        if (density == 0) {
            return quantile;
        }
        int blocks = Math.ceilDiv(tokens, blockSize);
        int sink = Math.min(sinkBlocks(tokens), blocks);
        int windowStart = Math.max(blocks - 1 - windowBlocks(tokens), sink);
        int candidates = windowStart - sink;
        int keep = Math.clamp(Math.round(density * blocks) - sink - (blocks - windowStart), 0, candidates);
        if (keep == 0) {
            return KEEP_NONE;
        }
        return (float) Math.clamp((candidates - keep - 0.5) / (candidates - 1), 0.0, 1.0);
    }

    /**
     * The quantile of prefill's rows: {@code quantile}, or with a density the one that fills
     * what sink and window leave of it over the candidates of a row near the end (earlier rows,
     * with fewer candidates, land a little denser).
     */
    public float prefillQuantile() {
        if (density == 0) {
            return quantile;
        }
        double fixed = sinkFraction + windowFraction;
        return (float) Math.clamp(1 - (density - fixed) / (1 - fixed), 0.0, 1.0);
    }

    /** Sink blocks over {@code tokens} tokens: ⌈sinkFraction·tokens / b⌉. */
    public int sinkBlocks(int tokens) {
        return ceilBlocks(sinkFraction * tokens);
    }

    /** Window blocks over {@code tokens} tokens: ⌈windowFraction·tokens / b⌉. */
    public int windowBlocks(int tokens) {
        return ceilBlocks(windowFraction * tokens);
    }

    /** ⌈x / b⌉, with x's rounding error (0.05·1280 = 64.00000000000001) not counting as a block. */
    private int ceilBlocks(double x) {
        return (int) Math.ceil(x / blockSize - 1e-9);
    }

    /** Whether layer {@code layer} is attended densely. */
    public boolean isDense(int layer) {
        return denseLayers.contains(layer);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
