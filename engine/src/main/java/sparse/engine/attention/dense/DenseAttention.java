package sparse.engine.attention.dense;

import sparse.engine.backend.Device;
import sparse.engine.backend.Grid;
import sparse.engine.graph.ExecutionPlan;
import sparse.engine.graph.TaskGraph;
import sparse.tasks.kernels.select.SelectKernels;
import sparse.tasks.lang.KernelSpec;

/**
 * Dense decode attention: flash-decode over every visible position, one list shared by all
 * heads. The reference every other method is measured against.
 */
public final class DenseAttention extends IndexListAttention {
    static final String LIST = "list";

    public DenseAttention(Device device) {
        super(device);
    }

    @Override
    public String name() {
        return "dense";
    }

    @Override
    protected int listRows(int hq, int hkv) {
        return 1;
    }

    @Override
    protected Selection newSelection(LayerArrays a) {
        return new Selection() {
            @Override
            public void addTasks(TaskGraph graph) {
                // every position: a "sink" of all visible tokens and no window
                graph.task(LIST, KernelSpec.lookup(SelectKernels.class, "sinkAndWindow"),
                        a.indices(), a.counts(), 1, a.listStride(), a.visible(), a.visible(), 0);
            }

            @Override
            public int prepare(ExecutionPlan plan, Step step) {
                plan.withGrid(LayerArrays.id(name(), LIST), Grid.of(roundUp(step.visible(), 256), 1, 256, 1));
                return step.visible();
            }
        };
    }
}
