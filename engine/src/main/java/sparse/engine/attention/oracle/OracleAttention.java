package sparse.engine.attention.oracle;

import sparse.engine.attention.Budget;
import sparse.engine.attention.dense.IndexListAttention;
import sparse.engine.backend.Device;
import sparse.engine.backend.Grid;
import sparse.engine.graph.ExecutionPlan;
import sparse.engine.graph.Scalar;
import sparse.engine.graph.TaskGraph;
import sparse.tasks.kernels.score.ScoreKernels;
import sparse.tasks.kernels.select.SelectKernels;
import sparse.tasks.lang.KernelSpec;

/**
 * Oracle top-k (ALGORITHMS.md §3): each query head attends its sink, window and the M keys of
 * largest exact logit {@code q·k/√d} among the rest. The upper bound for any token selector
 * at the same budget. Graph per layer: {@code scores}, {@code select}, {@code attend}, {@code merge}.
 */
public final class OracleAttention extends IndexListAttention {
    static final String SCORES = "scores";
    static final String SELECT = "select";

    private final OracleOptions options;

    public OracleAttention(Device device, OracleOptions options) {
        super(device);
        if (options == null) {
            throw new IllegalArgumentException("options are null");
        }
        this.options = options;
    }

    @Override
    public String name() {
        return "oracle";
    }

    @Override
    protected int listRows(int hq, int hkv) {
        return hq;
    }

    @Override
    protected Selection newSelection(LayerArrays a) {
        float[] scores = new float[a.hq() * a.capacity()];
        Scalar sink = Scalar.ofInt(0);
        Scalar window = Scalar.ofInt(0);
        Scalar heavy = Scalar.ofInt(0);
        return new Selection() {
            @Override
            public void addTasks(TaskGraph graph) {
                graph.task(a.task(SCORES), KernelSpec.lookup(ScoreKernels.class, "exactScores"),
                                a.q(), a.k(), scores, a.hq(), a.hkv(), a.d(), a.capacity(), a.visible())
                        .task(a.task(SELECT), KernelSpec.lookup(SelectKernels.class, "selectTopM"),
                                scores, a.indices(), a.counts(), a.capacity(), a.listStride(), a.visible(), sink, window,
                                heavy);
            }

            @Override
            public int prepare(ExecutionPlan plan, Step step) {
                Budget b = options.budget().resolve(step.visible());
                sink.set(b.sink());
                window.set(b.window());
                heavy.set(b.heavy());
                plan.withGrid(a.id(SCORES), Grid.of(roundUp(step.visible(), 128), a.hq(), 128, 1))
                        .withGrid(a.id(SELECT),
                                Grid.of((long) a.rows() * SelectKernels.GROUP, SelectKernels.GROUP));
                return b.total();
            }
        };
    }
}
