package sparse.engine.attention.dense;

import sparse.engine.backend.Device;
import sparse.engine.graph.ExecutionPlan;
import sparse.engine.graph.TaskGraph;

/**
 * Dense decode attention: flash-decode over every visible position, no list to select or read.
 * The reference every other method is measured against.
 */
public final class DenseAttention extends IndexListAttention {
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
                // every position: nothing to select
            }

            @Override
            public int prepare(ExecutionPlan plan, Step step) {
                return step.visible();
            }

            @Override
            public boolean allPositions() {
                return true;
            }
        };
    }
}
