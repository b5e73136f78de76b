package sparse.engine.attention.sketchwalk;

import java.util.Arrays;
import java.util.stream.IntStream;
import sparse.engine.attention.AttentionMethod;
import sparse.engine.attention.DecodeResult;
import sparse.engine.attention.LayerCache;
import sparse.engine.attention.LayerPlan;
import sparse.engine.attention.LayerPlans;
import sparse.engine.attention.dense.IndexListAttention;
import sparse.engine.backend.Device;
import sparse.engine.backend.Grid;
import sparse.engine.graph.DataTransferMode;
import sparse.engine.graph.ExecutionPlan;
import sparse.engine.graph.ExecutionResult;
import sparse.engine.graph.Scalar;
import sparse.engine.graph.StepTiming;
import sparse.engine.graph.TaskGraph;
import sparse.tasks.kernels.attention.DecodeAttentionKernels;
import sparse.tasks.kernels.blocksparse.BlockSparseKernels;
import sparse.tasks.kernels.sketch.SketchKernels;
import sparse.tasks.kernels.sketch.SketchParameters;
import sparse.tasks.kernels.walk.WalkKernels;
import sparse.tasks.lang.KernelSpec;

/**
 * Sketch&amp;Walk decode (ALGORITHMS.md §2), one task graph per layer on the given device. Each
 * step: re-pool and sketch the key blocks that changed, sketch the new query into a ring of
 * the last {@code decodeQueries}, score key blocks by the mean softmax of those queries
 * (r), move the current block's row of the running block matrix a_blk towards r, walk
 * {@code s ← (1−β)·r + β·s·a_blk} d times from s = r, keep the blocks at or above the
 * quantile of the candidates plus sink, window and current block, and run a block-sparse
 * flash-decode over them. All query heads share the block list. Dense layers attend every
 * block.
 *
 * <p>The step's launches: {@code sketch} (the changed blocks pooled, sketched and packed, the
 * new query sketched, and only the block logits that changed: the new query's row and every
 * row at the changed blocks, with each row's softmax statistics over the blocks that can no
 * longer change kept up to date; {@link SketchKernels#decodeBlockLogits}); {@code scores}
 * (r, and a_blk's row); one launch per hop of the walk, over tiles of a_blk; {@code select}
 * (threshold and candidate list in one work-group); {@code attend}, over sink, kept
 * candidates, window and current block, reading each kept K and V row once per KV head for
 * all its query heads from a packed copy of the cache
 * ({@link BlockSparseKernels#decodeGroupOverBlocks}); and {@code merge}.
 *
 * <p>Where this reading of the spec had to choose: a_blk starts from the prefill's Â when
 * {@link #prefill} ran for the layer (each of its rows counting as one observation), else
 * from zeros; "running mean on the current block's row and column" is the row only, since
 * under causality the current block's column holds nothing but its diagonal, which the row
 * has. The window is the last ⌈windowFraction·T/b⌉ blocks before the current one, as in
 * prefill. One instance serves one sequence.
 */
public final class SketchWalkAttention implements AttentionMethod {
    /**
     * The attention splits its keys into chunks of whole tiles, at least {@link #MIN_TILES_PER_CHUNK}
     * and at most {@link #MAX_TILES_PER_CHUNK}, as few as leave about
     * {@link IndexListAttention#ATTEND_GROUPS} work-groups, the index-list attention's rule: fewer
     * than an H100 holds at once, since a partial second wave costs more than longer chunks do
     * (measured at 128K: 12 tiles a chunk, 528 groups, 44–46 µs; 4 to 8 tiles, 800 to 1600
     * groups, 50–56 µs). Step at 128K, twice each in one run (300bcc4): 640 groups 102.6, 101.6
     * µs; 512 groups 99.9, 99.4; 32K unchanged (58.8–59.8).
     */
    private static final int MIN_TILES_PER_CHUNK = 4;
    public static final int MAX_TILES_PER_CHUNK = 32;
    /** Chunks per attention launch, at most (the partials' room). */
    private static final int MAX_CHUNKS = 1024;
    /** Work-items per group of the step's kernels: the logits, the scores (and the dense layers' packing). */
    private static final int LOGIT_GROUP = 256;
    private static final int SCORE_GROUP = 1024;
    private static final int MERGE_CHUNKS_PER_LANE = 8;

    private final Device device;
    private final SketchWalkOptions options;
    private final SketchWalkPrefill prefill;
    private final LayerPlans<LayerState> layers = new LayerPlans<>(LayerState::new);
    private StepTiming stepTiming = StepTiming.OFF;
    private int tilesPerChunk;
    private ExecutionResult lastExecution;

    public SketchWalkAttention(Device device, SketchWalkOptions options) {
        this.device = device;
        this.options = options;
        this.prefill = new SketchWalkPrefill(device, options);
    }

    @Override
    public String name() {
        return "sketchwalk";
    }

    public SketchWalkOptions options() {
        return options;
    }

    /**
     * Prefill of layer {@code layer} (see {@link SketchWalkPrefill#run}); also loads the layer
     * and starts its decode state from the prefill's Â and last queries.
     */
    public SketchWalkPrefill.Result prefill(int layer, float[] q, int hq, LayerCache cache) {
        return startDecode(layer, cache, prefill.run(layer, q, hq, cache));
    }

    /**
     * {@link #prefill} without its attention output (see {@link SketchWalkPrefill#select}):
     * the decode of layer {@code layer} starts from the same state, as after a real prefill.
     */
    public SketchWalkPrefill.Result prefillSelection(int layer, float[] q, int hq, LayerCache cache) {
        return startDecode(layer, cache, prefill.select(layer, q, hq, cache));
    }

    private SketchWalkPrefill.Result startDecode(int layer, LayerCache cache, SketchWalkPrefill.Result result) {
        LayerState state = layers.load(layer, cache);
        state.closePlan();
        state.seed = result.dense() ? null : result;
        return result;
    }

    /** With step timing, each step records the device time of its launches (for benchmarks; {@link StepTiming}). */
    public void setStepTiming(StepTiming timing) {
        stepTiming = timing;
    }

    /**
     * Keys per attention chunk in tiles of {@link BlockSparseKernels#TILE_KEYS}, from 1 to
     * {@link #MAX_TILES_PER_CHUNK}; 0 (the default) chooses from the keys. For tuning.
     */
    public void setTilesPerChunk(int tiles) {
        if (tiles < 0 || tiles > MAX_TILES_PER_CHUNK) {
            throw new IllegalArgumentException("tiles per chunk must be in [0, " + MAX_TILES_PER_CHUNK
                    + "] (0: automatic), got " + tiles);
        }
        tilesPerChunk = tiles;
    }

    /** The last decode step's execution: device, wall time, and with step timing each kernel's part; null before any. */
    public ExecutionResult lastExecution() {
        return lastExecution;
    }

    @Override
    public void load(int layer, LayerCache cache) {
        layers.load(layer, cache);
    }

    @Override
    public DecodeResult decode(float[] q, int hq, int visible) {
        return layers.current().decode(q, hq, visible);
    }

    @Override
    public void close() {
        layers.close();
    }

    /** One layer's device state: its graph, the buffers' host twins and the step counters. */
    private final class LayerState extends LayerPlan {
        SketchWalkPrefill.Result seed;     // applied when the plan is built
        int hq;
        int capBlocks;
        int slots;
        int synced;         // tokens of k and v on the device
        int pooled;         // tokens covered by the pooled, sketched and packed key blocks
        long seen;          // queries written to the ring
        int[] rowUpdates;   // observations averaged into each row of a_blk
        // host twins of the buffers the host touches
        float[] q;
        float[] out;
        int[] candidates;   // the kept candidate blocks, ascending
        int[] counts;       // how many
        float[] qRing;
        float[] aBlk;
        final Scalar visible = Scalar.ofInt(1);
        final Scalar firstBlock = Scalar.ofInt(0);   // the first block whose keys changed
        final Scalar stableEnd = Scalar.ofInt(0);    // blocks [0, stableEnd) can no longer change
        final Scalar foldFrom = Scalar.ofInt(0);     // the rows' statistics cover [0, foldFrom) before this step
        final Scalar reset = Scalar.ofInt(1);        // 1: the rows' statistics start over
        final Scalar packFrom = Scalar.ofInt(0);
        final Scalar stableTiles = Scalar.ofInt(0);
        final Scalar slot = Scalar.ofInt(0);
        final Scalar recentRows = Scalar.ofInt(1);
        final Scalar quantile = Scalar.ofFloat(options.quantile());
        final Scalar tb = Scalar.ofInt(1);
        final Scalar row = Scalar.ofInt(0);
        final Scalar weight = Scalar.ofFloat(1f);
        final Scalar sink = Scalar.ofInt(0);
        final Scalar window = Scalar.ofInt(0);
        // the blocks attended whatever the selection: [0, sinkEnd) and [windowStart, tb)
        final Scalar sinkEnd = Scalar.ofInt(0);
        final Scalar windowStart = Scalar.ofInt(0);
        final Scalar chunks = Scalar.ofInt(1);
        final Scalar packCount = Scalar.ofInt(0);    // dense layers: rows to pack this step
        int settled;        // the rows' statistics cover blocks [0, settled); -1: nothing yet

        LayerState(int layer) {
            super(layer);
        }

        boolean dense() {
            return options.isDense(layer);
        }

        @Override
        public DecodeResult decode(float[] query, int queryHeads, int visibleTokens) {
            int d = cache.d();
            if (queryHeads < 1 || queryHeads % cache.hkv() != 0) {
                throw new IllegalArgumentException("query heads " + queryHeads + " must be a positive multiple of the cache's "
                        + cache.hkv());
            }
            if (query.length != queryHeads * d) {
                throw new IllegalArgumentException("q must hold hq*d = " + queryHeads * d + " floats, has " + query.length);
            }
            if (visibleTokens < 1 || visibleTokens > cache.length()) {
                throw new IllegalArgumentException("visible tokens " + visibleTokens + " outside [1, " + cache.length() + "]");
            }
            if (plan == null || hq != queryHeads) {
                build(queryHeads);
            }
            syncCache(visibleTokens);
            int b = options.blockSize();
            int blockTotal = SketchWalkPrefill.ceilDiv(visibleTokens, b);
            int last = blockTotal - 1;
            int hkv = cache.hkv();
            int from = Math.min(pooled, visibleTokens);
            pooled = visibleTokens;
            visible.set(visibleTokens);
            tb.set(blockTotal);
            packFrom.set(from);
            int headBlocks = hkv * Math.ceilDiv(hq / hkv, BlockSparseKernels.GROUP_HEADS);
            int end0 = blockTotal;
            int start1 = blockTotal;
            long keys = visibleTokens;
            if (dense()) {
                packCount.set(visibleTokens - from);
                long words = (long) (visibleTokens - from) * DecodeAttentionKernels.rowInts(d);
                plan.withGrid(taskId("pack"), Grid.of(SketchWalkPrefill.roundUp(words, LOGIT_GROUP), hkv, LOGIT_GROUP, 1));
                plan.withSkipped(taskId("pack"), visibleTokens == from);
            } else {
                // blocks below from / b hold rows seen before only: complete, they can no longer change
                int settledNow = from / b;
                boolean restart = settled < 0 || settledNow < settled;
                int first = restart ? 0 : from == visibleTokens ? blockTotal : settledNow;
                int stable = restart ? 0 : settledNow;
                reset.set(restart ? 1 : 0);
                foldFrom.set(restart ? 0 : settled);
                stableEnd.set(stable);
                settled = stable;
                firstBlock.set(first);
                stableTiles.set(Math.ceilDiv(first, SketchKernels.LOGIT_TILE));
                int sinkBlocks = options.sinkBlocks(visibleTokens);
                int windowBlocks = options.windowBlocks(visibleTokens);
                end0 = Math.min(sinkBlocks, blockTotal);
                start1 = Math.max(last - windowBlocks, end0);
                slot.set((int) (seen % slots));
                seen++;
                recentRows.set((int) Math.min(slots, seen));
                row.set(last);
                weight.set(1f / (rowUpdates[last] + 1));
                rowUpdates[last]++;
                sink.set(sinkBlocks);
                window.set(windowBlocks);
                quantile.set(options.decodeQuantile(visibleTokens));
                // the candidate list's length is known on the device only: chunks are sized for the quantile's share
                long candidateBlocks = Math.max(0, last - windowBlocks - sinkBlocks);
                long expected = Math.clamp((long) Math.ceil((1 - quantile.value().floatValue()) * candidateBlocks) + 1,
                        0, candidateBlocks);
                keys = (end0 + blockTotal - start1 + expected) * b;
                plan.withGrid(taskId("sketch"), Grid.of((long) (hkv * stableTiles.value().intValue() + hq) * LOGIT_GROUP,
                        LOGIT_GROUP));
                int scoreGroup = Math.min(SCORE_GROUP, device.maxWorkGroupSize());
                plan.withGrid(taskId("scores"), Grid.of((long) Math.ceilDiv(blockTotal, SketchKernels.SCORE_COLS)
                        * scoreGroup, scoreGroup));
                for (int t = 1; t <= options.hops(); t++) {
                    plan.withGrid(taskId("hop" + t), Grid.of(WalkKernels.hopGroups(blockTotal) * WalkKernels.HOP_GROUP,
                            WalkKernels.HOP_GROUP));
                }
            }
            sinkEnd.set(end0);
            windowStart.set(start1);
            int n = chunks(keys, headBlocks);
            chunks.set(n);
            int group = BlockSparseKernels.GROUP_SIZE;
            plan.withGrid(taskId("attend"), Grid.of((long) n * group, headBlocks, group, 1));
            // the merge: a lane of work-items per (up to) MERGE_CHUNKS_PER_LANE chunks
            int channels = DecodeAttentionKernels.MERGE_CHANNELS;
            int maxLanes = Math.min(DecodeAttentionKernels.MERGE_GROUP, device.maxWorkGroupSize()) / channels;
            int mergeLocal = Math.clamp(Math.ceilDiv(n, MERGE_CHUNKS_PER_LANE), 1, maxLanes) * channels;
            plan.withGrid(taskId("merge"), Grid.of((long) Math.ceilDiv(d, channels) * mergeLocal, hq, mergeLocal, 1));
            System.arraycopy(query, 0, q, 0, q.length);
            lastExecution = plan.withStepTiming(stepTiming).execute();
            IntStream kept = IntStream.range(0, blockTotal);
            if (!dense()) {
                plan.read(counts, 0, 1);
                int count = counts[0];
                if (count > 0) {
                    plan.read(candidates, 0, count);
                }
                kept = IntStream.concat(IntStream.concat(IntStream.range(0, end0), Arrays.stream(candidates, 0, count)),
                        IntStream.range(start1, blockTotal));
            }
            int[] keptBlocks = kept.toArray();
            int[] positions = positions(keptBlocks, keptBlocks.length, b, visibleTokens);
            int[][] selected = new int[hq][];
            Arrays.fill(selected, positions);  // one list, shared by every head
            return new DecodeResult(selected, out.clone());
        }

        /** Chunks of the attention over {@code keys} keys (see {@link IndexListAttention#ATTEND_GROUPS}). */
        private int chunks(long keys, int headBlocks) {
            long tiles = Math.max(1, Math.ceilDiv(keys, BlockSparseKernels.TILE_KEYS));
            long perChunk = tilesPerChunk > 0 ? tilesPerChunk
                    : Math.clamp(Math.ceilDiv(tiles * headBlocks, IndexListAttention.ATTEND_GROUPS), MIN_TILES_PER_CHUNK, MAX_TILES_PER_CHUNK);
            return (int) Math.clamp(Math.ceilDiv(tiles, perChunk), 1, MAX_CHUNKS);
        }

        private void build(int queryHeads) {
            closePlan();
            hq = queryHeads;
            int d = cache.d();
            int hkv = cache.hkv();
            int b = options.blockSize();
            int capacity = cache.capacity();
            if (d > 2 * BlockSparseKernels.PAIRS) {
                throw new IllegalArgumentException("Sketch&Walk decode takes head dimensions up to "
                        + 2 * BlockSparseKernels.PAIRS + ", not " + d);
            }
            capBlocks = SketchWalkPrefill.ceilDiv(capacity, b);
            slots = options.decodeQueries();
            q = new float[hq * d];
            out = new float[hq * d];
            candidates = new int[capBlocks];
            counts = new int[1];
            int rowInts = DecodeAttentionKernels.rowInts(d);
            // K and V as words of two fp16, device only, packed as rows arrive
            int[] kPairs = new int[hkv * capacity * rowInts];
            int[] vPairs = new int[hkv * capacity * rowInts];
            float[] partialMax = new float[hq * MAX_CHUNKS];
            float[] partialSum = new float[hq * MAX_CHUNKS];
            float[] partialAcc = new float[hq * MAX_CHUNKS * d];
            TaskGraph g = new TaskGraph(graphName());
            g.transferToDevice(DataTransferMode.EVERY_EXECUTION, q);
            KernelSpec attention = KernelSpec.lookup(BlockSparseKernels.class, "decodeGroupOverBlocks");
            if (dense()) {
                g.task("pack", KernelSpec.lookup(DecodeAttentionKernels.class, "packHalfPairs"), cache.k(), cache.v(),
                        kPairs, vPairs, hkv, capacity, d, packFrom, packCount);
                g.task("attend", attention, q, kPairs, vPairs, capacity, candidates, counts, 0, sinkEnd, windowStart,
                        tb, b, visible, hq, hkv, d, chunks, partialMax, partialSum, partialAcc);
            } else {
                SketchParameters sp = SketchParameters.of(d, options.sketchDim(), options.seed(), layer);
                int m = sp.m();
                checkDecodeLimits(sp.n());
                float logitScale = (float) (1 / Math.sqrt(m) / options.temperature());
                int tileStride = Math.ceilDiv(capBlocks, SketchKernels.LOGIT_TILE);
                float[] kSketch = new float[hkv * capBlocks * m];
                qRing = new float[hq * slots * m];
                float[] logits = new float[hq * slots * capBlocks];
                float[] stable = new float[hq * slots * 2];
                float[] tileStats = new float[hq * tileStride * 2];
                float[] r = new float[capBlocks];
                int slabs = Math.ceilDiv(capBlocks, WalkKernels.HOP_ROWS);
                float[] partsA = new float[slabs * capBlocks];
                float[] partsB = new float[slabs * capBlocks];
                aBlk = new float[capBlocks * capBlocks];
                g.transferToDevice(DataTransferMode.FIRST_EXECUTION, sp.signs(), sp.keep(), aBlk);
                // the changed key blocks and the new query sketched, the logits that changed
                g.task("sketch", KernelSpec.lookup(SketchKernels.class, "decodeBlockLogits"), q, cache.k(), cache.v(),
                        kPairs, vPairs, capacity, hq, hkv, d, sp.n(), sp.signs(), sp.keep(), m, sp.scale(), b, visible,
                        firstBlock, tb, stableEnd, foldFrom, reset, packFrom, capBlocks, slots, recentRows, slot,
                        logitScale, stableTiles, tileStride, qRing, kSketch, logits, stable, tileStats);
                // r and a_blk's current row; the walk; the kept candidates
                g.task("scores", KernelSpec.lookup(SketchKernels.class, "decodeBlockScores"), logits, stable, tileStats,
                        tileStride, stableTiles, stableEnd, hq, slots, recentRows, slot, capBlocks, tb, aBlk, capBlocks,
                        row, weight, r);
                float[] parts = partsB;
                for (int t = 1; t <= options.hops(); t++) {
                    float[] prev = parts;
                    parts = prev == partsA ? partsB : partsA;
                    g.task("hop" + t, KernelSpec.lookup(WalkKernels.class, "walkHop"), r, prev, t == 1 ? 1 : 0,
                            options.beta(), aBlk, capBlocks, tb, parts, capBlocks);
                }
                g.task("select", KernelSpec.lookup(WalkKernels.class, "selectKeptBlocks"), r, parts, capBlocks,
                        options.beta(), tb, sink, window, quantile, candidates, counts);
                g.task("attend", attention, q, kPairs, vPairs, capacity, candidates, counts, 1, sinkEnd, windowStart,
                        tb, b, visible, hq, hkv, d, chunks, partialMax, partialSum, partialAcc);
                g.transferToHost(DataTransferMode.UNDER_DEMAND, candidates, counts);
            }
            g.task("merge", KernelSpec.lookup(DecodeAttentionKernels.class, "mergeChunkPartials"), partialMax,
                    partialSum, partialAcc, out, hq, d, chunks);
            g.transferToHost(DataTransferMode.EVERY_EXECUTION, out);
            plan = new ExecutionPlan(device, g.snapshot());
            if (!dense()) {
                int select = Math.min(WalkKernels.SELECT_GROUP, device.maxWorkGroupSize());
                plan.withGrid(taskId("select"), Grid.of(select, select));
            }
            synced = 0;
            pooled = 0;
            seen = 0;
            settled = -1;  // the rows' statistics hold nothing yet
            rowUpdates = new int[capBlocks];
            if (seed != null) {
                applySeed();
            }
        }

        /** The decode kernels' limits, each a one-line error. */
        private void checkDecodeLimits(int paddedDim) {
            if (paddedDim > SketchKernels.DECODE_MAX_DIM) {
                throw new IllegalArgumentException("Sketch&Walk decode pads head dimensions to at most "
                        + SketchKernels.DECODE_MAX_DIM + ", not " + paddedDim);
            }
            if (hq / cache.hkv() > SketchKernels.DECODE_MAX_GROUP) {
                throw new IllegalArgumentException("Sketch&Walk decode takes at most " + SketchKernels.DECODE_MAX_GROUP
                        + " query heads per KV head, not " + hq / cache.hkv());
            }
            if (hq > SketchKernels.MAX_SCORE_HEADS) {
                throw new IllegalArgumentException("Sketch&Walk decode scores at most " + SketchKernels.MAX_SCORE_HEADS
                        + " query heads, not " + hq);
            }
            if (hq * slots > SketchKernels.MAX_SCORE_ROWS) {
                throw new IllegalArgumentException("Sketch&Walk decode scores at most " + SketchKernels.MAX_SCORE_ROWS
                        + " (query head, recent query) rows, not " + hq + " x " + slots);
            }
            if (capBlocks > WalkKernels.MAX_SELECT) {
                throw new IllegalArgumentException("Sketch&Walk decode selects among at most " + WalkKernels.MAX_SELECT
                        + " blocks, not " + capBlocks + " (capacity " + cache.capacity() + ")");
            }
        }

        /** Starts from the prefill: its last queries in the ring, its Â as a_blk. */
        private void applySeed() {
            SketchWalkPrefill.Result s = seed;
            if (s.sketchDim() * hq * slots != s.recentSketches().length) {
                throw new IllegalStateException("prefill of layer " + layer + " ran with other query heads or sketch size");
            }
            System.arraycopy(s.recentSketches(), 0, qRing, 0, qRing.length);
            plan.write(qRing, 0, qRing.length);
            seen = s.recentQueries();
            int n = Math.min(s.blocks(), capBlocks);
            for (int i = 0; i < n; i++) {
                System.arraycopy(s.blockAttention(), i * s.blocks(), aBlk, i * capBlocks, n);
                rowUpdates[i] = 1;
            }
            plan.write(aBlk, 0, n * capBlocks);
        }

        /** Sends the cache rows [synced, upTo) of every key/value head to the device. */
        private void syncCache(int upTo) {
            if (upTo <= synced) {
                return;
            }
            int d = cache.d();
            for (int g = 0; g < cache.hkv(); g++) {
                int from = (g * cache.capacity() + synced) * d;
                plan.write(cache.k(), from, (upTo - synced) * d);
                plan.write(cache.v(), from, (upTo - synced) * d);
            }
            synced = upTo;
        }

        private String graphName() {
            return (dense() ? "sketchWalkDenseDecode" : "sketchWalkDecode") + layer;
        }

        private String taskId(String task) {
            return graphName() + "." + task;
        }

    }

    /** The key positions of the first {@code count} listed blocks, cut at {@code visible}. */
    static int[] positions(int[] blocks, int count, int blockSize, int visible) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            n += Math.min(blockSize, visible - blocks[i] * blockSize);
        }
        int[] out = new int[n];
        int at = 0;
        for (int i = 0; i < count; i++) {
            int end = Math.min(blocks[i] * blockSize + blockSize, visible);
            for (int p = blocks[i] * blockSize; p < end; p++) {
                out[at++] = p;
            }
        }
        return out;
    }
}
