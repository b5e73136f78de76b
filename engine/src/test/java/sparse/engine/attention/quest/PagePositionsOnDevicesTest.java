package sparse.engine.attention.quest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
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
import sparse.tasks.kernels.pages.PageKernels;
import sparse.tasks.kernels.pages.QuestReference;

/**
 * Quest's expansion of kept pages to key positions as translated, on every device, against
 * the reference: random ascending page lists, half the rows with the (partial) last page;
 * exact, and nothing written past a row's list (the lists start poisoned).
 */
class PagePositionsOnDevicesTest {

    /** rows, visible, page, keep */
    static final int[][] CASES = {
            {1, 1, 16, 1}, {2, 40, 16, 3}, {4, 1000, 16, 12}, {3, 1001, 16, 7}, {3, 1024, 16, 64},
            {32, 32768, 16, 409}, {2, 777, 32, 25}, {2, 50, 16, 2}, {5, 300, 1, 40}};

    static Stream<Arguments> cases() {
        return MethodTests.onEveryDevice(CASES);
    }

    @ParameterizedTest(name = "{0} {1}", autoCloseArguments = false)
    @MethodSource("cases")
    void positionsEqualTheReference(Device device, int[] c) {
        int rows = c[0], visible = c[1], page = c[2], keep = c[3];
        SplittableRandom r = MethodTests.random("page positions on " + device.id() + " " + Arrays.toString(c));
        int pages = (visible + page - 1) / page, pageStride = pages + 2, listStride = keep * page + 3;
        int[] pageLists = new int[rows * pageStride];
        int[][] kept = new int[rows][];
        for (int row = 0; row < rows; row++) {
            boolean withLast = row % 2 == 0 || keep == pages;
            int others = withLast ? keep - 1 : keep;
            IntStream earlier = others == 0 ? IntStream.empty() : r.ints(0, pages - 1).distinct().limit(others);
            kept[row] = IntStream.concat(earlier, withLast ? IntStream.of(pages - 1) : IntStream.empty()).sorted()
                    .toArray();
            System.arraycopy(kept[row], 0, pageLists, row * pageStride, keep);
        }
        int[] indices = new int[rows * listStride];
        int[] counts = new int[rows];
        Arrays.fill(indices, -7);
        Arrays.fill(counts, -7);
        TaskGraph g = new TaskGraph("pages")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, pageLists, indices, counts)
                .task("list", PageKernels::pagePositions, pageLists, pageStride, keep, page, visible, rows, indices,
                        counts, listStride)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, indices, counts);
        try (ExecutionPlan plan = new ExecutionPlan(device, g.snapshot())) {
            plan.withGrid("pages.list", Grid.of((keep * page + 255L) / 256 * 256, rows, 256, 1)).execute();
        }
        for (int row = 0; row < rows; row++) {
            int[] ref = QuestReference.pagePositions(kept[row], page, visible);
            assertEquals(ref.length, counts[row], "count of row " + row);
            assertArrayEquals(ref, Arrays.copyOfRange(indices, row * listStride, row * listStride + ref.length),
                    "row " + row);
            for (int i = row * listStride + ref.length; i < (row + 1) * listStride; i++) {
                assertEquals(-7, indices[i], "wrote past row " + row + "'s list");
            }
        }
    }
}
