package sparse.engine.attention.socket;

import sparse.engine.attention.Budget;
import sparse.engine.attention.dense.IndexListAttention;
import sparse.engine.backend.Device;
import sparse.engine.backend.Grid;
import sparse.engine.graph.DataTransferMode;
import sparse.engine.graph.ExecutionPlan;
import sparse.engine.graph.Scalar;
import sparse.engine.graph.TaskGraph;
import sparse.tasks.kernels.hash.Hyperplanes;
import sparse.tasks.kernels.hash.SocketHashKernels;
import sparse.tasks.kernels.score.ScoreKernels;
import sparse.tasks.kernels.select.SelectKernels;
import sparse.tasks.lang.KernelSpec;

/**
 * SOCKET (ALGORITHMS.md §1): keys get hard LSH codes and value norms as they are cached; each
 * step the query's bucket probabilities (a table per list row and hash table, built from the
 * product form) score every key by soft collision, and each query head attends its sink,
 * window and top-M keys.
 *
 * <p>Graph per layer: {@code codes}, {@code norms} (rows appended since the last step; skipped
 * when none were), {@code tables} (per query head, or summed over the group for a shared list),
 * {@code scores}, {@code select0} to {@code select3} and {@code select} (a radix select over
 * many work-groups), then the shared {@code attend}, {@code merge}.
 */
public final class SocketAttention extends IndexListAttention {
    static final String CODES = "codes";
    static final String NORMS = "norms";
    static final String TABLES = "tables";
    static final String SCORES = "scores";
    /** The select's passes are SELECT + pass ({@code select0}...), its last launch SELECT. */
    static final String SELECT = "select";
    /**
     * The scores spread each row over work-groups to leave about this many in all (twice as many
     * for split tables: at P = 10 per head on the H100, 2048 groups took 139 µs at 128K against
     * 157 with 1024; the local-memory kernel measured no faster with more)...
     */
    private static final int SCORE_GROUPS = 1024;
    private static final int SPLIT_SCORE_GROUPS = 2048;
    /**
     * ...each of at least this many code words per work-item (both kernels take two at a time,
     * the split-table one for two heads). More groups keep more loads in flight, which measured
     * faster at P = 10 on the H100 than fewer groups staging the tables fewer times.
     */
    private static final int MIN_WORDS_PER_ITEM = 2;

    private final SocketOptions options;
    /** [tables][bits][d] per head dimension, shared by every layer. */
    private float[] planes;

    public SocketAttention(Device device, SocketOptions options) {
        super(device);
        if (options == null) {
            throw new IllegalArgumentException("options are null");
        }
        this.options = options;
    }

    public SocketOptions options() {
        return options;
    }

    @Override
    public String name() {
        return "socket";
    }

    @Override
    protected int listRows(int hq, int hkv) {
        return options.sharedPerGroup() ? hkv : hq;
    }

    @Override
    protected Selection newSelection(LayerArrays a) {
        int bits = options.bits(), tables = options.tables();
        if (planes == null || planes.length != tables * bits * a.d()) {
            planes = Hyperplanes.gaussian(options.seed(), tables, bits, a.d());
        }
        return new SocketSelection(a, planes);
    }

    private final class SocketSelection implements Selection {
        final LayerArrays a;
        final float[] planes;
        /** [hkv][tables][words]: codes packed four or two to a word (SocketHashKernels). */
        final int[] codes;
        /** [hkv][capacity], or one unused element with value norms off. */
        final float[] norms;
        /**
         * [rows][tables][2^bits]: this step's bucket probabilities, summed over each row's query
         * heads; or, split, [hq][tables][SPLIT_ENTRIES]: each head's tables as two halves.
         */
        final float[] bucketTables;
        /**
         * Per-head lists of at most 10 bits score through split tables (ScoreKernels.splitTableScores)
         * where shuffles are register exchanges. Elsewhere each shuffle is two barriers and the
         * local-memory tables are faster: PoCL, 32K, P = 8, score stage 40 ms with them, 105 with shuffles.
         */
        final boolean split;
        /** [rows][capacity]: per query head, or per group (summed over its heads) with shared lists. */
        final float[] scores;
        /** The radix select's histograms, state and per-chunk counts (SelectKernels.radixSelectPass). */
        final int[] histograms;
        final int[] selectState;
        final int[] chunkCounts;
        final Scalar sink = Scalar.ofInt(0);
        final Scalar window = Scalar.ofInt(0);
        final Scalar heavy = Scalar.ofInt(0);
        final Scalar selectChunk = Scalar.ofInt(SelectKernels.GROUP);
        final Scalar selectChunks = Scalar.ofInt(1);
        final Scalar wordsPerGroup = Scalar.ofInt(1);

        SocketSelection(LayerArrays a, float[] planes) {
            this.a = a;
            this.planes = planes;
            int bits = options.bits(), tables = options.tables();
            if (a.hq() / a.rows() * bits > SocketHashKernels.MAX_ROW_BITS) {
                throw new IllegalArgumentException("a list shared by " + a.hq() / a.rows() + " query heads at " + bits
                        + " bits per table needs " + a.hq() / a.rows() * bits + " projections per table on chip; at most "
                        + SocketHashKernels.MAX_ROW_BITS);
            }
            codes = new int[a.hkv() * tables * SocketHashKernels.wordsPerRow(a.capacity(), bits)];
            norms = new float[options.valueNorms() ? a.hkv() * a.capacity() : 1];
            split = a.rows() == a.hq() && bits <= SocketHashKernels.MAX_SPLIT_BITS
                    && device().registerShuffles();
            bucketTables = new float[Math.multiplyExact(a.rows() * tables,
                    split ? SocketHashKernels.SPLIT_ENTRIES : 1 << bits)];
            scores = new float[a.rows() * a.capacity()];
            histograms = new int[a.rows() * SelectKernels.RADIX_DIGITS * SelectKernels.BINS];
            selectState = new int[a.rows() * SelectKernels.STATE_PER_ROW];
            chunkCounts = new int[a.rows() * Math.ceilDiv(Math.max(1, a.capacity()), SelectKernels.GROUP) * 2];
        }

        @Override
        public void addTasks(TaskGraph graph) {
            int bits = options.bits(), tables = options.tables();
            int hq = a.hq(), hkv = a.hkv(), d = a.d(), capacity = a.capacity();
            float scale = (float) (2 / (Math.sqrt(d) * options.tau()));
            // the histograms start at zero; the select leaves them so for the next step
            graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, planes, histograms);
            graph.task(a.task(CODES), kernel(SocketHashKernels.class, "keyCodes"),
                    a.k(), planes, codes, hkv, capacity, d, tables, bits, a.appendFrom(), a.appendCount());
            if (options.valueNorms()) {
                graph.task(a.task(NORMS), kernel(SocketHashKernels.class, "valueNorms"),
                        a.v(), norms, hkv, capacity, d, a.appendFrom(), a.appendCount());
            }
            graph.task(a.task(TABLES), kernel(SocketHashKernels.class, "bucketTables"), a.q(), planes, bucketTables, hq,
                            a.rows(), d, tables, bits, scale, split ? 1 : 0)
                    .task(a.task(SCORES), kernel(ScoreKernels.class, split ? "splitTableScores" : "softCollisionScores"),
                            codes, norms, bucketTables,
                            scores, a.rows(), hkv, capacity, a.visible(), tables, bits, options.valueNorms() ? 1 : 0,
                            wordsPerGroup);
            for (int pass = 0; pass <= SelectKernels.RADIX_DIGITS; pass++) {
                graph.task(a.task(SELECT + pass), kernel(SelectKernels.class, "radixSelectPass"), scores, histograms,
                        selectState, chunkCounts, capacity, a.visible(), sink, window, heavy, selectChunk, selectChunks,
                        pass);
            }
            graph.task(a.task(SELECT), kernel(SelectKernels.class, "radixScatter"), scores, a.indices(), a.counts(),
                    histograms, selectState, chunkCounts, capacity, a.listStride(), a.visible(), sink, window, heavy,
                    selectChunk, selectChunks);
        }

        @Override
        public int prepare(ExecutionPlan plan, Step step) {
            Budget b = options.budget().resolve(step.visible());
            sink.set(b.sink());
            window.set(b.window());
            heavy.set(b.heavy());
            int bits = options.bits(), tables = options.tables();
            int hq = a.hq(), hkv = a.hkv();
            int perWord = SocketHashKernels.codesPerWord(bits);
            long appendWords = Math.ceilDiv(step.appendFrom() + step.appendCount(), perWord) - step.appendFrom() / perWord;
            plan.withGrid(a.id(CODES), Grid.of(roundUp(appendWords, 64), (long) hkv * tables, 64, 1))
                    .withSkipped(a.id(CODES), step.appendCount() == 0);
            if (options.valueNorms()) {
                plan.withGrid(a.id(NORMS), Grid.of(roundUp(step.appendCount(), 64), hkv, 64, 1))
                        .withSkipped(a.id(NORMS), step.appendCount() == 0);
            }
            int words = Math.ceilDiv(step.visible(), perWord);
            int local = ScoreKernels.SOFT_GROUP;
            int scoreGroups = split ? SPLIT_SCORE_GROUPS : SCORE_GROUPS;
            int scoreRows = split ? ScoreKernels.splitScoreRows(a.rows(), hkv) : a.rows();
            int groupsPerRow = (int) Math.clamp(Math.min(Math.ceilDiv(scoreGroups, scoreRows),
                    Math.ceilDiv(words, (long) local * MIN_WORDS_PER_ITEM)), 1, Integer.MAX_VALUE);
            wordsPerGroup.set(Math.ceilDiv(words, groupsPerRow));
            plan.withGrid(a.id(TABLES), Grid.of((long) a.rows() * tables * SocketHashKernels.TABLE_GROUP,
                            SocketHashKernels.TABLE_GROUP))
                    .withGrid(a.id(SCORES), Grid.of((long) groupsPerRow * local, scoreRows, local, 1));
            // the select: chunks of whole work-groups of candidates, enough of them to fill a large GPU
            int chunk = radixSelectChunk(step.visible() - b.sink() - b.window(), a.rows());
            local = SelectKernels.GROUP;
            int chunks = SelectKernels.radixChunks(step.visible(), b.sink(), b.window(), chunk);
            selectChunk.set(chunk);
            selectChunks.set(chunks);
            Grid select = Grid.of((long) chunks * local, a.rows(), local, 1);
            for (int pass = 0; pass <= SelectKernels.RADIX_DIGITS; pass++) {
                plan.withGrid(a.id(SELECT + pass), select);
            }
            plan.withGrid(a.id(SELECT), select);
            return b.total();
        }
    }

    static KernelSpec kernel(Class<?> kernels, String name) {
        return KernelSpec.lookup(kernels, name);
    }
}
