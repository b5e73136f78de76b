package sparse.engine.attention.sketchwalk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sparse.engine.attention.dense.MethodTests;
import sparse.engine.backend.Device;
import sparse.engine.backend.Grid;
import sparse.engine.graph.DataTransferMode;
import sparse.engine.graph.ExecutionPlan;
import sparse.engine.graph.Scalar;
import sparse.engine.graph.TaskGraph;
import sparse.tasks.kernels.attention.DecodeAttentionKernels;
import sparse.tasks.kernels.blocksparse.BlockSparseKernels;
import sparse.tasks.kernels.blocksparse.BlockSparseReference;
import sparse.tasks.kernels.sketch.SketchKernels;
import sparse.tasks.kernels.sketch.SketchParameters;
import sparse.tasks.kernels.sketch.SketchReference;
import sparse.tasks.kernels.walk.WalkKernels;
import sparse.tasks.kernels.walk.WalkReference;
import sparse.tasks.lang.KernelSpec;

/**
 * The kernels of Sketch&amp;Walk's decode step, as translated, on every device, each against its
 * float64 reference: the block logits and scores over a run of steps (full, a row appended,
 * nothing changed, a block completed, a new block, the ring of recent queries wrapping), the
 * walk's hops and the selection, and the grouped block-sparse attention with its merge. Outputs
 * start as NaN; the bound is fp32 arithmetic's on the same fp16 data, 1e-5 relative.
 */
class SketchWalkDecodeKernelsTest {

    static final double BOUND = 1e-5;
    /** A score this close (relative) to the threshold may fall on either side of it. */
    static final double AMBIGUOUS = 1e-5;

    static Stream<Arguments> devices() {
        return MethodTests.devices().stream().map(Arguments::of);
    }

    /** sketchDim (0: n), block, hq, hkv, d, decodeQueries */
    static final int[][] LOGITS = {{0, 16, 8, 2, 64, 3}, {32, 16, 16, 2, 128, 4}, {24, 8, 4, 4, 40, 2}};

    static Stream<Arguments> logitCases() {
        return MethodTests.onEveryDevice(LOGITS);
    }

    /**
     * {@code decodeBlockLogits} then {@code decodeBlockScores}, step by step as the method runs
     * them: after each step every logit of the recent queries, the key sketches, the packed
     * rows, r and the block matrix's row against float64.
     */
    @ParameterizedTest(name = "{0} {1}", autoCloseArguments = false)
    @MethodSource("logitCases")
    void blockLogitsAndScoresFollowTheReferenceStepByStep(Device device, int[] c) {
        SplittableRandom random = MethodTests.random("sketchwalk logits on " + device.id() + " " + Arrays.toString(c));
        int sketchDim = c[0], b = c[1], hq = c[2], hkv = c[3], d = c[4], slots = c[5];
        int[] visibleSteps = {1300, 1301, 1301, 1312, 1313, 1330};  // full, a row, nothing, a block completed, ...
        int capacity = 1400, capBlocks = Math.ceilDiv(capacity, b), rowInts = DecodeAttentionKernels.rowInts(d);
        SketchParameters sp = SketchParameters.of(d, sketchDim, random.nextLong(), 3);
        int m = sp.m();
        float logitScale = (float) (1 / Math.sqrt(m) / 100);
        int tileStride = Math.ceilDiv(capBlocks, SketchKernels.LOGIT_TILE);
        short[] k = halves(random, hkv * capacity * d, 4);
        short[] v = halves(random, hkv * capacity * d, 1);
        float[] q = new float[hq * d];
        int[] kPairs = new int[hkv * capacity * rowInts];
        int[] vPairs = new int[hkv * capacity * rowInts];
        float[] qRing = nans(hq * slots * m);
        float[] kSketch = nans(hkv * capBlocks * m);
        float[] logits = nans(hq * slots * capBlocks);
        float[] stable = nans(hq * slots * 2);
        float[] tileStats = nans(hq * tileStride * 2);
        float[] r = nans(capBlocks);
        float[] aBlk = new float[capBlocks * capBlocks];
        for (int i = 0; i < aBlk.length; i++) {
            aBlk[i] = (float) random.nextDouble();
        }
        double[] aRef = SketchReference.widen(aBlk);
        Scalar visible = Scalar.ofInt(0), first = Scalar.ofInt(0), tb = Scalar.ofInt(0), stableEnd = Scalar.ofInt(0);
        Scalar foldFrom = Scalar.ofInt(0), reset = Scalar.ofInt(1), packFrom = Scalar.ofInt(0), recentRows = Scalar.ofInt(1);
        Scalar slot = Scalar.ofInt(0), stableTiles = Scalar.ofInt(0), row = Scalar.ofInt(0), weight = Scalar.ofFloat(1f);
        TaskGraph g = new TaskGraph("logits")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, k, v, sp.signs(), sp.keep(), qRing, kSketch, logits,
                        stable, tileStats, r, aBlk)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, q)
                .task("sketch", KernelSpec.lookup(SketchKernels.class, "decodeBlockLogits"), q, k, v, kPairs, vPairs,
                        capacity, hq, hkv, d, sp.n(), sp.signs(), sp.keep(), m, sp.scale(), b, visible, first, tb,
                        stableEnd, foldFrom, reset, packFrom, capBlocks, slots, recentRows, slot, logitScale,
                        stableTiles, tileStride, qRing, kSketch, logits, stable, tileStats)
                .task("scores", KernelSpec.lookup(SketchKernels.class, "decodeBlockScores"), logits, stable, tileStats,
                        tileStride, stableTiles, stableEnd, hq, slots, recentRows, slot, capBlocks, tb, aBlk, capBlocks,
                        row, weight, r)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, kPairs, vPairs, qRing, kSketch, logits, r, aBlk);
        List<float[]> ring = new ArrayList<>();   // raw queries by slot
        int pooled = 0, settled = -1;
        int[] rowUpdates = new int[capBlocks];
        try (ExecutionPlan plan = new ExecutionPlan(device, g.snapshot())) {
            for (int step = 0; step < visibleSteps.length; step++) {
                int vis = visibleSteps[step], blocks = Math.ceilDiv(vis, b), last = blocks - 1;
                int from = Math.min(pooled, vis);
                pooled = vis;
                int settledNow = from / b;
                boolean restart = settled < 0 || settledNow < settled;
                int firstBlock = restart ? 0 : from == vis ? blocks : settledNow;
                int stableNow = restart ? 0 : settledNow;
                visible.set(vis);
                tb.set(blocks);
                packFrom.set(from);
                reset.set(restart ? 1 : 0);
                foldFrom.set(restart ? 0 : settled);
                stableEnd.set(stableNow);
                settled = stableNow;
                first.set(firstBlock);
                stableTiles.set(Math.ceilDiv(firstBlock, SketchKernels.LOGIT_TILE));
                slot.set(step % slots);
                recentRows.set(Math.min(slots, step + 1));
                row.set(last);
                float w = 1f / (rowUpdates[last] + 1);
                rowUpdates[last]++;
                weight.set(w);
                for (int i = 0; i < q.length; i++) {
                    q[i] = (float) (4 * random.nextGaussian());
                }
                if (ring.size() < slots) {
                    ring.add(q.clone());
                } else {
                    ring.set(step % slots, q.clone());
                }
                int local = Math.min(256, device.maxWorkGroupSize());
                int scoreLocal = Math.min(1024, device.maxWorkGroupSize());
                plan.withGrid("logits.sketch", Grid.of((long) (hkv * stableTiles.value().intValue() + hq) * local, local));
                plan.withGrid("logits.scores", Grid.of((long) Math.ceilDiv(blocks, SketchKernels.SCORE_COLS) * scoreLocal,
                        scoreLocal));
                plan.execute();

                // float64: the key sketches, every recent query's sketch, the logits, r, a_blk's row
                double[] ks = SketchReference.sketch(SketchReference.poolBlocksHalf(k, hkv, capacity, vis, d, b),
                        hkv * blocks, sp);
                int rows = ring.size();
                double[] qs = new double[hq * rows * m];
                for (int s = 0; s < rows; s++) {
                    for (int h = 0; h < hq; h++) {
                        double[] one = SketchReference.sketch(SketchReference.widen(Arrays.copyOfRange(ring.get(s), h * d,
                                h * d + d)), 1, sp);
                        System.arraycopy(one, 0, qs, (h * rows + s) * m, m);
                    }
                }
                String at = " at step " + step + " (visible " + vis + ")";
                for (int h = 0; h < hq; h++) {
                    double[] got = new double[rows * blocks], ref = new double[rows * blocks];
                    for (int s = 0; s < rows; s++) {
                        for (int j = 0; j < blocks; j++) {
                            double dot = 0;
                            for (int e = 0; e < m; e++) {
                                dot += qs[(h * rows + s) * m + e] * ks[((h / (hq / hkv)) * blocks + j) * m + e];
                            }
                            ref[s * blocks + j] = logitScale * dot;
                            got[s * blocks + j] = logits[(h * slots + s) * capBlocks + j];
                        }
                    }
                    assertTrue(error(got, ref) < BOUND, "logits of head " + h + at + ": " + error(got, ref));
                }
                double[] gotSketch = new double[hkv * blocks * m];
                for (int kv = 0; kv < hkv; kv++) {
                    for (int i = 0; i < blocks * m; i++) {
                        gotSketch[kv * blocks * m + i] = kSketch[kv * capBlocks * m + i];
                    }
                }
                assertTrue(error(gotSketch, ks) < BOUND, "key sketches" + at);
                double[] rRef = SketchReference.queryBlockScores(qs, ks, hq, hkv, rows, blocks, m, logitScale);
                double[] rGot = new double[blocks];
                for (int j = 0; j < blocks; j++) {
                    rGot[j] = r[j];
                    aRef[last * capBlocks + j] += (rRef[j] - aRef[last * capBlocks + j]) * w;
                }
                assertTrue(error(rGot, rRef) < BOUND, "block scores" + at + ": " + error(rGot, rRef));
                double[] rowGot = new double[blocks], rowRef = Arrays.copyOfRange(aRef, last * capBlocks, last * capBlocks + blocks);
                for (int j = 0; j < blocks; j++) {
                    rowGot[j] = aBlk[last * capBlocks + j];
                }
                assertTrue(error(rowGot, rowRef) < BOUND, "a_blk's row" + at);
                for (int kv = 0; kv < hkv; kv++) {
                    for (int t = 0; t < vis; t++) {
                        for (int p = 0; p < rowInts; p++) {
                            int e = (kv * capacity + t) * d + 2 * p;
                            int want = (k[e] & 0xFFFF) | (2 * p + 1 < d ? k[e + 1] << 16 : 0);
                            int wantV = (v[e] & 0xFFFF) | (2 * p + 1 < d ? v[e + 1] << 16 : 0);
                            int word = (kv * capacity + t) * rowInts + p;
                            if (kPairs[word] != want || vPairs[word] != wantV) {
                                throw new AssertionError("packed row " + t + " of KV head " + kv + " word " + p + at);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * blocks, rows apart (stride), sink, window, quantile (per mille; above 1000 keeps none), ties
     * (0: distinct scores, else that many levels). Candidates: none, one, 4, 118 and more than
     * the work-items; up to 17 slabs of parts per score.
     */
    static final int[][] WALKS = {{1, 1, 0, 0, 875, 0}, {3, 3, 1, 0, 875, 0}, {7, 9, 1, 1, 875, 0},
            {130, 140, 4, 7, 875, 0}, {300, 300, 8, 16, 500, 0}, {257, 260, 3, 5, 875, 3}, {300, 300, 8, 16, 500, 2},
            {1000, 1024, 25, 50, 875, 0}, {2100, 2100, 20, 40, 900, 0}, {130, 140, 4, 7, 0, 0},
            {130, 140, 4, 7, 2000, 0}};

    static Stream<Arguments> walkCases() {
        return MethodTests.onEveryDevice(WALKS);
    }

    /** Three hops from r, then the threshold and the kept candidates, against the float64 walk and rule. */
    @ParameterizedTest(name = "{0} {1}", autoCloseArguments = false)
    @MethodSource("walkCases")
    void walkAndSelectionFollowTheReference(Device device, int[] c) {
        SplittableRandom random = MethodTests.random("sketchwalk walk on " + device.id() + " " + Arrays.toString(c));
        int size = c[0], stride = c[1], sink = c[2], window = c[3], levels = c[5];
        float quantile = c[4] / 1000f, beta = 0.25f;
        float[] a = new float[stride * stride];
        for (int i = 0; i < size; i++) {
            double sum = 0;
            for (int j = 0; j <= i; j++) {
                a[i * stride + j] = (float) (0.1 + random.nextDouble());
                sum += a[i * stride + j];
            }
            for (int j = 0; j <= i; j++) {
                a[i * stride + j] /= (float) sum;
            }
        }
        float[] r = new float[stride];
        for (int j = 0; j < size; j++) {
            r[j] = levels > 0 ? (1 + random.nextInt(levels)) / 64f : (float) random.nextDouble() / size;
        }
        if (levels > 0) {
            // a the identity: the walk is r at every hop, exactly in float32 as in float64, so its
            // ties are exact and straddle the quantile
            for (int i = 0; i < size; i++) {
                for (int j = 0; j <= i; j++) {
                    a[i * stride + j] = i == j ? 1f : 0f;
                }
            }
        }
        int slabs = Math.ceilDiv(stride, WalkKernels.HOP_ROWS);
        float[] partsA = nans(slabs * stride);
        float[] partsB = nans(slabs * stride);
        int[] blocks = poisoned(stride + 1);
        int[] counts = poisoned(1);
        TaskGraph g = new TaskGraph("walk").transferToDevice(DataTransferMode.FIRST_EXECUTION, r, a, partsA, partsB, blocks, counts);
        float[] prev = partsB;
        float[] parts = partsA;
        for (int t = 1; t <= 3; t++) {
            g.task("hop" + t, KernelSpec.lookup(WalkKernels.class, "walkHop"), r, prev, t == 1 ? 1 : 0, beta, a, stride,
                    size, parts, stride);
            prev = parts;
            parts = parts == partsA ? partsB : partsA;
        }
        float[] last = prev;
        g.task("select", KernelSpec.lookup(WalkKernels.class, "selectKeptBlocks"), r, last, stride, beta, size, sink,
                window, quantile, blocks, counts);
        g.transferToHost(DataTransferMode.EVERY_EXECUTION, last, blocks, counts);
        try (ExecutionPlan plan = new ExecutionPlan(device, g.snapshot())) {
            for (int t = 1; t <= 3; t++) {
                plan.withGrid("walk.hop" + t, Grid.of(WalkKernels.hopGroups(size) * WalkKernels.HOP_GROUP, WalkKernels.HOP_GROUP));
            }
            int local = Math.min(WalkKernels.SELECT_GROUP, device.maxWorkGroupSize());
            plan.withGrid("walk.select", Grid.of(local, local));
            plan.execute();
        }
        double[] ref = WalkReference.walkVector(SketchReference.widen(r), SketchReference.widen(a), stride, size, beta, 3);
        double[] got = new double[size];
        for (int j = 0; j < size; j++) {
            double hop = 0;
            for (int s = j / WalkKernels.HOP_ROWS; s < Math.ceilDiv(size, WalkKernels.HOP_ROWS); s++) {
                hop += last[s * stride + j];
            }
            got[j] = (1 - beta) * r[j] + beta * hop;
        }
        assertTrue(error(got, ref) < BOUND, "walk: " + error(got, ref));
        int row = size - 1;
        double threshold = WalkReference.threshold(ref, 0, row, sink, window, quantile);
        int[] want = IntStream.of(WalkReference.keptBlocks(ref, row, threshold, sink, window))
                .filter(j -> j >= sink && j < row - window).toArray();
        int count = counts[0];
        assertTrue(count >= 0 && count <= size, "count " + count);
        if (quantile > 1) {
            assertEquals(0, count, "a quantile above 1 keeps no candidate");
        }
        int[] kept = Arrays.copyOf(blocks, count);
        assertEquals(0xDEADBEEF, blocks[count], "wrote past the list");
        for (int i = 1; i < count; i++) {
            assertTrue(kept[i - 1] < kept[i], "ascending");
        }
        int differ = 0;
        for (int j = sink; j < row - window; j++) {
            boolean inGot = Arrays.binarySearch(kept, j) >= 0;
            boolean inRef = Arrays.binarySearch(want, j) >= 0;
            if (inGot != inRef) {
                assertTrue(Math.abs(ref[j] - threshold) <= AMBIGUOUS * Math.abs(threshold),
                        "block " + j + " differs: score " + ref[j] + ", threshold " + threshold);
                differ++;
            }
        }
        assertTrue(differ <= 1, differ + " blocks differ");
    }

    /** visible, block, hq, hkv, d, sink blocks, window start (from the end), listed candidates, chunks */
    static final int[][] ATTENTION = {{1, 64, 4, 2, 128, 1, 0, 0, 1}, {100, 64, 8, 2, 128, 1, 1, 0, 3},
            {1000, 16, 8, 2, 64, 3, 5, 20, 4}, {2049, 64, 16, 2, 128, 2, 4, 10, 40}, {777, 16, 32, 8, 72, 4, 8, 9, 200},
            {4096, 64, 4, 4, 128, 2, 3, 30, 7}};

    static Stream<Arguments> attentionCases() {
        return MethodTests.onEveryDevice(ATTENTION);
    }

    /**
     * {@code decodeGroupOverBlocks} over sink blocks, a device list of candidates and the window
     * (the last block cut by visible), chunked in many ways, then {@code mergeChunkPartials}, against
     * float64 attention over the same positions.
     */
    @ParameterizedTest(name = "{0} {1}", autoCloseArguments = false)
    @MethodSource("attentionCases")
    void groupedBlockAttentionMatchesAttentionOverItsBlocks(Device device, int[] c) {
        SplittableRandom random = MethodTests.random("grouped block attention on " + device.id() + " " + Arrays.toString(c));
        int visible = c[0], b = c[1], hq = c[2], hkv = c[3], d = c[4], listed = c[7], chunks = c[8];
        int capacity = visible + 40, blocks = Math.ceilDiv(visible, b), rowInts = DecodeAttentionKernels.rowInts(d);
        int sinkEnd = Math.min(c[5], blocks);
        int windowStart = Math.max(sinkEnd, blocks - c[6] - 1);
        // candidates: a random ascending subset of the blocks between sink and window
        int[] between = IntStream.range(sinkEnd, windowStart).toArray();
        int[] candidates = IntStream.of(between).filter(j -> random.nextInt(Math.max(1, between.length)) < listed).toArray();
        short[] k = halves(random, hkv * capacity * d, 1);
        short[] v = halves(random, hkv * capacity * d, 1);
        int[] kPairs = pack(k, rowInts, d);
        int[] vPairs = pack(v, rowInts, d);
        float[] q = new float[hq * d];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) random.nextGaussian();
        }
        int[] list = poisoned(blocks);
        System.arraycopy(candidates, 0, list, 0, candidates.length);
        int[] counts = {candidates.length};
        float[] partialMax = nans(hq * chunks);
        float[] partialSum = nans(hq * chunks);
        float[] partialAcc = nans(hq * chunks * d);
        float[] out = nans(hq * d);
        int headBlocks = hkv * Math.ceilDiv(hq / hkv, BlockSparseKernels.GROUP_HEADS);
        TaskGraph g = new TaskGraph("attend")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, q, kPairs, vPairs, list, counts, partialMax, partialSum,
                        partialAcc, out)
                .task("attend", KernelSpec.lookup(BlockSparseKernels.class, "decodeGroupOverBlocks"), q, kPairs, vPairs,
                        capacity, list, counts, 1, sinkEnd, windowStart, blocks, b, visible, hq, hkv, d, chunks, partialMax,
                        partialSum, partialAcc)
                .task("merge", KernelSpec.lookup(DecodeAttentionKernels.class, "mergeChunkPartials"), partialMax, partialSum,
                        partialAcc, out, hq, d, chunks)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        int lanes = Math.min(DecodeAttentionKernels.MERGE_GROUP, device.maxWorkGroupSize())
                / DecodeAttentionKernels.MERGE_CHANNELS;
        int mergeLocal = Math.clamp(Math.ceilDiv(chunks, 4), 1, lanes) * DecodeAttentionKernels.MERGE_CHANNELS;
        try (ExecutionPlan plan = new ExecutionPlan(device, g.snapshot())) {
            plan.withGrid("attend.attend", Grid.of((long) chunks * BlockSparseKernels.GROUP_SIZE, headBlocks,
                    BlockSparseKernels.GROUP_SIZE, 1));
            plan.withGrid("attend.merge", Grid.of((long) Math.ceilDiv(d, DecodeAttentionKernels.MERGE_CHANNELS) * mergeLocal, hq,
                    mergeLocal, 1));
            plan.execute();
        }
        int[] kept = IntStream.concat(IntStream.concat(IntStream.range(0, sinkEnd), IntStream.of(candidates)),
                IntStream.range(windowStart, blocks)).toArray();
        int[] positions = BlockSparseReference.blockPositions(kept, b, visible);
        int[][] perHead = new int[hq][];
        Arrays.fill(perHead, positions);
        double[] ref = BlockSparseReference.decode(q, k, v, hq, hkv, capacity, d, perHead, 1 / Math.sqrt(d));
        double err = SketchWalkAttentionTest.relativeError(out, ref);
        assertTrue(err < BOUND, "relative error " + err);
    }

    /**
     * The method over contexts that repeat, grow by a row, complete a block, shrink (its decode
     * state starts over) and grow by many blocks, with a ring of 3 recent queries that wraps:
     * the kept blocks against the float64 pipeline (up to one block at its threshold) and the
     * output against float64 attention over them.
     */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void decodeAcrossRepeatedAndShrinkingContexts(Device device) {
        SplittableRandom random = MethodTests.random("sketchwalk contexts on " + device.id());
        int hq = 8, hkv = 2, d = 64, capacity = 1500, layer = 2;
        int[] visibleSteps = {1000, 1000, 1001, 1024, 1025, 1025, 990, 1400};
        SketchWalkOptions o = SketchWalkOptions.defaults().withSeed(random.nextLong()).withDecodeQueries(3)
                .withSketchDim(32).withBlockSize(32);
        SketchWalkAttentionTest.Layer l = SketchWalkAttentionTest.Layer.random(random, hq, hkv, d, capacity, capacity);
        int capBlocks = Math.ceilDiv(capacity, o.blockSize());
        double[] aBlk = new double[capBlocks * capBlocks];
        int[] rowUpdates = new int[capBlocks];
        List<float[]> recent = new ArrayList<>();
        try (SketchWalkAttention method = new SketchWalkAttention(device, o)) {
            for (int step = 0; step < visibleSteps.length; step++) {
                int visible = visibleSteps[step];
                float[] q = new float[hq * d];
                for (int i = 0; i < q.length; i++) {
                    q[i] = (float) (4 * random.nextGaussian());
                }
                recent.add(q);
                if (recent.size() > o.decodeQueries()) {
                    recent.removeFirst();
                }
                method.load(layer, l.cache());
                var got = method.decode(q, hq, visible);
                float[] stacked = new float[hq * recent.size() * d];
                for (int i = 0; i < recent.size(); i++) {
                    for (int h = 0; h < hq; h++) {
                        System.arraycopy(recent.get(i), h * d, stacked, (h * recent.size() + i) * d, d);
                    }
                }
                SketchWalkReference.DecodeStep ref = SketchWalkReference.decode(stacked, hq, recent.size(), l.cache(),
                        visible, aBlk, capBlocks, rowUpdates, layer, o);
                int[] gotBlocks = SketchWalkAttentionTest.blocksOf(got.selected()[0], o.blockSize());
                int differ = 0;
                for (int j = 0; j < ref.s().length; j++) {
                    boolean inGot = Arrays.binarySearch(gotBlocks, j) >= 0;
                    boolean inRef = Arrays.binarySearch(ref.keptBlocks(), j) >= 0;
                    if (inGot != inRef) {
                        assertTrue(Math.abs(ref.s()[j] - ref.threshold()) <= AMBIGUOUS * ref.threshold(),
                                "step " + step + ": block " + j + " differs, score " + ref.s()[j] + ", threshold "
                                        + ref.threshold());
                        differ++;
                    }
                }
                assertTrue(differ <= 1, differ + " blocks differ at step " + step);
                double[] refOut = BlockSparseReference.decode(q, l.cache().k(), l.cache().v(), hq, hkv, capacity, d,
                        got.selected(), 1 / Math.sqrt(d));
                double err = SketchWalkAttentionTest.relativeError(got.output(), refOut);
                assertTrue(err < BOUND, "output at step " + step + ": " + err);
            }
        }
    }

    /** K or V as packed fp16 pairs, element 2p low. */
    private static int[] pack(short[] x, int rowInts, int d) {
        int rows = x.length / d;
        int[] out = new int[rows * rowInts];
        for (int t = 0; t < rows; t++) {
            for (int p = 0; p < rowInts; p++) {
                int e = t * d + 2 * p;
                out[t * rowInts + p] = (x[e] & 0xFFFF) | (2 * p + 1 < d ? x[e + 1] << 16 : 0);
            }
        }
        return out;
    }

    private static short[] halves(SplittableRandom r, int n, double scale) {
        short[] a = new short[n];
        for (int i = 0; i < n; i++) {
            a[i] = Float.floatToFloat16((float) (scale * r.nextGaussian()));
        }
        return a;
    }

    private static float[] nans(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    private static int[] poisoned(int n) {
        int[] a = new int[n];
        Arrays.fill(a, 0xDEADBEEF);
        return a;
    }

    /** ‖got − ref‖ / ‖ref‖; NaN anywhere gives NaN, which fails every bound. */
    private static double error(double[] got, double[] ref) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < ref.length; i++) {
            diff += (got[i] - ref[i]) * (got[i] - ref[i]);
            norm += ref[i] * ref[i];
        }
        return Math.sqrt(diff / norm);
    }
}
