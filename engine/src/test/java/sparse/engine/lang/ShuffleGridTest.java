package sparse.engine.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import sparse.engine.backend.Grid;
import sparse.engine.backend.jvm.JvmBackend;
import sparse.engine.graph.ExecutionPlan;
import sparse.engine.graph.ImmutableTaskGraph;
import sparse.engine.graph.TaskGraph;
import sparse.tasks.lang.KernelSpec;

/** A plan refuses to launch a kernel that shuffles over work-groups that are not whole sub-groups of 32. */
class ShuffleGridTest {

    @Test
    void aShufflingKernelNeedsWholeSubGroups() {
        float[] in = new float[96];
        float[] out = new float[96 * 5];
        ImmutableTaskGraph graph = new TaskGraph("g")
                .task("shuffles", KernelSpec.lookup(LanguageKernels.class, "shuffles"), in, out, 1).snapshot();
        try (ExecutionPlan plan = new ExecutionPlan(JvmBackend.open().getFirst(), graph)) {
            plan.withGrid("g.shuffles", Grid.of(96, 48));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, plan::execute);
            assertEquals("g.shuffles runs LanguageKernels.shuffles, which shuffles: its work-groups need a multiple of 32"
                    + " work-items, at most 1024, not 48 (96/48)", e.getMessage());
        }
    }
}
