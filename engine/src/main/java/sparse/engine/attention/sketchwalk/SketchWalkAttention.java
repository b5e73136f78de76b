package sparse.engine.attention.sketchwalk;

import java.util.Arrays;
import java.util.stream.IntStream;
import sparse.engine.attention.AttentionMethod;
import sparse.engine.attention.DecodeResult;
import sparse.engine.attention.LayerCache;
import sparse.engine.attention.LayerPlan;
import sparse.engine.attention.LayerPlans;
import sparse.engine.backend.Device;
import sparse.engine.backend.Grid;
import sparse.engine.graph.DataTransferMode;
import sparse.engine.graph.ExecutionPlan;
import sparse.engine.graph.ExecutionResult;
import sparse.engine.graph.Scalar;
import sparse.engine.graph.TaskGraph;
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
 * <p>Where this reading of the spec had to choose: a_blk starts from the prefill's Â when
 * {@link #prefill} ran for the layer (each of its rows counting as one observation), else
 * from zeros; "running mean on the current block's row and column" is the row only, since
 * under causality the current block's column holds nothing but its diagonal, which the row
 * has. The window is the last ⌈windowFraction·T/b⌉ blocks before the current one, as in
 * prefill. One instance serves one sequence.
 */
public final class SketchWalkAttention implements AttentionMethod {
    /** Kept blocks per flash-decode chunk (256 keys at b = 64). */
    static final int CHUNK_BLOCKS = 4;

    private final Device device;
    private final SketchWalkOptions options;
    private final SketchWalkPrefill prefill;
    private final LayerPlans<LayerState> layers = new LayerPlans<>(LayerState::new);
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
        SketchWalkPrefill.Result result = prefill.run(layer, q, hq, cache);
        LayerState state = layers.load(layer, cache);
        state.closePlan();
        state.seed = result.dense() ? null : result;
        return result;
    }

    /** With profiling, each step waits for every kernel and records its device time (for benchmarks). */
    public void setProfiling(boolean on) {
        layers.setProfiling(on);
    }

    /** The last decode step's execution: device, wall time, and with profiling each kernel's time; null before any. */
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
        int pooled;         // tokens covered by the pooled, sketched key blocks
        long seen;          // queries written to the ring
        int[] rowUpdates;   // observations averaged into each row of a_blk
        // host twins of the buffers the host touches
        float[] q;
        float[] out;
        int[] blocks;
        int[] spans;
        float[] qRing;
        float[] aBlk;
        final Scalar visible = Scalar.ofInt(1);
        final Scalar firstBlock = Scalar.ofInt(0);
        final Scalar blockCount = Scalar.ofInt(1);
        final Scalar slot = Scalar.ofInt(0);
        final Scalar recentRows = Scalar.ofInt(1);
        final Scalar rowCount = Scalar.ofInt(1);     // hq · recentRows
        final Scalar tb = Scalar.ofInt(1);
        final Scalar row = Scalar.ofInt(0);
        final Scalar weight = Scalar.ofFloat(1f);
        final Scalar sink = Scalar.ofInt(0);
        final Scalar window = Scalar.ofInt(0);
        final Scalar chunks = Scalar.ofInt(1);

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
            int local = Math.min(SketchWalkPrefill.GROUP, device.maxWorkGroupSize());
            visible.set(visibleTokens);
            tb.set(blockTotal);
            chunks.set(SketchWalkPrefill.ceilDiv(blockTotal, CHUNK_BLOCKS));
            plan.withGrid(taskId("attend"), Grid.of((long) hq * chunks.value().intValue() * local, local));
            if (dense()) {
                for (int h = 0; h < hq; h++) {
                    spans[2 * h] = 0;
                    spans[2 * h + 1] = blockTotal;
                }
            } else {
                int last = blockTotal - 1;
                int first = Math.min(Math.min(pooled, visibleTokens) / b, last);
                firstBlock.set(first);
                blockCount.set(blockTotal - first);
                pooled = visibleTokens;
                slot.set((int) (seen % slots));
                seen++;
                recentRows.set((int) Math.min(slots, seen));
                rowCount.set(hq * recentRows.value().intValue());
                row.set(last);
                weight.set(1f / (rowUpdates[last] + 1));
                rowUpdates[last]++;
                sink.set(options.sinkBlocks(visibleTokens));
                window.set(options.windowBlocks(visibleTokens));
                plan.withGrid(taskId("poolK"), SketchWalkPrefill.cover2d((long) cache.hkv() * (blockTotal - first), d));
                plan.withGrid(taskId("sketchK"), Grid.of((long) cache.hkv() * (blockTotal - first) * local, local));
                plan.withGrid(taskId("logits"), SketchWalkPrefill.cover2d(blockTotal, rowCount.value().intValue()));
            }
            System.arraycopy(query, 0, q, 0, q.length);
            lastExecution = plan.execute();
            int[] positions;
            if (dense()) {
                positions = IntStream.range(0, visibleTokens).toArray();
            } else {
                plan.read(spans, 0, 2);
                int count = spans[1];
                plan.read(blocks, 0, count);
                positions = positions(blocks, count, b, visibleTokens);
            }
            int[][] selected = new int[hq][];
            Arrays.fill(selected, positions);  // one list, shared by every head
            return new DecodeResult(selected, out.clone());
        }

        private void build(int queryHeads) {
            closePlan();
            hq = queryHeads;
            int d = cache.d();
            int hkv = cache.hkv();
            int b = options.blockSize();
            capBlocks = SketchWalkPrefill.ceilDiv(cache.capacity(), b);
            slots = options.decodeQueries();
            q = new float[hq * d];
            out = new float[hq * d];
            blocks = new int[capBlocks];
            spans = new int[2 * hq];
            float[] partialAcc = new float[hq * SketchWalkPrefill.ceilDiv(capBlocks, CHUNK_BLOCKS) * d];
            float[] partialStats = new float[hq * SketchWalkPrefill.ceilDiv(capBlocks, CHUNK_BLOCKS) * 2];
            float scale = (float) (1 / Math.sqrt(d));
            TaskGraph g = new TaskGraph(graphName());
            g.transferToDevice(DataTransferMode.EVERY_EXECUTION, q);
            if (dense()) {
                for (int i = 0; i < capBlocks; i++) {
                    blocks[i] = i;
                }
                g.transferToDevice(DataTransferMode.FIRST_EXECUTION, blocks);
                g.transferToDevice(DataTransferMode.EVERY_EXECUTION, spans);
            } else {
                SketchParameters sp = SketchParameters.of(d, options.sketchDim(), options.seed(), layer);
                int m = sp.m();
                float logitScale = (float) (1 / Math.sqrt(m) / options.temperature());
                float[] kPooled = new float[hkv * capBlocks * d];
                float[] kSketch = new float[hkv * capBlocks * m];
                qRing = new float[hq * slots * m];
                float[] logits = new float[hq * slots * capBlocks];
                float[] stats = new float[hq * slots * 2];
                float[] r = new float[capBlocks];
                float[] sA = new float[capBlocks];
                float[] sB = new float[capBlocks];
                aBlk = new float[capBlocks * capBlocks];
                float[] thresholds = new float[1];
                g.transferToDevice(DataTransferMode.FIRST_EXECUTION, sp.signs(), sp.keep(), aBlk);
                // sketch the key blocks that changed and the new query
                g.task("poolK", SketchKernels::poolBlocksHalf, cache.k(), cache.capacity() * d, hkv, visible, d, b,
                        firstBlock, blockCount, kPooled, capBlocks * d);
                g.task("sketchK", SketchKernels::hadamardSketch, kPooled, capBlocks * d, firstBlock, blockCount, d,
                        sp.n(), sp.signs(), sp.keep(), m, sp.scale(), kSketch, capBlocks * m, firstBlock);
                g.task("sketchQ", SketchKernels::hadamardSketch, q, d, 0, 1, d, sp.n(), sp.signs(), sp.keep(), m,
                        sp.scale(), qRing, slots * m, slot);
                // r: block scores of the recent queries; a_blk's current row; the walk
                g.task("logits", SketchKernels::queryBlockLogits, qRing, slots * m, kSketch, capBlocks * m, hq, hkv,
                        recentRows, tb, m, logitScale, logits);
                g.task("stats", SketchKernels::logitRowStats, logits, rowCount, tb, stats);
                g.task("scores", SketchKernels::meanSoftmax, logits, stats, rowCount, tb, r);
                g.task("updateRow", WalkKernels::updateBlockRow, aBlk, capBlocks, row, tb, r, weight);
                float[] s = r;
                for (int t = 1; t <= options.hops(); t++) {
                    float[] next = s == sA ? sB : sA;
                    g.task("hop" + t, WalkKernels::walkVectorStep, r, s, aBlk, capBlocks, tb, options.beta(), next);
                    s = next;
                }
                g.task("quantile", WalkKernels::rowQuantiles, s, capBlocks, row, sink, window, options.quantile(),
                        thresholds);
                g.task("list", WalkKernels::listKeptBlocks, s, row, thresholds, sink, window, hq, blocks, spans);
                g.transferToHost(DataTransferMode.UNDER_DEMAND, blocks, spans);
            }
            g.task("attend", KernelSpec.lookup(BlockSparseKernels.class, "decodePartial"), q, cache.k(), cache.v(),
                    cache.capacity() * d, blocks, spans, hq, hkv, d, b, visible, CHUNK_BLOCKS, chunks, scale,
                    partialAcc, partialStats);
            g.task("merge", BlockSparseKernels::decodeMerge, partialAcc, partialStats, spans, CHUNK_BLOCKS, hq, d, chunks,
                    out);
            g.transferToHost(DataTransferMode.EVERY_EXECUTION, out);
            plan = new ExecutionPlan(device, g.snapshot()).withProfiling(layers.profiling());
            if (!dense()) {
                int small = Math.min(WalkKernels.MAX_GROUP, device.maxWorkGroupSize());
                int local = Math.min(SketchWalkPrefill.GROUP, device.maxWorkGroupSize());
                plan.withGrid(taskId("sketchQ"), Grid.of((long) hq * local, local));
                plan.withGrid(taskId("quantile"), Grid.of(small, small));
                plan.withGrid(taskId("list"), Grid.of(small, small));
            }
            synced = 0;
            pooled = 0;
            seen = 0;
            rowUpdates = new int[capBlocks];
            if (seed != null) {
                applySeed();
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
