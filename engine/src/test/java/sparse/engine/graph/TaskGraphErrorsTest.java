package sparse.engine.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import sparse.engine.backend.BackendException;
import sparse.engine.backend.Device;
import sparse.engine.backend.Grid;
import sparse.engine.backend.jvm.JvmBackend;
import sparse.tasks.lang.KernelContext;

/** Each mistake a task graph user can make, and the message that says what to do. */
class TaskGraphErrorsTest {
    private final Device jvm = JvmBackend.open().getFirst();

    private static String message(Class<? extends Throwable> type, Executable e) {
        return assertThrows(type, e).getMessage();
    }

    /** Static, but the class has no translated kernels. */
    static void notTranslated(float[] x) {
    }

    void instanceMethod(float[] x) {
    }

    @Test
    void kernelsMustBeReferencesToTranslatedStaticKernels() {
        float[] x = new float[4];
        assertEquals("g.t: the kernel is a lambda; pass a method reference to a static @Kernel method instead (Kernels::name)",
                message(IllegalArgumentException.class, () -> new TaskGraph("g").task("t", (float[] v) -> { }, x)));
        assertTrue(message(IllegalArgumentException.class, () -> new TaskGraph("g").task("t", this::instanceMethod, x))
                .startsWith("g.t: sparse.engine.graph.TaskGraphErrorsTest::instanceMethod is not a static method"));
        assertTrue(message(IllegalArgumentException.class, () -> new TaskGraph("g").task("t", TaskGraphErrorsTest::notTranslated, x))
                .startsWith("g.t: sparse.engine.graph.TaskGraphErrorsTest has no translated kernels"));
        assertEquals("g.t: sparse.engine.graph.GraphKernels.notAKernel is not a @Kernel method",
                message(IllegalArgumentException.class, () -> new TaskGraph("g").task("t", GraphKernels::notAKernel, x)));
        KernelContext[] context = new KernelContext[1];
        assertEquals("g.t: sparse.engine.graph.GraphKernels::columnSums takes a KernelContext; pass only the arguments after it",
                message(IllegalArgumentException.class, () ->
                        new TaskGraph("g").task("t", GraphKernels::columnSums, context[0], x, x, 1)));
    }

    @Test
    void argumentsAreCheckedAgainstTheKernelsParameters() {
        float[] x = new float[4];
        float[] y = new float[4];
        assertEquals("g.scale: GraphKernels.scale takes 4 arguments [x, y, a, n], given 3",
                message(IllegalArgumentException.class, () -> new TaskGraph("g").task("scale", GraphKernelsTranslated.scale, x, y, 1f)));
        assertEquals("g.scale: parameter 'y' (float[]) is given a int[] of length 4",
                message(IllegalArgumentException.class, () -> new TaskGraph("g").task("scale", GraphKernelsTranslated.scale, x, new int[4], 1f, 4)));
        assertEquals("g.scale: parameter 'a' (float) is given a Double (0.5) (write a float literal, e.g. 0.5f)",
                message(IllegalArgumentException.class, () -> new TaskGraph("g").task("scale", GraphKernels::scale, x, y, 0.5, 4)));
        assertEquals("g.scale: parameter 'n' (int) is given a Scalar of float",
                message(IllegalArgumentException.class, () -> new TaskGraph("g").task("scale", GraphKernels::scale, x, y, 1f, Scalar.ofFloat(1))));
        assertEquals("g.scale: parameter 'n' (int) is given a Long (10000000000)",
                message(IllegalArgumentException.class, () -> new TaskGraph("g").task("scale", GraphKernelsTranslated.scale, x, y, 1f, 10_000_000_000L)));
        assertEquals("g.scale: parameter 'x' (float[]) is given null",
                message(IllegalArgumentException.class, () -> new TaskGraph("g").task("scale", GraphKernelsTranslated.scale, null, y, 1f, 4)));
        assertEquals("g.scale is defined twice",
                message(IllegalArgumentException.class, () -> new TaskGraph("g")
                        .task("scale", GraphKernelsTranslated.scale, x, y, 1f, 4).task("scale", GraphKernelsTranslated.scale, y, x, 1f, 4)));
        assertEquals("a task name is a non-empty string without dots, not 'a.b'",
                message(IllegalArgumentException.class, () -> new TaskGraph("g").task("a.b", GraphKernelsTranslated.scale, x, y, 1f, 4)));
        Scalar count = Scalar.ofInt(4);
        assertEquals("this Scalar holds an int, not a float", message(IllegalArgumentException.class, () -> count.set(1f)));
    }

    @Test
    void transfersAreChecked() {
        float[] x = new float[4];
        float[] y = new float[4];
        assertTrue(message(IllegalArgumentException.class, () -> new TaskGraph("g").transferToDevice(DataTransferMode.UNDER_DEMAND, x))
                .contains("call ExecutionPlan.write"));
        assertEquals("g: transferToHost takes EVERY_EXECUTION or UNDER_DEMAND",
                message(IllegalArgumentException.class, () -> new TaskGraph("g").transferToHost(DataTransferMode.FIRST_EXECUTION, x)));
        assertEquals("g: transferToDevice names the same a float[] of length 4 twice (FIRST_EXECUTION, EVERY_EXECUTION)",
                message(IllegalArgumentException.class, () -> new TaskGraph("g")
                        .transferToDevice(DataTransferMode.FIRST_EXECUTION, x).transferToDevice(DataTransferMode.EVERY_EXECUTION, x)));
        // the same mode again is one transfer: parts of a graph (a model's layers) may share an input
        assertEquals(List.of("g.scale"), new TaskGraph("g").transferToDevice(DataTransferMode.FIRST_EXECUTION, x)
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, x)
                .task("scale", GraphKernelsTranslated.scale, x, y, 1f, 4).snapshot().taskIds());
        assertEquals("not a supported kernel array: double[]",
                message(IllegalArgumentException.class, () -> new TaskGraph("g").transferToDevice(DataTransferMode.FIRST_EXECUTION, new double[2])));
        assertEquals("g: a transferred a float[] of length 5 is used by no task",
                message(IllegalStateException.class, () -> new TaskGraph("g")
                        .transferToDevice(DataTransferMode.FIRST_EXECUTION, new float[5])
                        .task("scale", GraphKernelsTranslated.scale, x, y, 1f, 4).snapshot()));
        assertEquals("task graph g has no tasks", message(IllegalStateException.class, () -> new TaskGraph("g").snapshot()));
    }

    @Test
    void gridsAreCheckedAndContextKernelsNeedOne() {
        float[] cache = new float[64];
        float[] sums = new float[8];
        ImmutableTaskGraph graph = new TaskGraph("decode")
                .task("sums", GraphKernels::columnSums, cache, sums, 8)
                .task("scale", GraphKernels::scale, sums, sums, 2f, 8)
                .snapshot();
        try (ExecutionPlan plan = new ExecutionPlan(jvm, graph)) {
            assertEquals("decode.sums runs GraphKernels.columnSums, a KernelContext kernel, and has no grid: set one with"
                            + " plan.withGrid(\"decode.sums\", Grid.of(global, local)) or in the configured grids",
                    message(IllegalStateException.class, plan::execute));
            assertEquals("unknown task id 'sums' (known: decode.sums, decode.scale)",
                    message(IllegalArgumentException.class, () -> plan.withGrid("sums", Grid.of(8, 8))));
            assertEquals("decode.sums: work-groups of 2048 work-items (2048/2048) exceed jvm's maximum of 1024",
                    message(IllegalArgumentException.class, () -> plan.withGrid("decode.sums", Grid.of(2048, 2048))));
            plan.withConfiguredGrids(java.util.Map.of("decode.sums", Grid.of(8, 8)));
            plan.execute();
        }
    }

    @Test
    void planMisuseAndKernelFailuresNameTheTask() {
        float[] x = new float[4];
        float[] y = new float[4];
        ImmutableTaskGraph graph = new TaskGraph("g").task("scale", GraphKernels::scale, x, y, 1f, 5).snapshot();
        ExecutionPlan plan = new ExecutionPlan(jvm, graph);
        String failure = message(BackendException.class, plan::execute);
        assertTrue(failure.startsWith("g.scale on jvm over grid 256/256: GraphKernels.scale failed: "
                + "java.lang.ArrayIndexOutOfBoundsException"), failure);
        assertEquals("graph g uses no such array: a float[] of length 3",
                message(IllegalArgumentException.class, () -> plan.write(new float[3], 0, 3)));
        assertThrows(IndexOutOfBoundsException.class, () -> plan.read(x, 2, 3));
        plan.close();
        assertEquals("execution plan of g is closed", message(IllegalStateException.class, plan::execute));
    }
}
