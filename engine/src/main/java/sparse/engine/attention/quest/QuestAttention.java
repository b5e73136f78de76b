package sparse.engine.attention.quest;

import sparse.engine.attention.dense.IndexListAttention;
import sparse.engine.backend.Device;
import sparse.engine.backend.Grid;
import sparse.engine.graph.DataTransferMode;
import sparse.engine.graph.ExecutionPlan;
import sparse.engine.graph.Scalar;
import sparse.engine.graph.TaskGraph;
import sparse.tasks.kernels.pages.PageKernels;
import sparse.tasks.kernels.select.SelectKernels;
import sparse.tasks.lang.KernelSpec;

/**
 * Quest (ALGORITHMS.md §3): per page of keys the per-channel minimum and maximum (updated for
 * the pages that changed), per query head the page scores {@code Σ_d max(q_d·kmin_d,
 * q_d·kmax_d)}, and each query head attends the keys of its top {@link QuestOptions#pagesKept}
 * pages, whole (the newest always among them, with {@link QuestOptions#keepLastPage}).
 *
 * <p>Graph per layer: {@code bounds}, {@code scores}, {@code select0} to {@code select3} and
 * {@code select} (the radix select over many work-groups, here over page scores: ties go to
 * the lower page), {@code list} (the kept pages' key positions), then the shared
 * {@code attend}, {@code merge}.
 */
public final class QuestAttention extends IndexListAttention {
    static final String BOUNDS = "bounds";
    static final String SCORES = "scores";
    /** The select's passes are SELECT + pass ({@code select0}...), its last launch SELECT. */
    static final String SELECT = "select";
    static final String LIST = "list";
    /** Work-items per group of the scores, along the pages. */
    private static final int SCORE_GROUP = 256;

    private final QuestOptions options;

    public QuestAttention(Device device, QuestOptions options) {
        super(device);
        if (options == null) {
            throw new IllegalArgumentException("options are null");
        }
        this.options = options;
    }

    @Override
    public String name() {
        return "quest";
    }

    public QuestOptions options() {
        return options;
    }

    @Override
    protected int listRows(int hq, int hkv) {
        return hq;
    }

    @Override
    protected Selection newSelection(LayerArrays a) {
        return new QuestSelection(a);
    }

    private final class QuestSelection implements Selection {
        final LayerArrays a;
        final int capPages;
        /** [hkv][d][capPages]: each page's per-channel minimum and maximum key. */
        final float[] kmin;
        final float[] kmax;
        /** [hq][pages]: this step's page scores, rows {@code pages} apart. */
        final float[] scores;
        /** [hq][capPages]: each head's kept pages, ascending, and their number. */
        final int[] pageLists;
        final int[] pageCounts;
        /** The radix select's histograms, state and per-chunk counts (SelectKernels.radixSelectPass). */
        final int[] histograms;
        final int[] selectState;
        final int[] chunkCounts;
        final Scalar firstPage = Scalar.ofInt(0);
        final Scalar boundPages = Scalar.ofInt(1);
        final Scalar pages = Scalar.ofInt(1);
        final Scalar keep = Scalar.ofInt(1);
        final Scalar selectChunk = Scalar.ofInt(SelectKernels.GROUP);
        final Scalar selectChunks = Scalar.ofInt(1);
        /** Tokens the page bounds cover: the last step's visible keys. */
        int bounded;

        QuestSelection(LayerArrays a) {
            this.a = a;
            capPages = Math.ceilDiv(a.capacity(), options.pageSize());
            kmin = new float[a.hkv() * capPages * a.d()];
            kmax = new float[a.hkv() * capPages * a.d()];
            scores = new float[a.hq() * capPages];
            pageLists = new int[a.hq() * capPages];
            pageCounts = new int[a.hq()];
            histograms = new int[a.hq() * SelectKernels.RADIX_DIGITS * SelectKernels.BINS];
            selectState = new int[a.hq() * SelectKernels.STATE_PER_ROW];
            chunkCounts = new int[a.hq() * Math.ceilDiv(Math.max(1, capPages), SelectKernels.GROUP) * 2];
        }

        @Override
        public void addTasks(TaskGraph graph) {
            int hq = a.hq(), hkv = a.hkv(), d = a.d(), page = options.pageSize();
            // the histograms start at zero; the select leaves them so for the next step
            graph.transferToDevice(DataTransferMode.FIRST_EXECUTION, histograms);
            graph.task(a.task(BOUNDS), PageKernels::pageBounds, a.k(), a.capacity() * d, hkv, a.visible(), d, page,
                            firstPage, boundPages, kmin, kmax, capPages)
                    .task(a.task(SCORES), PageKernels::pageScores, a.q(), hq, hkv, d, kmin, kmax, capPages, pages,
                            options.keepLastPage() ? 1 : 0, scores);
            // the top `keep` pages of each head, as the token selectors' top-M with no sink or window
            for (int pass = 0; pass <= SelectKernels.RADIX_DIGITS; pass++) {
                graph.task(a.task(SELECT + pass), KernelSpec.lookup(SelectKernels.class, "radixSelectPass"), scores,
                        histograms, selectState, chunkCounts, pages, pages, 0, 0, keep, selectChunk, selectChunks, pass);
            }
            graph.task(a.task(SELECT), KernelSpec.lookup(SelectKernels.class, "radixScatter"), scores, pageLists,
                            pageCounts, histograms, selectState, chunkCounts, pages, capPages, pages, 0, 0, keep,
                            selectChunk, selectChunks)
                    .task(a.task(LIST), PageKernels::pagePositions, pageLists, capPages, keep, page, a.visible(), hq,
                            a.indices(), a.counts(), a.listStride());
        }

        @Override
        public int prepare(ExecutionPlan plan, Step step) {
            int visible = step.visible(), page = options.pageSize(), hq = a.hq();
            int pageTotal = Math.ceilDiv(visible, page);
            // bounds again from the page of the first token that changed: past the last bounds,
            // appended, or (a shorter step) now cut
            int changed = Math.min(Math.min(bounded, step.appendFrom()), visible);
            int first = Math.min(changed / page, pageTotal - 1);
            int kept = options.pagesKept(visible);
            bounded = visible;
            firstPage.set(first);
            boundPages.set(pageTotal - first);
            pages.set(pageTotal);
            keep.set(kept);
            plan.withGrid(a.id(BOUNDS), Grid.of(roundUp((long) a.hkv() * (pageTotal - first), 16),
                    roundUp(a.d(), 16), 16, 16))
                    .withGrid(a.id(SCORES), Grid.of(roundUp(pageTotal, SCORE_GROUP), hq, SCORE_GROUP, 1));
            // the select: chunks of whole work-groups of pages, enough of them to fill a large GPU
            int local = SelectKernels.GROUP;
            int chunk = radixSelectChunk(pageTotal, hq);
            int chunks = SelectKernels.radixChunks(pageTotal, 0, 0, chunk);
            selectChunk.set(chunk);
            selectChunks.set(chunks);
            Grid select = Grid.of((long) chunks * local, hq, local, 1);
            for (int pass = 0; pass <= SelectKernels.RADIX_DIGITS; pass++) {
                plan.withGrid(a.id(SELECT + pass), select);
            }
            plan.withGrid(a.id(SELECT), select)
                    .withGrid(a.id(LIST), Grid.of(roundUp((long) kept * page, 256), hq, 256, 1));
            // the newest page, partial or not, is in every list when it is always kept
            int newest = visible - (pageTotal - 1) * page;
            return options.keepLastPage() ? (kept - 1) * page + newest : (int) Math.min((long) kept * page, visible);
        }
    }
}
