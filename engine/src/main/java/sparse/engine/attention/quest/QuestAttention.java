package sparse.engine.attention.quest;

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
import sparse.engine.graph.StepTiming;
import sparse.engine.graph.TaskGraph;
import sparse.tasks.kernels.blocksparse.BlockSparseKernels;
import sparse.tasks.kernels.pages.PageKernels;
import sparse.tasks.lang.KernelSpec;

/**
 * Quest decode (ALGORITHMS.md §3), one task graph per layer on the given device: per page of
 * keys the per-channel minimum and maximum (updated for the pages that changed), per query
 * head the page scores {@code Σ_d max(q_d·kmin_d, q_d·kmax_d)}, the top
 * {@link QuestOptions#pagesKept} pages, and a block-sparse flash-decode over them. Each query
 * head selects its own pages. One instance serves one sequence.
 */
public final class QuestAttention implements AttentionMethod {
    /** Kept pages per flash-decode chunk (256 keys at pages of 16). */
    static final int CHUNK_PAGES = 16;
    /** Work-items per group of the attention kernel. */
    private static final int GROUP = 128;

    private final Device device;
    private final QuestOptions options;
    private final LayerPlans<LayerState> layers = new LayerPlans<>(LayerState::new);
    private StepTiming stepTiming = StepTiming.OFF;
    private ExecutionResult lastExecution;

    public QuestAttention(Device device, QuestOptions options) {
        this.device = device;
        this.options = options;
    }

    @Override
    public String name() {
        return "quest";
    }

    public QuestOptions options() {
        return options;
    }

    /** With step timing, each step records the device time of its launches (for benchmarks; {@link StepTiming}). */
    public void setStepTiming(StepTiming timing) {
        stepTiming = timing;
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

    /** One layer's device state: its graph, the buffers' host twins and what is up to date. */
    private final class LayerState extends LayerPlan {
        int hq;
        int capPages;
        int synced;         // tokens of k and v on the device
        int bounded;        // tokens covered by the page bounds
        float[] q;
        float[] out;
        int[] list;
        final Scalar visible = Scalar.ofInt(1);
        final Scalar firstPage = Scalar.ofInt(0);
        final Scalar pageCount = Scalar.ofInt(1);
        final Scalar pages = Scalar.ofInt(1);
        final Scalar keep = Scalar.ofInt(1);
        final Scalar chunks = Scalar.ofInt(1);

        LayerState(int layer) {
            super(layer);
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
            int page = options.pageSize();
            int pageTotal = (visibleTokens + page - 1) / page;
            int first = Math.min(Math.min(bounded, visibleTokens) / page, pageTotal - 1);
            int kept = options.pagesKept(visibleTokens);
            int chunkCount = (kept + CHUNK_PAGES - 1) / CHUNK_PAGES;
            bounded = visibleTokens;
            visible.set(visibleTokens);
            firstPage.set(first);
            pageCount.set(pageTotal - first);
            pages.set(pageTotal);
            keep.set(kept);
            chunks.set(chunkCount);
            int local = Math.min(GROUP, device.maxWorkGroupSize());
            plan.withGrid(taskId("bounds"), Grid.of(roundUp((long) cache.hkv() * (pageTotal - first), 16),
                    roundUp(d, 16), 16, 16));
            plan.withGrid(taskId("attend"), Grid.of((long) hq * chunkCount * local, local));
            System.arraycopy(query, 0, q, 0, q.length);
            lastExecution = plan.withStepTiming(stepTiming).execute();
            // lists are packed: head h's kept pages at [h*kept, (h+1)*kept)
            plan.read(list, 0, hq * kept);
            int[][] selected = new int[hq][];
            for (int h = 0; h < hq; h++) {
                selected[h] = positions(list, h * kept, kept, page, visibleTokens);
            }
            return new DecodeResult(selected, out.clone());
        }

        private void build(int queryHeads) {
            closePlan();
            hq = queryHeads;
            int d = cache.d();
            int hkv = cache.hkv();
            int page = options.pageSize();
            capPages = (cache.capacity() + page - 1) / page;
            int maxChunks = (capPages + CHUNK_PAGES - 1) / CHUNK_PAGES;
            q = new float[hq * d];
            out = new float[hq * d];
            list = new int[hq * capPages];
            int[] spans = new int[2 * hq];
            float[] kmin = new float[hkv * capPages * d];
            float[] kmax = new float[hkv * capPages * d];
            float[] scores = new float[hq * capPages];
            float[] partialAcc = new float[hq * maxChunks * d];
            float[] partialStats = new float[hq * maxChunks * 2];
            TaskGraph g = new TaskGraph(graphName())
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, q)
                    .task("bounds", PageKernels::pageBounds, cache.k(), cache.capacity() * d, hkv, visible, d, page,
                            firstPage, pageCount, kmin, kmax, capPages * d)
                    .task("scores", PageKernels::pageScores, q, hq, hkv, d, kmin, kmax, capPages * d, pages,
                            options.keepLastPage() ? 1 : 0, scores)
                    // list stride = keep: the lists come back in one read
                    .task("top", PageKernels::topPages, scores, pages, keep, list, keep, spans)
                    .task("attend", KernelSpec.lookup(BlockSparseKernels.class, "decodePartial"), q, cache.k(),
                            cache.v(), cache.capacity() * d, list, spans, hq, hkv, d, page, visible, CHUNK_PAGES,
                            chunks, (float) (1 / Math.sqrt(d)), partialAcc, partialStats)
                    .task("merge", BlockSparseKernels::decodeMerge, partialAcc, partialStats, spans, CHUNK_PAGES, hq, d,
                            chunks, out)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, out)
                    .transferToHost(DataTransferMode.UNDER_DEMAND, list);
            plan = new ExecutionPlan(device, g.snapshot());
            int small = Math.min(PageKernels.MAX_GROUP, device.maxWorkGroupSize());
            plan.withGrid(taskId("top"), Grid.of((long) hq * small, small));
            synced = 0;
            bounded = 0;
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
            return "questDecode" + layer;
        }

        private String taskId(String task) {
            return graphName() + "." + task;
        }

    }

    /** The key positions of {@code count} pages listed from {@code from}, cut at {@code visible}. */
    private static int[] positions(int[] pageList, int from, int count, int page, int visible) {
        int n = 0;
        for (int i = 0; i < count; i++) {
            n += Math.min(page, visible - pageList[from + i] * page);
        }
        int[] out = new int[n];
        int at = 0;
        for (int i = 0; i < count; i++) {
            int p = pageList[from + i];
            for (int t = p * page; t < Math.min(p * page + page, visible); t++) {
                out[at++] = t;
            }
        }
        return out;
    }

    private static long roundUp(long n, int multiple) {
        return Math.max(1, (n + multiple - 1) / multiple) * multiple;
    }
}
