package sparse.engine.attention.streaming;

import sparse.engine.attention.Budget;
import sparse.engine.attention.dense.IndexListAttention;
import sparse.engine.backend.Device;
import sparse.engine.backend.Grid;
import sparse.engine.graph.ExecutionPlan;
import sparse.engine.graph.Scalar;
import sparse.engine.graph.TaskGraph;
import sparse.tasks.kernels.select.SelectKernels;
import sparse.tasks.lang.KernelSpec;

/**
 * StreamingLLM (ALGORITHMS.md §3): the attention sink and a local window, one list for all
 * heads. Graph per layer: {@code list}, {@code attend}, {@code merge}.
 */
public final class StreamingAttention extends IndexListAttention {
    static final String LIST = "list";

    private final StreamingOptions options;

    public StreamingAttention(Device device, StreamingOptions options) {
        super(device);
        if (options == null) {
            throw new IllegalArgumentException("options are null");
        }
        this.options = options;
    }

    @Override
    public String name() {
        return "streaming";
    }

    @Override
    protected int listRows(int hq, int hkv) {
        return 1;
    }

    /** This step's sink and window: the budget's window lengthened by its heavy part. */
    public static Budget sinkAndWindow(StreamingOptions options, int visible) {
        Budget b = options.budget().resolve(visible);
        return new Budget(b.sink(), b.window() + b.heavy(), 0);
    }

    @Override
    protected Selection newSelection(LayerArrays a) {
        Scalar sink = Scalar.ofInt(0);
        Scalar window = Scalar.ofInt(0);
        return new Selection() {
            @Override
            public void addTasks(TaskGraph graph) {
                graph.task(a.task(LIST), KernelSpec.lookup(SelectKernels.class, "sinkAndWindow"),
                        a.indices(), a.counts(), 1, a.listStride(), a.visible(), sink, window);
            }

            @Override
            public int prepare(ExecutionPlan plan, Step step) {
                Budget b = sinkAndWindow(options, step.visible());
                sink.set(b.sink());
                window.set(b.window());
                plan.withGrid(a.id(LIST), Grid.of(roundUp(b.total(), 256), 1, 256, 1));
                return b.total();
            }
        };
    }
}
