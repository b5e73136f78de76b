package sparse.engine.attention.dense;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import sparse.engine.attention.AttentionMethod;
import sparse.engine.attention.DecodeResult;
import sparse.engine.attention.LayerCache;
import sparse.engine.backend.Device;
import sparse.engine.backend.Grid;
import sparse.engine.graph.DataTransferMode;
import sparse.engine.graph.ExecutionPlan;
import sparse.engine.graph.ExecutionResult;
import sparse.engine.graph.Scalar;
import sparse.engine.graph.StepTiming;
import sparse.engine.graph.TaskGraph;
import sparse.tasks.kernels.attention.DecodeAttentionKernels;
import sparse.tasks.kernels.select.SelectKernels;
import sparse.tasks.lang.KernelSpec;

/**
 * What dense attention, the token selectors (oracle, StreamingLLM, SOCKET, hard LSH) and Quest
 * (whole pages) share: per layer, one task graph on one device that hashes the rows cached
 * since the last step, selects an index list per query head (or per group, or one for all),
 * and runs flash-decode over the lists ({@link DecodeAttentionKernels}). A method supplies the
 * selection as a {@link Selection}; this class keeps the layers' device state and runs the
 * steps.
 *
 * <p>Each layer keeps its own device copy of K and V (and of whatever the method derives from
 * them), so a layer's later loads upload only the rows appended since: a cache is taken to be
 * append-only between loads of the same layer with the same arrays (rows already loaded are
 * not read again; a shorter cache or new arrays start the layer over). The graph is built at
 * the layer's first decode, when the number of query heads is known; that step also uploads
 * and hashes the whole context. Each step reads back the output and the lists; query heads
 * that share a list share its array in the {@link DecodeResult}.
 *
 * <p>A model's decode step can instead hold the same tasks itself, a layer's worth per layer
 * in its one graph over its own arrays ({@link #addLayer}): then nothing but the list
 * lengths leaves the device.
 */
public abstract class IndexListAttention implements AttentionMethod {

    /** The largest head dimension the flash-decode kernel takes: {@link DecodeAttentionKernels#PAIRS} fp16 pairs. */
    public static final int MAX_HEAD_DIM = 2 * DecodeAttentionKernels.PAIRS;
    /** Task names, before the layer's suffix ({@link LayerArrays#task}). */
    static final String PACK = "pack";
    static final String ATTEND = "attend";
    static final String MERGE = "merge";
    /**
     * Flash-decode splits the lists into chunks of one to {@link #MAX_TILES_PER_CHUNK} tiles, as
     * large as leaves about ATTEND_GROUPS work-groups: fewer than the H100 holds at once (132
     * SMs, 6 groups each), so that there is no second wave, and enough to keep its memory busy.
     * Measured there for every position (dense, da6da58, step µs): 128K, 16 tiles a chunk (2048
     * groups) 205, 42 (784) 208, 64 (512) 195, 96 (344) 202, 128 (256) 222; 112K, 16 tiles 187,
     * 56 (512) 172; 96K, 16 tiles 157, 48 (512) 152; 64K, 16 (1024) 127, 32 (512) 105; 32K, 16
     * (512) 59.5, 24 (344) 59.2, 32 (256) 62.7. For gathered lists, 512 groups against the 2048
     * they had (300bcc4, twice each): SOCKET per head (P = 10) 87.2 → 83.5 at 32K and 222.1 →
     * 220.7 at 128K, per group (P = 8) 98.1 → 95.0 at 128K, the oracle's attend 20.3 → 17.4 at
     * 32K; Quest and the rest unchanged.
     */
    public static final int ATTEND_GROUPS = 512;
    public static final int MAX_TILES_PER_CHUNK = 128;
    private static final int RADIX_SELECT_GROUPS = 512;
    private static final int MAX_RADIX_SELECT_CHUNK = 4096;
    /** The merge gives each lane of its work-groups at most this many chunks, where the device allows. */
    private static final int MERGE_CHUNKS_PER_LANE = 8;

    private final Device device;
    private final Map<Integer, Layer> layers = new HashMap<>();
    private Layer current;
    private StepTiming stepTiming = StepTiming.OFF;
    private int tilesPerChunk;
    private ExecutionResult lastExecution;

    protected IndexListAttention(Device device) {
        if (device == null) {
            throw new IllegalArgumentException("device is null");
        }
        this.device = device;
    }

    public Device device() {
        return device;
    }

    /** With step timing, each step records the device time of its launches (for benchmarks; {@link StepTiming}). */
    public void setStepTiming(StepTiming timing) {
        stepTiming = timing;
    }

    /**
     * Keys per flash-decode chunk in tiles of {@link DecodeAttentionKernels#TILE_KEYS}, from 1 to
     * {@link #MAX_TILES_PER_CHUNK}; 0 (the default) chooses from the list length. For tuning.
     */
    public void setTilesPerChunk(int tiles) {
        if (tiles < 0 || tiles > MAX_TILES_PER_CHUNK) {
            throw new IllegalArgumentException("tiles per chunk must be in [0, " + MAX_TILES_PER_CHUNK + "] (0: automatic), got "
                    + tiles);
        }
        tilesPerChunk = tiles;
    }

    /** The last step's execution: device, wall time, and with step timing each task's part; null before any. */
    public ExecutionResult lastExecution() {
        return lastExecution;
    }

    /**
     * The arrays and step scalars of one layer's graph that a selection uses. The selection
     * fills {@code indices [rows][listStride]} and {@code counts [rows]} (and, for a weighted
     * method, {@code logWeights} laid out like {@code indices}); the arrays have room for
     * {@code rows × capacity} entries.
     *
     * <p>The selection names its tasks {@link #task}{@code (name)} and sets their grids by
     * {@link #id}{@code (name)}: in the method's own graph that is the bare name, in a model's
     * step graph, which holds every layer's tasks, the name with the layer's suffix.
     *
     * @param graph       the name of the graph the tasks are in
     * @param suffix      what follows each task name: empty in the method's own graph, {@code _l} for layer l of a model
     * @param listStride  this step's distance between list rows: the longest list a row can
     *                    get, so that full rows lie packed and read back in one copy
     * @param appendFrom  first cached row not hashed yet
     * @param appendCount rows to hash this step
     * @param visible     keys this step attends over
     */
    protected record LayerArrays(String graph, String suffix, int hq, int hkv, int d, int capacity, int rows,
                                 Scalar listStride, float[] q, short[] k, short[] v, int[] indices, int[] counts,
                                 float[] logWeights, Scalar appendFrom, Scalar appendCount, Scalar visible) {

        /** The name of this layer's task {@code task} in its graph. */
        public String task(String task) {
            return task + suffix;
        }

        /** The id of this layer's task {@code task}, as {@link ExecutionPlan#withGrid} takes it. */
        public String id(String task) {
            return id(graph, task(task));
        }

        /** The id of task {@code task} in a graph named {@code graph}. */
        public static String id(String graph, String task) {
            return graph + "." + task;
        }
    }

    /** One decode step as a selection sees it. */
    protected record Step(int visible, int appendFrom, int appendCount, boolean firstHashing) {
    }

    /**
     * A method's part of one layer's graph. Its tasks are named and their grids set through
     * {@link LayerArrays#task} and {@link LayerArrays#id}, so that one graph can hold a
     * layer's worth per layer.
     */
    protected interface Selection {
        /** Adds, in order, the tasks that hash the appended rows and fill the lists. */
        void addTasks(TaskGraph graph);

        /**
         * Sets this step's scalars and the grids of its tasks; returns the longest list a row
         * can get (at most {@code visible}), which becomes the list stride.
         */
        int prepare(ExecutionPlan plan, Step step);

        /**
         * Whether the list is every visible position (dense): then the selection fills no
         * list, the attention reads none, and the result's lists are made on the host.
         */
        default boolean allPositions() {
            return false;
        }
    }

    /** Index lists per layer: {@code hq} (one per query head), {@code hkv} (one per group) or 1 (one for all). */
    protected abstract int listRows(int hq, int hkv);

    /** Whether the lists carry log weights that the attention adds to the logits. */
    protected boolean weighted() {
        return false;
    }

    protected abstract Selection newSelection(LayerArrays arrays);

    /**
     * Adds layer {@code layer}'s attention to {@code graph}, a model's decode step on this
     * method's device, over the model's own arrays: {@code q} the post-RoPE queries
     * {@code (hq, d)}, {@code cache}'s K and V (which earlier tasks of the graph append to;
     * its length is not read) and {@code out} {@code (hq, d)}. The tasks are named with the
     * suffix {@code _layer}; the layer's list lengths come back after each execution (for
     * {@link GraphLayer#attendedKeys}). Call {@link GraphLayer#prepare} before each execution.
     */
    public GraphLayer addLayer(TaskGraph graph, int layer, float[] q, int hq, LayerCache cache, float[] out) {
        return new GraphLayer(graph, "_" + layer, q, hq, cache, out);
    }

    @Override
    public final void load(int layer, LayerCache cache) {
        if (cache.d() > MAX_HEAD_DIM) {
            throw new IllegalArgumentException("head dimension " + cache.d() + " exceeds " + MAX_HEAD_DIM
                    + ", the largest the flash-decode kernel takes");
        }
        Layer l = layers.get(layer);
        if (l == null || l.cache.k() != cache.k() || l.cache.v() != cache.v() || l.cache.hkv() != cache.hkv()
                || l.cache.d() != cache.d() || l.cache.capacity() != cache.capacity()) {
            if (l != null) {
                l.close();
            }
            l = new Layer(cache);
            layers.put(layer, l);
        } else if (cache.length() < l.hashed) {
            l.restart();
        }
        l.cache = cache;
        current = l;
        if (l.plan != null) {
            l.upload();
        }
    }

    @Override
    public final DecodeResult decode(float[] q, int hq, int visible) {
        Layer l = current;
        if (l == null) {
            throw new IllegalStateException(name() + ": decode before any load");
        }
        LayerCache cache = l.cache;
        if (hq < 1 || hq % cache.hkv() != 0) {
            throw new IllegalArgumentException("query heads " + hq + " must be a positive multiple of the cache's "
                    + cache.hkv() + " key/value heads");
        }
        if (q.length != hq * cache.d()) {
            throw new IllegalArgumentException("q holds " + q.length + " values, not hq*d = " + hq * cache.d());
        }
        if (visible < 1 || visible > cache.length()) {
            throw new IllegalArgumentException("visible tokens " + visible + " outside [1, " + cache.length()
                    + "] (the cached length)");
        }
        if (l.plan == null || l.part.arrays.hq() != hq) {
            l.build(hq);
        }
        l.upload();
        return l.step(q, visible);
    }

    /**
     * The radix select's chunk ({@link SelectKernels#radixSelectPass}) over {@code candidates}
     * per row in {@code rows} rows: whole work-groups, as few as leave about
     * RADIX_SELECT_GROUPS work-groups in all, of at most MAX_RADIX_SELECT_CHUNK candidates.
     * Each pass's groups first read the last histogram, so fewer groups read less; longer chunks
     * cost each group more. Measured on the H100 with SOCKET at P = 8 (select stage, 1024 → 512
     * groups): per group 45.6 → 39.6 µs at 128K, 39.5 → 32.6 at 32K; per head 46.8 → 40.4 at
     * 32K, and 73.4 → 78.3 at 128K, where the cap keeps 1024 groups. Quest's page select takes
     * the same, not measured apart.
     */
    protected static int radixSelectChunk(long candidates, int rows) {
        int local = SelectKernels.GROUP;
        return (int) Math.clamp(roundUp(Math.ceilDiv(candidates * rows, RADIX_SELECT_GROUPS), local), local,
                MAX_RADIX_SELECT_CHUNK);
    }

    /** A grid size: {@code n} rounded up to a multiple of {@code m}, at least {@code m}. */
    protected static long roundUp(long n, int m) {
        return Math.max(1, (n + m - 1) / m) * m;
    }

    @Override
    public void close() {
        for (Layer l : layers.values()) {
            l.close();
        }
        layers.clear();
        current = null;
    }

    /**
     * One layer's tasks in a graph: pack the K and V rows appended since the last step into
     * fp16 pairs, the selection's, attend (flash-decode over the lists) and merge; and each
     * step's scalars and grids. The method's own decode puts one in a graph of its own; a
     * model puts one per layer in its step graph ({@link #addLayer}).
     */
    public final class GraphLayer {
        private final LayerArrays arrays;
        private final Selection selection;
        private final Scalar chunks = Scalar.ofInt(1);
        private final Scalar chunk = Scalar.ofInt(DecodeAttentionKernels.TILE_KEYS);
        private int longest;

        private GraphLayer(TaskGraph graph, String suffix, float[] q, int hq, LayerCache cache, float[] out) {
            int hkv = cache.hkv(), d = cache.d(), capacity = cache.capacity();
            if (d > MAX_HEAD_DIM) {
                throw new IllegalArgumentException("head dimension " + d + " exceeds " + MAX_HEAD_DIM
                        + ", the largest the flash-decode kernel takes");
            }
            if (hq < 1 || hq % hkv != 0) {
                throw new IllegalArgumentException("query heads " + hq + " must be a positive multiple of the cache's "
                        + hkv + " key/value heads");
            }
            if (q.length != hq * d || out.length != hq * d) {
                throw new IllegalArgumentException("q and out must hold hq*d = " + hq * d + " values, not " + q.length
                        + " and " + out.length);
            }
            int rows = listRows(hq, hkv);
            int maxChunks = Math.max(1, Math.ceilDiv(capacity, DecodeAttentionKernels.TILE_KEYS));
            arrays = new LayerArrays(graph.name(), suffix, hq, hkv, d, capacity, rows, Scalar.ofInt(capacity), q,
                    cache.k(), cache.v(), new int[rows * capacity], new int[rows],
                    new float[weighted() ? rows * capacity : 1], Scalar.ofInt(0), Scalar.ofInt(0), Scalar.ofInt(0));
            float[] partialMax = new float[hq * maxChunks];
            float[] partialSum = new float[hq * maxChunks];
            float[] partialAcc = new float[hq * maxChunks * d];
            // K and V as words of two fp16, [hkv][capacity][rowInts(d)]: device only, packed as rows arrive
            int[] kPairs = new int[hkv * capacity * DecodeAttentionKernels.rowInts(d)];
            int[] vPairs = new int[hkv * capacity * DecodeAttentionKernels.rowInts(d)];
            selection = newSelection(arrays);

            graph.task(arrays.task(PACK), KernelSpec.lookup(DecodeAttentionKernels.class, "packHalfPairs"), cache.k(),
                    cache.v(), kPairs, vPairs, hkv, capacity, d, arrays.appendFrom(), arrays.appendCount());
            selection.addTasks(graph);
            boolean all = selection.allPositions();
            graph.task(arrays.task(ATTEND), KernelSpec.lookup(DecodeAttentionKernels.class, "decodeGroupOverIndexList"),
                            q, kPairs, vPairs, arrays.indices(), arrays.counts(), arrays.logWeights(), partialMax,
                            partialSum, partialAcc, hq, hkv, d, capacity, arrays.listStride(), hq / rows, chunks, chunk,
                            weighted() ? 1 : 0, all ? 1 : 0)
                    .task(arrays.task(MERGE), KernelSpec.lookup(DecodeAttentionKernels.class, "mergeChunkPartials"),
                            partialMax, partialSum, partialAcc, out, hq, d, chunks);
            if (!all) {
                graph.transferToHost(DataTransferMode.EVERY_EXECUTION, arrays.counts());
            }
        }

        /**
         * Sets the next execution's scalars and grids: a step over the first {@code visible}
         * cached rows, of which rows {@code [appendFrom, appendFrom + appendCount)} are new
         * since the last (this execution packs and hashes them; from row 0, it starts over).
         * Returns the longest list a row can get.
         */
        public int prepare(ExecutionPlan plan, int visible, int appendFrom, int appendCount) {
            Step step = new Step(visible, appendFrom, appendCount, appendFrom == 0);
            arrays.appendFrom().set(appendFrom);
            arrays.appendCount().set(appendCount);
            arrays.visible().set(visible);
            longest = selection.prepare(plan, step);
            arrays.listStride().set(longest);

            int hq = arrays.hq();
            int tile = DecodeAttentionKernels.TILE_KEYS;
            int blocks = DecodeAttentionKernels.headBlocks(hq, arrays.hkv(), hq / arrays.rows());
            int tiles = tilesPerChunk > 0 ? tilesPerChunk
                    : (int) Math.clamp((long) longest * blocks / ((long) ATTEND_GROUPS * tile), 1, MAX_TILES_PER_CHUNK);
            int n = Math.max(1, Math.ceilDiv(longest, tiles * tile));
            chunk.set(tiles * tile);
            chunks.set(n);
            // the merge: a lane of work-items per (up to) MERGE_CHUNKS_PER_LANE chunks
            int channels = DecodeAttentionKernels.MERGE_CHANNELS;
            int maxLanes = Math.min(DecodeAttentionKernels.MERGE_GROUP, device.maxWorkGroupSize()) / channels;
            int mergeLocal = Math.clamp(Math.ceilDiv(n, MERGE_CHUNKS_PER_LANE), 1, maxLanes) * channels;
            long words = (long) appendCount * DecodeAttentionKernels.rowInts(arrays.d());
            plan.withGrid(arrays.id(PACK), Grid.of(roundUp(words, 256), arrays.hkv(), 256, 1))
                    .withSkipped(arrays.id(PACK), appendCount == 0)
                    .withGrid(arrays.id(ATTEND), Grid.of((long) n * DecodeAttentionKernels.GROUP_SIZE, blocks,
                            DecodeAttentionKernels.GROUP_SIZE, 1))
                    .withGrid(arrays.id(MERGE), Grid.of((long) Math.ceilDiv(arrays.d(), channels) * mergeLocal, hq,
                            mergeLocal, 1));
            return longest;
        }

        /** Whether every query head attends every visible key (dense): no lists. */
        public boolean allPositions() {
            return selection.allPositions();
        }

        /** Keys the last execution attended, summed over the query heads (a shared list counts for each head). */
        public long attendedKeys() {
            int hq = arrays.hq();
            if (selection.allPositions()) {
                return (long) hq * longest;
            }
            long sum = 0;
            for (int count : arrays.counts()) {
                sum += count;
            }
            return sum * (hq / arrays.rows());
        }
    }

    /** One layer of the method's own decode: its graph, plan and device state. */
    private final class Layer implements AutoCloseable {
        LayerCache cache;
        GraphLayer part;
        ExecutionPlan plan;
        float[] q;
        float[] out;
        /** Rows of K and V on the device, and rows hashed there. */
        int uploaded;
        int hashed;

        Layer(LayerCache cache) {
            this.cache = cache;
        }

        void build(int hq) {
            close();
            q = new float[hq * cache.d()];
            out = new float[hq * cache.d()];
            TaskGraph graph = new TaskGraph(name()).transferToDevice(DataTransferMode.EVERY_EXECUTION, q);
            part = new GraphLayer(graph, "", q, hq, cache, out);
            graph.transferToHost(DataTransferMode.EVERY_EXECUTION, out);
            if (!part.allPositions()) {
                graph.transferToHost(DataTransferMode.UNDER_DEMAND, part.arrays.indices());
            }
            plan = new ExecutionPlan(device, graph.snapshot());
            uploaded = 0;
            hashed = 0;
        }

        /** Forgets what the device holds: the next step uploads and hashes every row again. */
        void restart() {
            uploaded = 0;
            hashed = 0;
        }

        /** Copies the rows cached since the last upload, head by head. */
        void upload() {
            int length = cache.length();
            if (length > uploaded) {
                int d = cache.d();
                for (int h = 0; h < cache.hkv(); h++) {
                    int from = (h * cache.capacity() + uploaded) * d;
                    plan.write(cache.k(), from, (length - uploaded) * d);
                    plan.write(cache.v(), from, (length - uploaded) * d);
                }
                uploaded = length;
            }
        }

        DecodeResult step(float[] query, int visible) {
            int length = cache.length();
            System.arraycopy(query, 0, q, 0, query.length);
            int longest = part.prepare(plan, visible, hashed, length - hashed);
            lastExecution = plan.withStepTiming(stepTiming).execute();
            hashed = length;

            LayerArrays arrays = part.arrays;
            int hq = arrays.hq();
            int[][] selected = new int[hq][];
            if (part.allPositions()) {
                int[] all = IntStream.range(0, longest).toArray();
                Arrays.fill(selected, all);
                return new DecodeResult(selected, out.clone());
            }
            // full rows lie packed: one copy; otherwise a copy per row
            int rows = arrays.rows();
            int[] counts = arrays.counts();
            int[] indices = arrays.indices();
            boolean full = Arrays.stream(counts).allMatch(c -> c == longest);
            if (full) {
                plan.read(indices, 0, rows * longest);
            }
            int[][] lists = new int[rows][];
            for (int r = 0; r < rows; r++) {
                if (!full) {
                    plan.read(indices, r * longest, counts[r]);
                }
                lists[r] = Arrays.copyOfRange(indices, r * longest, r * longest + counts[r]);
            }
            for (int h = 0; h < hq; h++) {
                selected[h] = lists[h / (hq / rows)];
            }
            return new DecodeResult(selected, out.clone());
        }

        @Override
        public void close() {
            if (plan != null) {
                plan.close();
                plan = null;
            }
        }
    }
}
