package sparse.engine.attention.sketchwalk;

import java.util.ArrayList;
import java.util.List;
import sparse.engine.attention.LayerCache;
import sparse.engine.backend.Device;
import sparse.engine.backend.Grid;
import sparse.engine.graph.DataTransferMode;
import sparse.engine.graph.ExecutionPlan;
import sparse.engine.graph.TaskGraph;
import sparse.tasks.kernels.blocksparse.BlockSparseKernels;
import sparse.tasks.kernels.sketch.SketchKernels;
import sparse.tasks.kernels.sketch.SketchParameters;
import sparse.tasks.kernels.walk.WalkKernels;

/**
 * Sketch&amp;Walk prefill (ALGORITHMS.md §2), one layer at a time in layer order, as one task
 * graph per layer on the given device: pool and sketch queries and keys per block, estimate
 * the block attention Â, walk it from the previous sparse layer's walk, keep per query block
 * the candidates above the row's quantile plus sink, window and diagonal, and run block-sparse
 * attention over the kept tiles. Dense layers run the same attention over every causal tile.
 *
 * <p>One instance per sequence: it carries the walk from one sparse layer to the next.
 */
public final class SketchWalkPrefill {
    /** Work-items per group of the context-style kernels. */
    static final int GROUP = 128;

    private final Device device;
    private final SketchWalkOptions options;
    private float[] carry;      // W of the last sparse layer, carrySize × carrySize; null before the first
    private int carrySize;

    public SketchWalkPrefill(Device device, SketchWalkOptions options) {
        this.device = device;
        this.options = options;
    }

    /**
     * What one layer's prefill chose and produced.
     *
     * @param layer          the layer
     * @param dense          whether the layer was attended densely
     * @param blocks         query (and key) blocks, ⌈T/b⌉
     * @param keptBlocks     per query block, the attended key blocks in ascending order
     *                       (shared by all heads)
     * @param output         attention output, (hq, T, d); null from {@link #select}
     * @param density        attended (query, key) pairs over causal pairs, over all rows
     * @param blockAttention Â, (blocks, blocks); null for a dense layer
     * @param walk           W of this layer, (blocks, blocks); null for a dense layer
     * @param recentSketches the last {@code recentQueries} queries sketched, (hq, decodeQueries, m),
     *                       oldest first; null for a dense layer (decode's starting state)
     * @param recentQueries  how many of them there are
     * @param sketchDim      m
     */
    public record Result(int layer, boolean dense, int blocks, int[][] keptBlocks, float[] output, double density,
                         float[] blockAttention, float[] walk, float[] recentSketches, int recentQueries,
                         int sketchDim) {
    }

    /**
     * Prefill of layer {@code layer} over every token of {@code cache}: query t of head h is
     * {@code q[(h*T + t)*d ..]}, T = {@code cache.length()}, at position t.
     */
    public Result run(int layer, float[] q, int hq, LayerCache cache) {
        return run(layer, q, hq, cache, true);
    }

    /**
     * {@link #run} without the attention: the selection and the state decode starts from
     * (Â, the walk carried to the next layer, the last queries sketched), for accuracy runs
     * that measure decode steps only. The result's output is null.
     */
    public Result select(int layer, float[] q, int hq, LayerCache cache) {
        return run(layer, q, hq, cache, false);
    }

    private Result run(int layer, float[] q, int hq, LayerCache cache, boolean attend) {
        int tokens = cache.length();
        int d = cache.d();
        int hkv = cache.hkv();
        if (tokens < 1) {
            throw new IllegalArgumentException("prefill needs at least one cached token");
        }
        if (hq < 1 || hq % hkv != 0) {
            throw new IllegalArgumentException("query heads " + hq + " must be a positive multiple of the cache's " + hkv);
        }
        if ((long) hq * tokens * d != q.length) {
            throw new IllegalArgumentException("q must hold hq*T*d = " + (long) hq * tokens * d + " floats, has " + q.length);
        }
        if (d > BlockSparseKernels.MAX_HEAD_DIM) {
            throw new IllegalArgumentException("head dimension " + d + " above the kernels' " + BlockSparseKernels.MAX_HEAD_DIM);
        }
        if (layer < 0) {
            throw new IllegalArgumentException("layer must be ≥ 0, got " + layer);
        }
        return options.isDense(layer) ? dense(layer, q, hq, cache, attend) : sparse(layer, q, hq, cache, attend);
    }

    private Result dense(int layer, float[] q, int hq, LayerCache cache, boolean attend) {
        int tokens = cache.length();
        int blocks = ceilDiv(tokens, options.blockSize());
        int[] keep = new int[blocks * blocks];
        for (int i = 0; i < blocks; i++) {
            for (int j = 0; j <= i; j++) {
                keep[i * blocks + j] = 1;
            }
        }
        if (!attend) {
            return new Result(layer, true, blocks, keptLists(keep, blocks), null, 1.0, null, null, null, 0, 0);
        }
        float[] out = new float[hq * tokens * cache.d()];
        TaskGraph g = new TaskGraph("sketchWalkDense")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, q, cache.k(), cache.v(), keep);
        addAttention(g, q, hq, cache, keep, out);
        g.transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        try (ExecutionPlan plan = new ExecutionPlan(device, g.snapshot())) {
            int local = Math.min(GROUP, device.maxWorkGroupSize());
            plan.withGrid("sketchWalkDense.attend", Grid.of((long) hq * tokens * local, local));
            plan.execute();
        }
        return new Result(layer, true, blocks, keptLists(keep, blocks), out, 1.0, null, null, null, 0, 0);
    }

    private Result sparse(int layer, float[] q, int hq, LayerCache cache, boolean attend) {
        int tokens = cache.length();
        int d = cache.d();
        int hkv = cache.hkv();
        int b = options.blockSize();
        int blocks = ceilDiv(tokens, b);
        SketchParameters sp = SketchParameters.of(d, options.sketchDim(), options.seed(), layer);
        int m = sp.m();
        float logitScale = (float) (1 / Math.sqrt(m) / options.temperature());
        int sink = options.sinkBlocks(tokens);
        int window = options.windowBlocks(tokens);
        int slots = options.decodeQueries();
        int recent = Math.min(slots, tokens);

        float[] qPooled = new float[hq * blocks * d];
        float[] kPooled = new float[hkv * blocks * d];
        float[] qSketch = new float[hq * blocks * m];
        float[] kSketch = new float[hkv * blocks * m];
        float[] stats = new float[hq * blocks * 2];
        float[] aHat = new float[blocks * blocks];
        float[] walkA = new float[blocks * blocks];
        float[] walkB = new float[blocks * blocks];
        float[] thresholds = new float[blocks];
        int[] keep = new int[blocks * blocks];
        float[] out = attend ? new float[hq * tokens * d] : null;
        float[] recentSketches = new float[hq * slots * m];

        TaskGraph g = new TaskGraph("sketchWalk")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, q, cache.k(), sp.signs(), sp.keep());
        if (attend) {
            g.transferToDevice(DataTransferMode.FIRST_EXECUTION, cache.v());
        }
        // sketch: block means of queries and keys, then the randomized Hadamard transform
        g.task("poolQ", SketchKernels::poolBlocks, q, tokens * d, hq, tokens, d, b, 0, blocks, qPooled, blocks * d);
        g.task("poolK", SketchKernels::poolBlocksHalf, cache.k(), cache.capacity() * d, hkv, tokens, d, b, 0, blocks,
                kPooled, blocks * d);
        g.task("sketchQ", SketchKernels::hadamardSketch, qPooled, blocks * d, 0, blocks, d, sp.n(), sp.signs(),
                sp.keep(), m, sp.scale(), qSketch, blocks * m, 0);
        g.task("sketchK", SketchKernels::hadamardSketch, kPooled, blocks * d, 0, blocks, d, sp.n(), sp.signs(),
                sp.keep(), m, sp.scale(), kSketch, blocks * m, 0);
        // Â: per head softmax over causal key blocks, averaged over heads
        g.task("stats", SketchKernels::blockLogitStats, qSketch, blocks * m, kSketch, blocks * m, hq, hkv, blocks,
                m, logitScale, stats);
        g.task("estimate", SketchKernels::blockAttention, qSketch, blocks * m, kSketch, blocks * m, hq, hkv, blocks,
                m, logitScale, stats, aHat, blocks);
        // walk: S⁰ = the previous sparse layer's W (identity-padded) or Â, then d steps
        float[] s = aHat;
        float[] next = walkA;
        if (carry != null) {
            g.transferToDevice(DataTransferMode.FIRST_EXECUTION, carry);
            g.task("carry", WalkKernels::padCarry, carry, carrySize, blocks, walkA);
            s = walkA;
            next = walkB;
        }
        for (int t = 1; t <= options.hops(); t++) {
            g.task("hop" + t, WalkKernels::walkStep, aHat, s, blocks, options.beta(), next);
            float[] done = next;
            next = s == aHat ? walkB : s;
            s = done;
        }
        float[] walk = s;
        // selection and attention over the kept tiles
        g.task("quantiles", WalkKernels::rowQuantiles, walk, blocks, 0, sink, window, options.prefillQuantile(), thresholds);
        g.task("select", WalkKernels::selectBlocks, walk, blocks, thresholds, sink, window,
                blocks - options.denseLastQueryBlocks(), keep);
        if (attend) {
            addAttention(g, q, hq, cache, keep, out);
        }
        // decode starts from the last queries, sketched
        g.task("sketchRecent", SketchKernels::hadamardSketch, q, tokens * d, tokens - recent, recent, d, sp.n(),
                sp.signs(), sp.keep(), m, sp.scale(), recentSketches, slots * m, 0);
        g.transferToHost(DataTransferMode.EVERY_EXECUTION, keep, aHat, walk, recentSketches);
        if (attend) {
            g.transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        }

        try (ExecutionPlan plan = new ExecutionPlan(device, g.snapshot())) {
            int local = Math.min(GROUP, device.maxWorkGroupSize());
            plan.withGrid("sketchWalk.poolQ", cover2d((long) hq * blocks, d));
            plan.withGrid("sketchWalk.poolK", cover2d((long) hkv * blocks, d));
            plan.withGrid("sketchWalk.sketchQ", Grid.of((long) hq * blocks * local, local));
            plan.withGrid("sketchWalk.sketchK", Grid.of((long) hkv * blocks * local, local));
            plan.withGrid("sketchWalk.quantiles", Grid.of((long) blocks * local, local));
            if (attend) {
                plan.withGrid("sketchWalk.attend", Grid.of((long) hq * tokens * local, local));
            }
            plan.withGrid("sketchWalk.sketchRecent", Grid.of((long) hq * recent * local, local));
            plan.execute();
        }
        carry = walk;
        carrySize = blocks;
        return new Result(layer, false, blocks, keptLists(keep, blocks), out, density(keep, blocks, tokens, b),
                aHat, walk, recentSketches, recent, m);
    }

    private void addAttention(TaskGraph g, float[] q, int hq, LayerCache cache, int[] keep, float[] out) {
        int d = cache.d();
        g.task("attend", BlockSparseKernels::prefill, q, cache.k(), cache.v(), cache.capacity() * d, keep, hq,
                cache.hkv(), cache.length(), d, options.blockSize(), (float) (1 / Math.sqrt(d)), out);
    }

    /** Per query block, its kept key blocks in ascending order. */
    static int[][] keptLists(int[] keep, int blocks) {
        int[][] lists = new int[blocks][];
        for (int i = 0; i < blocks; i++) {
            List<Integer> l = new ArrayList<>();
            for (int j = 0; j <= i; j++) {
                if (keep[i * blocks + j] != 0) {
                    l.add(j);
                }
            }
            lists[i] = l.stream().mapToInt(Integer::intValue).toArray();
        }
        return lists;
    }

    /** Attended (query, key) pairs over causal pairs, summed over every query row of a block mask. */
    static double density(int[] keep, int blocks, int tokens, int b) {
        long attended = 0;
        long causal = (long) tokens * (tokens + 1) / 2;
        for (int t = 0; t < tokens; t++) {
            int i = t / b;
            for (int j = 0; j < i; j++) {
                if (keep[i * blocks + j] != 0) {
                    attended += Math.min(b, tokens - j * b);
                }
            }
            attended += t - i * b + 1;  // the diagonal tile, causally
        }
        return (double) attended / causal;
    }

    /** A 2-D grid of 16 × 16 groups covering {@code outer × inner} (the kernels loop grid-stride). */
    static Grid cover2d(long outer, long inner) {
        return Grid.of(roundUp(outer, 16), roundUp(inner, 16), 16, 16);
    }

    static long roundUp(long n, int multiple) {
        return Math.max(1, (n + multiple - 1) / multiple) * multiple;
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
