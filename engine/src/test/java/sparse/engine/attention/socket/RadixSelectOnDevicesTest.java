package sparse.engine.attention.socket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sparse.engine.attention.dense.MethodTests;
import sparse.engine.backend.Device;
import sparse.engine.backend.Grid;
import sparse.engine.graph.DataTransferMode;
import sparse.engine.graph.ExecutionPlan;
import sparse.engine.graph.TaskGraph;
import sparse.tasks.kernels.select.SelectKernels;
import sparse.tasks.kernels.select.SelectReference;
import sparse.tasks.lang.KernelSpec;

/**
 * SOCKET's select as translated, on every device: the radix passes over many work-groups and
 * the ordered scatter, against a sort of the same fp32 scores (so the lists must be equal, ties
 * to the lower position), three steps on the same buffers (each step must leave the histograms
 * at zero for the next).
 */
class RadixSelectOnDevicesTest {

    /** rows, n, sink, window, heavy, chunk, scores from few values (1) or a continuum (0) */
    static final int[][] CASES = {
            {32, 4096, 128, 128, 154, 256, 0}, {8, 20000, 128, 128, 744, 1024, 0}, {4, 3000, 16, 16, 500, 512, 1},
            {2, 1000, 62, 62, 0, 256, 0}, {2, 1000, 62, 62, 2000, 256, 1}, {1, 300000, 128, 128, 14744, 16384, 0}};

    static Stream<Arguments> cases() {
        return MethodTests.onEveryDevice(CASES);
    }

    @ParameterizedTest(name = "{0} {1}", autoCloseArguments = false)
    @MethodSource("cases")
    void listsEqualTheSortedReference(Device device, int[] c) {
        int rows = c[0], n = c[1], sink = c[2], window = c[3], heavy = c[4], chunk = c[5];
        SplittableRandom r = MethodTests.random("radix select on " + device.id() + " " + Arrays.toString(c));
        int stride = n + 3;
        int chunks = SelectKernels.radixChunks(n, sink, window, chunk);
        float[] scores = new float[rows * stride];
        int[] indices = new int[rows * stride];
        int[] counts = new int[rows];
        int[] histograms = new int[rows * SelectKernels.RADIX_DIGITS * SelectKernels.BINS];
        int[] state = new int[rows * SelectKernels.STATE_PER_ROW];
        int[] chunkCounts = new int[rows * chunks * 2];
        TaskGraph g = new TaskGraph("radix")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, histograms)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, scores, indices);
        for (int pass = 0; pass <= SelectKernels.RADIX_DIGITS; pass++) {
            g.task("pass" + pass, KernelSpec.lookup(SelectKernels.class, "radixSelectPass"), scores, histograms, state,
                    chunkCounts, stride, n, sink, window, heavy, chunk, chunks, pass);
        }
        g.task("scatter", KernelSpec.lookup(SelectKernels.class, "radixScatter"), scores, indices, counts, histograms,
                        state, chunkCounts, stride, stride, n, sink, window, heavy, chunk, chunks)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, indices, counts);
        try (ExecutionPlan plan = new ExecutionPlan(device, g.snapshot())) {
            Grid grid = Grid.of((long) chunks * SelectKernels.GROUP, rows, SelectKernels.GROUP, 1);
            for (int pass = 0; pass <= SelectKernels.RADIX_DIGITS; pass++) {
                plan.withGrid("radix.pass" + pass, grid);
            }
            plan.withGrid("radix.scatter", grid);
            for (int step = 0; step < 3; step++) {
                double[] asDouble = new double[scores.length];
                for (int i = 0; i < scores.length; i++) {
                    scores[i] = c[6] == 1 ? r.nextInt(8) * 0.25f : (float) (1 + r.nextDouble());
                    asDouble[i] = scores[i];
                }
                Arrays.fill(indices, -7);
                plan.execute();
                for (int row = 0; row < rows; row++) {
                    int[] ref = SelectReference.topM(asDouble, row * stride, n, sink, window, heavy);
                    assertEquals(ref.length, counts[row], "step " + step + ", count of row " + row);
                    assertArrayEquals(ref, Arrays.copyOfRange(indices, row * stride, row * stride + counts[row]),
                            "step " + step + ", row " + row);
                }
            }
        }
    }
}
