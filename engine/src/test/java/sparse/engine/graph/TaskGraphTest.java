package sparse.engine.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sparse.engine.backend.Backends;
import sparse.engine.backend.Device;
import sparse.engine.backend.Grid;

/**
 * Task graphs on every device this machine has: buffers kept on the device, transfers as
 * declared, scalars read per execution, sub-range writes, grids and profiling.
 */
class TaskGraphTest {
    static Stream<Device> devices() {
        return Backends.devices().stream();
    }

    private static Random random(String test, Device device) {
        long seed = System.nanoTime();
        System.out.println(test + " on " + device.id() + ": seed " + seed);
        return new Random(seed);
    }

    private static float[] randomFloats(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    private static float[] nans(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    private static void assertClose(double[] ref, float[] out, double bound) {
        double diff = 0, norm = 0;
        for (int i = 0; i < ref.length; i++) {
            diff += (out[i] - ref[i]) * (out[i] - ref[i]);
            norm += ref[i] * ref[i];
        }
        double err = Math.sqrt(diff / norm);
        assertTrue(err < bound, "relative error " + err + " over bound " + bound);
    }

    /** One float operation's result: within a few ulps; NaN where nothing may have been written. */
    private static void assertNear(float expected, float actual, String what) {
        if (Float.isNaN(expected)) {
            assertTrue(Float.isNaN(actual), what + " is " + actual + ", not NaN");
        } else {
            assertEquals(expected, actual, 4 * Math.ulp(expected), what);
        }
    }

    @ParameterizedTest(autoCloseArguments = false)   // devices are shared by the process
    @MethodSource("devices")
    void intermediateStaysOnTheDevice(Device d) {
        Random r = random("intermediateStaysOnTheDevice", d);
        int n = 1000;
        float[] x = randomFloats(r, n);
        float[] b = randomFloats(r, n);
        float[] mid = nans(n);
        float[] out = nans(n);
        ImmutableTaskGraph graph = new TaskGraph("chain")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, x, b)
                .task("scale", GraphKernels::scale, x, mid, 2f, n)
                .task("add", GraphKernels::add, mid, b, out)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out)
                .snapshot();
        double[] ref = new double[n];
        for (int i = 0; i < n; i++) {
            ref[i] = 2.0 * x[i] + b[i];
        }
        try (ExecutionPlan plan = new ExecutionPlan(d, graph)) {
            for (int run = 0; run < 2; run++) {
                Arrays.fill(out, Float.NaN);
                ExecutionResult result = plan.execute();
                assertSame(d, result.device());
                assertClose(ref, out, 1e-6);
            }
        }
        for (float v : mid) {
            assertTrue(Float.isNaN(v), "the host copy of the intermediate is never written");
        }
    }

    /**
     * Forty dependent launches of a context-style kernel, ping-ponging between two buffers, each
     * reading what many work-groups of the one before wrote; three runs. On CUDA from sm_90 they
     * are programmatic launches, each waiting for the one before on the GPU; there each link
     * first spins (20,000 dependent multiply-adds), so that a link that started early without
     * waiting (were a kernel to let its successor launch at its start) would read stale values.
     * Other backends run kernels whole, one after another: the shortest spin.
     */
    @ParameterizedTest(autoCloseArguments = false)   // devices are shared by the process
    @MethodSource("devices")
    void dependentLaunchesSeeTheirPredecessorsWrites(Device d) {
        Random r = random("dependentLaunchesSeeTheirPredecessorsWrites", d);
        int n = 1 << 18;
        int links = 40;
        int stride = 7919;
        int spin = d.backend().equals("cuda") ? 20_000 : 24;  // at least 24: the link adds (int) x - 1
        int[] start = new int[n];
        for (int i = 0; i < n; i++) {
            start[i] = r.nextInt(1 << 20);
        }
        int[] a = start.clone();
        int[] b = new int[n];
        TaskGraph g = new TaskGraph("links").transferToDevice(DataTransferMode.EVERY_EXECUTION, a);
        for (int k = 0; k < links; k++) {
            g.task("link" + k, GraphKernels::chainLink, k % 2 == 0 ? a : b, k % 2 == 0 ? b : a, stride, spin);
        }
        g.transferToHost(DataTransferMode.EVERY_EXECUTION, a);
        // links alternate a -> b, b -> a: the last writes a; element i went through the permutation 40 times
        int[] expected = new int[n];
        for (int i = 0; i < n; i++) {
            long j = i;
            for (int k = 0; k < links; k++) {
                j = j * stride % n;
            }
            expected[i] = start[(int) j] + links;
        }
        try (ExecutionPlan plan = new ExecutionPlan(d, g.snapshot())) {
            for (int k = 0; k < links; k++) {
                plan.withGrid("links.link" + k, Grid.of(n, 256));
            }
            for (int run = 0; run < 3; run++) {
                System.arraycopy(start, 0, a, 0, n);
                plan.execute();
                for (int i = 0; i < n; i++) {
                    if (a[i] != expected[i]) {
                        throw new AssertionError("run " + run + ": a[" + i + "] = " + a[i] + ", expected " + expected[i]);
                    }
                }
            }
        }
    }

    @ParameterizedTest(autoCloseArguments = false)   // devices are shared by the process
    @MethodSource("devices")
    void firstExecutionVersusEveryExecution(Device d) {
        Random r = random("firstExecutionVersusEveryExecution", d);
        int n = 500;
        float[] a = randomFloats(r, n);
        float[] b = randomFloats(r, n);
        float[] out = nans(n);
        ImmutableTaskGraph graph = new TaskGraph("transfers")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, b)
                .task("add", GraphKernelsTranslated.add, a, b, out)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out)
                .snapshot();
        CountingDevice counting = new CountingDevice(d);
        try (ExecutionPlan plan = new ExecutionPlan(counting, graph)) {
            float[] firstA = a.clone();
            plan.execute();
            for (int run = 0; run < 3; run++) {
                // both host arrays change; only b travels again
                float[] newA = randomFloats(r, n);
                float[] newB = randomFloats(r, n);
                System.arraycopy(newA, 0, a, 0, n);
                System.arraycopy(newB, 0, b, 0, n);
                Arrays.fill(out, Float.NaN);
                plan.execute();
                double[] ref = new double[n];
                for (int i = 0; i < n; i++) {
                    ref[i] = (double) firstA[i] + b[i];
                }
                assertClose(ref, out, 1e-6);
            }
        }
        // a, b and out have the same length: tell them apart by what was copied
        List<Long> written = counting.buffers.stream().map(buf -> buf.elementsWritten).toList();
        List<Long> read = counting.buffers.stream().map(buf -> buf.elementsRead).toList();
        assertEquals(List.of((long) n, 4L * n, 0L), written, "a once, b every time, out never");
        assertEquals(List.of(0L, 0L, 4L * n), read);
    }

    @ParameterizedTest(autoCloseArguments = false)   // devices are shared by the process
    @MethodSource("devices")
    void scalarsAreReadAtEachExecution(Device d) {
        Random r = random("scalarsAreReadAtEachExecution", d);
        int n = 1000;
        float[] x = randomFloats(r, n);
        float[] y = nans(n);
        Scalar count = Scalar.ofInt(10);
        Scalar factor = Scalar.ofFloat(0.5f);
        ImmutableTaskGraph graph = new TaskGraph("scalars")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, x, y)
                .task("scale", GraphKernels::scale, x, y, factor, count)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, y)
                .snapshot();
        try (ExecutionPlan plan = new ExecutionPlan(d, graph)) {
            for (int k : new int[]{10, 300, 999}) {
                float f = k / 7f;
                count.set(k);
                factor.set(f);
                plan.execute();
                for (int i = 0; i < n; i++) {
                    // elements not yet covered keep the NaN the first execution copied in
                    float expected = i < k ? f * x[i] : Float.NaN;
                    assertNear(expected, y[i], "element " + i + " after count " + k);
                }
            }
        }
    }

    /**
     * Each execution sees its own scalars, grids and skips: the same step twice, a changed
     * factor, a changed count (and default grid), a task left out and back in, and the
     * combinations again (a launcher that recorded steps and replayed them would have to
     * notice each change).
     */
    @ParameterizedTest(autoCloseArguments = false)   // devices are shared by the process
    @MethodSource("devices")
    void eachExecutionSeesItsArgumentsAndSkips(Device d) {
        Random r = random("eachExecutionSeesItsArgumentsAndSkips", d);
        int n = 3000;
        float[] x = randomFloats(r, n);
        float[] mid = nans(n);
        float[] out = nans(n);
        Scalar count = Scalar.ofInt(n);
        Scalar factor = Scalar.ofFloat(2f);
        ImmutableTaskGraph graph = new TaskGraph("replay")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, mid)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                .task("scale", GraphKernels::scale, x, mid, factor, count)
                .task("add", GraphKernels::add, mid, x, out)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out)
                .snapshot();
        // per step: factor, count, whether the scale is skipped
        float[] factors = {2f, 2f, -0.5f, 3f, 3f, 1.5f, 4f, 4f};
        int[] counts = {n, n, n, 700, 700, 2999, 20, n};
        boolean[] skips = {false, false, false, false, true, false, true, false};
        float[] held = new float[n];
        Arrays.fill(held, Float.NaN);
        try (ExecutionPlan plan = new ExecutionPlan(d, graph)) {
            for (int step = 0; step < factors.length; step++) {
                for (int i = 0; i < n; i++) {
                    x[i] = (float) r.nextGaussian();
                }
                factor.set(factors[step]);
                count.set(counts[step]);
                plan.withSkipped("replay.scale", skips[step]).execute();
                for (int i = 0; i < n; i++) {
                    if (!skips[step] && i < counts[step]) {
                        held[i] = factors[step] * x[i];
                    }
                    assertNear(held[i] + x[i], out[i], "element " + i + " of step " + step);
                }
            }
        }
    }

    @ParameterizedTest(autoCloseArguments = false)   // devices are shared by the process
    @MethodSource("devices")
    void cacheAppendSendsOnlyTheNewRows(Device d) {
        Random r = random("cacheAppendSendsOnlyTheNewRows", d);
        int width = 96, maxRows = 40, initialRows = 5;
        float[] cache = nans(maxRows * width);
        for (int i = 0; i < initialRows * width; i++) {
            cache[i] = (float) r.nextGaussian();
        }
        float[] sums = nans(width);
        Scalar rows = Scalar.ofInt(initialRows);
        ImmutableTaskGraph graph = new TaskGraph("decode")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, cache)
                .task("sums", GraphKernels::columnSums, cache, sums, rows)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, sums)
                .snapshot();
        CountingDevice counting = new CountingDevice(d);
        try (ExecutionPlan plan = new ExecutionPlan(counting, graph)) {
            plan.withGrid("decode.sums", Grid.covering(width, 32));
            plan.execute();
            CountingDevice.CountingBuffer cacheBuffer = counting.buffer(maxRows * width);
            assertEquals(List.of("0+" + maxRows * width), cacheBuffer.writes);
            for (int row = initialRows; row < maxRows; row++) {
                for (int j = 0; j < width; j++) {
                    cache[row * width + j] = (float) r.nextGaussian();
                }
                plan.write(cache, row * width, width);
                rows.set(row + 1);
                // a change to a row already sent, never written: the device keeps the old row
                float stale = cache[0];
                cache[0] = 1e6f;
                Arrays.fill(sums, Float.NaN);
                plan.execute();
                cache[0] = stale;
                double[] ref = new double[width];
                for (int i = 0; i <= row; i++) {
                    for (int j = 0; j < width; j++) {
                        ref[j] += cache[i * width + j];
                    }
                }
                assertClose(ref, sums, 1e-5);
                assertEquals(row * width + "+" + width, cacheBuffer.writes.getLast());
            }
            assertEquals(maxRows * width + (long) (maxRows - initialRows) * width, cacheBuffer.elementsWritten,
                    "the whole cache once, then one row per append");
        }
    }

    @ParameterizedTest(autoCloseArguments = false)   // devices are shared by the process
    @MethodSource("devices")
    void underDemandCopiesBackOnlyWhenAsked(Device d) {
        Random r = random("underDemandCopiesBackOnlyWhenAsked", d);
        int n = 300;
        float[] x = randomFloats(r, n);
        float[] y = nans(n);
        ImmutableTaskGraph graph = new TaskGraph("demand")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, x)
                .task("scale", GraphKernels::scale, x, y, 3f, n)
                .transferToHost(DataTransferMode.UNDER_DEMAND, y)
                .snapshot();
        try (ExecutionPlan plan = new ExecutionPlan(d, graph)) {
            plan.execute();
            assertTrue(Float.isNaN(y[0]), "not copied back by execute()");
            plan.read(y, 100, 50);
            for (int i = 0; i < n; i++) {
                float expected = i >= 100 && i < 150 ? 3f * x[i] : Float.NaN;
                assertNear(expected, y[i], "element " + i);
            }
        }
    }

    /** {@code out = 2x + x} in two tasks, {@code mid = 2x} between them; x sent every execution. */
    private static ImmutableTaskGraph scaleThenAdd(String name, float[] x, float[] mid, float[] out) {
        return new TaskGraph(name)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, x)
                .task("scale", GraphKernels::scale, x, mid, 2f, x.length)
                .task("add", GraphKernels::add, mid, x, out)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out)
                .snapshot();
    }

    @ParameterizedTest(autoCloseArguments = false)   // devices are shared by the process
    @MethodSource("devices")
    void profilingReportsEachTaskTime(Device d) {
        int n = 4096;
        float[] x = randomFloats(random("profilingReportsEachTaskTime", d), n);
        float[] mid = new float[n];
        float[] out = new float[n];
        ImmutableTaskGraph graph = scaleThenAdd("timed", x, mid, out);
        assertEquals(List.of("timed.scale", "timed.add"), graph.taskIds());
        try (ExecutionPlan plan = new ExecutionPlan(d, graph)) {
            ExecutionResult quiet = plan.execute();
            assertEquals(Map.of(), quiet.taskTimesNanos());
            ExecutionResult timed = plan.withProfiling(true).execute();
            assertEquals(Set.of("timed.scale", "timed.add"), timed.taskTimesNanos().keySet());
            timed.taskTimesNanos().forEach((id, ns) -> assertTrue(ns > 0, id + " took " + ns + " ns"));
            assertTrue(timed.wallNanos() > 0);
            assertSame(d, timed.device());
            assertTrue(timed.toString().startsWith("timed on " + d.backend() + " " + d.id()), timed.toString());
        }
    }

    @ParameterizedTest(autoCloseArguments = false)   // devices are shared by the process
    @MethodSource("devices")
    void stepTimingSpansTheLaunchesAndSkippedTasksDoNotRun(Device d) {
        int n = 4096;
        float[] x = randomFloats(random("stepTimingSpansTheLaunchesAndSkippedTasksDoNotRun", d), n);
        float[] mid = new float[n];
        float[] out = new float[n];
        ImmutableTaskGraph graph = scaleThenAdd("step", x, mid, out);
        try (ExecutionPlan plan = new ExecutionPlan(d, graph)) {
            assertEquals(-1, plan.execute().stepNanos());
            ExecutionResult timed = plan.withStepTiming(StepTiming.TASKS).execute();
            assertTrue(timed.stepNanos() > 0, "step took " + timed.stepNanos() + " ns");
            assertEquals(Set.of("step.scale", "step.add"), timed.taskTimesNanos().keySet());
            assertEquals(timed.stepNanos(), timed.taskTimesNanos().values().stream().mapToLong(Long::longValue).sum(),
                    "the tasks' parts add up to the step");
            for (int i = 0; i < n; i++) {
                assertEquals(3 * x[i], out[i], 1e-6f * Math.abs(x[i]));
            }
            Arrays.fill(out, Float.NaN);
            ExecutionResult whole = plan.withStepTiming(StepTiming.STEP).execute();
            assertTrue(whole.stepNanos() > 0, "step took " + whole.stepNanos() + " ns");
            assertEquals(Set.of(), whole.taskTimesNanos().keySet(), "one span for the step, none per task");
            for (int i = 0; i < n; i++) {
                assertEquals(3 * x[i], out[i], 1e-6f * Math.abs(x[i]));
            }
            plan.withStepTiming(StepTiming.TASKS);
            // with the scale skipped, mid still holds 2x of the old x; the add sees the new x = -old x
            Arrays.fill(out, Float.NaN);
            for (int i = 0; i < n; i++) {
                x[i] = -x[i];
            }
            ExecutionResult skipping = plan.withSkipped("step.scale", true).execute();
            assertEquals(Set.of("step.add"), skipping.taskTimesNanos().keySet(), "only the add ran");
            for (int i = 0; i < n; i++) {
                assertEquals(-x[i], out[i], 1e-6f * Math.abs(x[i]), "the skipped scale ran at " + i);
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> plan.withSkipped("step.nothing", true));
            assertTrue(e.getMessage().startsWith("unknown task id 'step.nothing'"), e.getMessage());
            IllegalStateException both = assertThrows(IllegalStateException.class,
                    () -> plan.withStepTiming(StepTiming.TASKS).withProfiling(true).execute());
            assertTrue(both.getMessage().contains("profiling and step timing"), both.getMessage());
        }
    }

    @ParameterizedTest(autoCloseArguments = false)   // devices are shared by the process
    @MethodSource("devices")
    void gridsComeFromThePlanThenConfigurationThenTheLoopBounds(Device d) {
        Random r = random("gridsComeFromThePlanThenConfigurationThenTheLoopBounds", d);
        int n = 37, m = 1000;
        float[] a = randomFloats(r, n);
        float[] b = randomFloats(r, m);
        float[] out = nans(n * m);
        float[] scaled = nans(m);
        ImmutableTaskGraph graph = new TaskGraph("grids")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b)
                .task("outer", GraphKernels::outer, a, b, out, n, m)
                .task("scale", GraphKernels::scale, b, scaled, 2f, m)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out, scaled)
                .snapshot();
        double[] ref = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                ref[i * m + j] = (double) a[i] * b[j];
            }
        }
        CountingDevice counting = new CountingDevice(d);
        int local = Math.min(256, d.maxWorkGroupSize());
        try (ExecutionPlan plan = new ExecutionPlan(counting, graph)) {
            plan.execute();
            assertClose(ref, out, 1e-6);
            assertEquals(Grid.covering(m, local), counting.lastGrid.get("scale"), "default: the bound n, rounded up");
            assertEquals(Grid.of(48, 1008, 16, 16), counting.lastGrid.get("outer"), "default in 2-D: 16x16 groups");

            plan.withConfiguredGrids(Map.of("grids.scale", Grid.of(128, 64), "other.task", Grid.of(64, 64)));
            plan.execute();
            assertEquals(Grid.of(128, 64), counting.lastGrid.get("scale"), "configured");

            plan.withGrid("grids.scale", Grid.of(32, 32)).withGrid("grids.outer", Grid.of(8, 8, 4, 4));
            Arrays.fill(out, Float.NaN);
            Arrays.fill(scaled, Float.NaN);
            plan.execute();
            assertEquals(Grid.of(32, 32), counting.lastGrid.get("scale"), "the plan's own over configured");
            assertClose(ref, out, 1e-6);
            for (int j = 0; j < m; j++) {
                assertEquals(2f * b[j], scaled[j], "a grid-stride loop covers n with any grid");
            }
        }
    }

    @ParameterizedTest(autoCloseArguments = false)
    @MethodSource("devices")
    void contextKernelWithBarriersAfterAParallelOne(Device d) {
        Random r = random("contextKernelWithBarriersAfterAParallelOne", d);
        int capacity = 5000, local = 128;
        int groups = (capacity + local - 1) / local;
        float[] x = randomFloats(r, capacity);
        float[] y = new float[capacity];
        float[] sums = new float[groups];
        Scalar n = Scalar.ofInt(0);
        ImmutableTaskGraph graph = new TaskGraph("step")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, x)
                .task("scale", GraphKernels::scale, x, y, 0.5f, n)
                .task("sums", GraphKernels::blockSums, y, sums, n)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, sums)
                .snapshot();
        try (ExecutionPlan plan = new ExecutionPlan(d, graph)) {
            plan.withGrid("step.sums", Grid.of((long) groups * local, local));
            for (int length : new int[]{1, 1000, 4999, capacity}) {
                n.set(length);
                Arrays.fill(sums, Float.NaN);
                plan.execute();
                double[] ref = new double[groups];
                for (int i = 0; i < length; i++) {
                    ref[i / local] += 0.5 * x[i];
                }
                assertClose(ref, sums, 1e-5);
            }
        }
    }
}
