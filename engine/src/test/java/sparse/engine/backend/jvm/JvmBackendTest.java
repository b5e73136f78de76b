package sparse.engine.backend.jvm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import sparse.engine.backend.BackendException;
import sparse.engine.backend.Device;
import sparse.engine.backend.DeviceBuffer;
import sparse.engine.backend.ElementType;
import sparse.engine.backend.Grid;
import sparse.engine.backend.OutOfDeviceMemoryException;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelSpec;
import sparse.tasks.lang.KernelSpec.Param;
import sparse.tasks.lang.KernelSpec.Type;

/**
 * The JVM backend's work-group semantics, with kernels written here and described by
 * hand-made {@link KernelSpec}s (what the translator generates for {@code @Kernel} methods).
 */
class JvmBackendTest {
    private final Device device = JvmBackend.open().getFirst();

    // ---- kernels -------------------------------------------------------------------------

    /** Each work-group sums its slice of {@code in} into {@code out[group]}: a tree in local memory. */
    static void groupSum(KernelContext ctx, float[] in, float[] out) {
        float[] partial = ctx.allocateFloatLocalArray(256);
        int lid = ctx.localIdx;
        partial[lid] = in[ctx.globalIdx];
        for (int stride = ctx.localGroupSizeX / 2; stride > 0; stride /= 2) {
            ctx.localBarrier();
            if (lid < stride) {
                partial[lid] += partial[lid + stride];
            }
        }
        if (lid == 0) {
            out[ctx.groupIdx] = partial[0];
        }
    }

    /** The same over 2-D tiles of a row-major matrix {@code width} wide: one sum per tile. */
    static void tileSum(KernelContext ctx, float[] in, float[] out, int width) {
        float[] partial = ctx.allocateFloatLocalArray(256);
        int size = ctx.localGroupSizeX * ctx.localGroupSizeY;
        int lid = ctx.localIdy * ctx.localGroupSizeX + ctx.localIdx;
        partial[lid] = in[ctx.globalIdy * width + ctx.globalIdx];
        for (int stride = size / 2; stride > 0; stride /= 2) {
            ctx.localBarrier();
            if (lid < stride) {
                partial[lid] += partial[lid + stride];
            }
        }
        if (lid == 0) {
            int groupsX = ctx.globalGroupSizeX / ctx.localGroupSizeX;
            out[ctx.groupIdy * groupsX + ctx.groupIdx] = partial[0];
        }
    }

    /** A histogram of {@code values} mod {@code bins.length}, and their maximum, by atomics. */
    static void histogram(KernelContext ctx, int[] values, int[] bins, int[] max) {
        int v = values[ctx.globalIdx];
        ctx.atomicAdd(bins, v % bins.length, 1);
        ctx.atomicMax(max, 0, v);
    }

    /** y = a * x + y, guarded for a grid larger than the arrays. */
    static void axpy(KernelContext ctx, float a, float[] x, float[] y, int n) {
        int i = ctx.globalIdx;
        if (i < n) {
            y[i] = a * x[i] + y[i];
        }
    }

    /** Parallel-loop style: the loop runs as written on the JVM. */
    static void scale(float[] x, float[] y, float a, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = a * x[i];
        }
    }

    /** Work-item {@code bad} reads before the start of {@code x}. */
    static void readAt(KernelContext ctx, float[] x, float[] y, int bad) {
        int i = ctx.globalIdx;
        y[i] = x[i == bad ? -1 : i];
    }

    /** Work-item {@code bad} fails while the others of its group wait at the barrier. */
    static void readBeforeBarrier(KernelContext ctx, float[] x, float[] y, int bad) {
        int i = ctx.globalIdx;
        float v = x[i == bad ? -1 : i];
        ctx.localBarrier();
        y[i] = v;
    }

    /** Work-item 3 of each group returns before the barrier the others wait at: a bug. */
    static void returnBeforeBarrier(KernelContext ctx, float[] y) {
        float[] shared = ctx.allocateFloatLocalArray(64);
        if (ctx.localIdx == 3) {
            return;
        }
        shared[ctx.localIdx] = ctx.localIdx;
        ctx.localBarrier();
        y[ctx.globalIdx] = shared[63 - ctx.localIdx];
    }

    /** Work-item 0 leaves after the first of two barriers. */
    static void returnBetweenBarriers(KernelContext ctx, float[] y) {
        ctx.localBarrier();
        if (ctx.localIdx == 0) {
            return;
        }
        ctx.localBarrier();
        y[ctx.globalIdx] = 1;
    }

    // ---- specs ---------------------------------------------------------------------------

    private static KernelSpec context(String name, boolean barrier, List<Param> params, KernelSpec.Invoker invoker) {
        return new KernelSpec(JvmBackendTest.class.getName(), name, name, KernelSpec.Style.CONTEXT, params, null,
                barrier, false, "JvmBackendTest.java", null, null, invoker);
    }

    private static final KernelSpec GROUP_SUM = context("groupSum", true,
            List.of(new Param("in", Type.FLOAT_ARRAY), new Param("out", Type.FLOAT_ARRAY)),
            (ctx, a) -> groupSum(ctx, (float[]) a[0], (float[]) a[1]));

    private static final KernelSpec TILE_SUM = context("tileSum", true,
            List.of(new Param("in", Type.FLOAT_ARRAY), new Param("out", Type.FLOAT_ARRAY), new Param("width", Type.INT)),
            (ctx, a) -> tileSum(ctx, (float[]) a[0], (float[]) a[1], (Integer) a[2]));

    private static final KernelSpec HISTOGRAM = context("histogram", false,
            List.of(new Param("values", Type.INT_ARRAY), new Param("bins", Type.INT_ARRAY), new Param("max", Type.INT_ARRAY)),
            (ctx, a) -> histogram(ctx, (int[]) a[0], (int[]) a[1], (int[]) a[2]));

    private static final KernelSpec AXPY = context("axpy", false,
            List.of(new Param("a", Type.FLOAT), new Param("x", Type.FLOAT_ARRAY), new Param("y", Type.FLOAT_ARRAY),
                    new Param("n", Type.INT)),
            (ctx, a) -> axpy(ctx, (Float) a[0], (float[]) a[1], (float[]) a[2], (Integer) a[3]));

    private static KernelSpec readAt(boolean barrier) {
        return context("readAt", barrier,
                List.of(new Param("x", Type.FLOAT_ARRAY), new Param("y", Type.FLOAT_ARRAY), new Param("bad", Type.INT)),
                (ctx, a) -> readAt(ctx, (float[]) a[0], (float[]) a[1], (Integer) a[2]));
    }

    // ---- helpers -------------------------------------------------------------------------

    private static Random random(String test) {
        long seed = System.nanoTime();
        System.out.println(test + ": seed " + seed);
        return new Random(seed);
    }

    private static float[] randomFloats(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    private static double relativeError(float[] out, double[] ref) {
        double diff = 0, norm = 0;
        for (int i = 0; i < ref.length; i++) {
            diff += (out[i] - ref[i]) * (out[i] - ref[i]);
            norm += ref[i] * ref[i];
        }
        return Math.sqrt(diff / norm);
    }

    private DeviceBuffer upload(Object host) {
        DeviceBuffer b = device.allocate(ElementType.of(host), ElementType.length(host));
        b.write(host);
        return b;
    }

    private static float[] nans(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    // ---- tests ---------------------------------------------------------------------------

    @Test
    void opensOneCachedDevice() {
        List<Device> devices = JvmBackend.open();
        assertEquals(1, devices.size());
        assertSame(devices.getFirst(), JvmBackend.open().getFirst());
        Device d = devices.getFirst();
        assertEquals("jvm", d.id());
        assertEquals("jvm", d.backend());
        assertTrue(d.name().matches("JVM \\(\\d+ cores\\)"), d.name());
        assertEquals(Runtime.getRuntime().maxMemory(), d.globalMemoryBytes());
        assertTrue(d.freeMemoryBytes() > 0 && d.freeMemoryBytes() <= d.globalMemoryBytes());
    }

    @Test
    void workGroupReductionWithBarriers() {
        Random r = random("workGroupReductionWithBarriers");
        int local = 256, groups = 37;
        float[] in = randomFloats(r, local * groups);
        double[] ref = new double[groups];
        for (int i = 0; i < in.length; i++) {
            ref[i / local] += in[i];
        }
        try (DeviceBuffer dIn = upload(in); DeviceBuffer dOut = upload(nans(groups))) {
            device.launch(device.compile(GROUP_SUM), Grid.of(in.length, local), new Object[]{dIn, dOut}, false);
            float[] out = new float[groups];
            dOut.read(out);
            double err = relativeError(out, ref);
            assertTrue(err < 1e-5, "relative error " + err);
        }
    }

    @Test
    void workGroupReductionOver2dGrid() {
        Random r = random("workGroupReductionOver2dGrid");
        int width = 64, height = 48, tile = 16;
        float[] in = randomFloats(r, width * height);
        int groupsX = width / tile, groupsY = height / tile;
        double[] ref = new double[groupsX * groupsY];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                ref[(y / tile) * groupsX + x / tile] += in[y * width + x];
            }
        }
        try (DeviceBuffer dIn = upload(in); DeviceBuffer dOut = upload(nans(ref.length))) {
            device.launch(device.compile(TILE_SUM), Grid.of(width, height, tile, tile), new Object[]{dIn, dOut, width}, false);
            float[] out = new float[ref.length];
            dOut.read(out);
            double err = relativeError(out, ref);
            assertTrue(err < 1e-5, "relative error " + err);
        }
    }

    @Test
    void atomicsUnderContentionFromManyGroups() {
        Random r = random("atomicsUnderContentionFromManyGroups");
        int n = 1024 * 64;
        int[] values = new int[n];
        int[] expectedBins = new int[16];
        int expectedMax = 0;
        for (int i = 0; i < n; i++) {
            values[i] = r.nextInt(1_000_000);
            expectedBins[values[i] % 16]++;
            expectedMax = Math.max(expectedMax, values[i]);
        }
        try (DeviceBuffer dValues = upload(values); DeviceBuffer dBins = upload(new int[16]);
             DeviceBuffer dMax = upload(new int[]{-1})) {
            device.launch(device.compile(HISTOGRAM), Grid.of(n, 64), new Object[]{dValues, dBins, dMax}, false);
            int[] bins = new int[16];
            int[] max = new int[1];
            dBins.read(bins);
            dMax.read(max);
            assertArrayEquals(expectedBins, bins);
            assertEquals(expectedMax, max[0]);
        }
    }

    @Test
    void kernelWithoutBarriersRunsEveryWorkItem() {
        Random r = random("kernelWithoutBarriersRunsEveryWorkItem");
        int n = 1000;
        float[] x = randomFloats(r, n);
        float[] y = randomFloats(r, n);
        double[] ref = new double[n];
        for (int i = 0; i < n; i++) {
            ref[i] = 0.5 * x[i] + y[i];
        }
        try (DeviceBuffer dx = upload(x); DeviceBuffer dy = upload(y)) {
            long nanos = device.launch(device.compile(AXPY), Grid.covering(n, 128), new Object[]{0.5f, dx, dy, n}, true);
            assertTrue(nanos > 0, "timed launch returns its time");
            float[] out = nans(n);
            dy.read(out);
            double err = relativeError(out, ref);
            assertTrue(err < 1e-6, "relative error " + err);
        }
    }

    @Test
    void barrierInKernelSaidToHaveNoneIsAnError() {
        KernelSpec wrong = context("groupSum", false, GROUP_SUM.params(), GROUP_SUM.invoker());
        try (DeviceBuffer dIn = upload(new float[256]); DeviceBuffer dOut = upload(new float[1])) {
            var e = assertThrows(BackendException.class, () ->
                    device.launch(device.compile(wrong), Grid.of(256, 256), new Object[]{dIn, dOut}, false));
            assertTrue(e.getMessage().contains("usesBarrier = false"), e.getMessage());
        }
    }

    @Test
    void parallelKernelRunsOnceWithoutContext() {
        Random r = random("parallelKernelRunsOnceWithoutContext");
        int n = 777;
        float[] x = randomFloats(r, n);
        AtomicInteger calls = new AtomicInteger();
        KernelSpec spec = new KernelSpec(JvmBackendTest.class.getName(), "scale", "scale", KernelSpec.Style.PARALLEL,
                List.of(new Param("x", Type.FLOAT_ARRAY), new Param("y", Type.FLOAT_ARRAY), new Param("a", Type.FLOAT),
                        new Param("n", Type.INT)),
                List.of("n"), false, false, "JvmBackendTest.java", null, null, (ctx, a) -> {
                    calls.incrementAndGet();
                    assertNull(ctx);
                    scale((float[]) a[0], (float[]) a[1], (Float) a[2], (Integer) a[3]);
                });
        double[] ref = new double[n];
        for (int i = 0; i < n; i++) {
            ref[i] = 3.0 * x[i];
        }
        try (DeviceBuffer dx = upload(x); DeviceBuffer dy = upload(nans(n))) {
            // any valid grid: the loop covers n whatever the grid
            device.launch(device.compile(spec), Grid.of(64, 32), new Object[]{dx, dy, 3.0f, n}, false);
            float[] out = new float[n];
            dy.read(out);
            assertEquals(1, calls.get());
            double err = relativeError(out, ref);
            assertTrue(err < 1e-6, "relative error " + err);
        }
    }

    @Test
    void subRangeTransfersLeaveTheRestUntouched() {
        float[] initial = new float[100];
        for (int i = 0; i < initial.length; i++) {
            initial[i] = i;
        }
        try (DeviceBuffer b = upload(initial)) {
            float[] patch = {-1, -2, -3, -4, -5, -6, -7, -8};
            b.write(patch, 2, 40, 5);   // patch[2..7) to device [40, 45)
            float[] host = nans(100);
            b.read(host, 10, 38, 9);    // device [38, 47) to host [10, 19)
            for (int i = 0; i < 100; i++) {
                float expected = i < 10 || i >= 19 ? Float.NaN : (i + 28 >= 40 && i + 28 < 45 ? patch[i + 28 - 40 + 2] : i + 28);
                assertEquals(expected, host[i], "host element " + i);
            }
            float[] all = new float[100];
            b.read(all);
            for (int i = 0; i < 100; i++) {
                assertEquals(i >= 40 && i < 45 ? patch[i - 38] : i, all[i], "device element " + i);
            }
            assertThrows(IndexOutOfBoundsException.class, () -> b.write(patch, 0, 96, 5));
            assertThrows(IllegalArgumentException.class, () -> b.write(new int[5], 0, 0, 5));
        }
    }

    @Test
    void buffersAreCopiesSoTransfersMatter() {
        float[] x = {1, 2, 3, 4};
        float[] y = {0, 0, 0, 0};
        try (DeviceBuffer dx = upload(x); DeviceBuffer dy = upload(y)) {
            x[0] = 100;   // not transferred: the device keeps 1
            device.launch(device.compile(AXPY), Grid.of(4, 4), new Object[]{1f, dx, dy, 4}, false);
            assertArrayEquals(new float[]{0, 0, 0, 0}, y, "the host copy changes only when read");
            dy.read(y);
            assertArrayEquals(new float[]{1, 2, 3, 4}, y);
        }
    }

    @Test
    void workItemExceptionNamesKernelGroupAndWorkItem() {
        for (boolean barrier : new boolean[]{false, true}) {
            try (DeviceBuffer dx = upload(new float[256]); DeviceBuffer dy = upload(new float[256])) {
                var e = assertThrows(BackendException.class, () ->
                        device.launch(device.compile(readAt(barrier)), Grid.of(256, 64), new Object[]{dx, dy, 77}, false));
                assertEquals("JvmBackendTest.readAt failed in work-item 13 of group 1 (global 77): "
                        + "java.lang.ArrayIndexOutOfBoundsException: Index -1 out of bounds for length 256", e.getMessage());
                assertInstanceOf(ArrayIndexOutOfBoundsException.class, e.getCause());
            }
        }
    }

    @Test
    void workItemExceptionAtBarrierReleasesTheOthers() {
        KernelSpec spec = context("readBeforeBarrier", true,
                List.of(new Param("x", Type.FLOAT_ARRAY), new Param("y", Type.FLOAT_ARRAY), new Param("bad", Type.INT)),
                (ctx, a) -> readBeforeBarrier(ctx, (float[]) a[0], (float[]) a[1], (Integer) a[2]));
        try (DeviceBuffer dx = upload(new float[256]); DeviceBuffer dy = upload(new float[256])) {
            var e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(BackendException.class, () ->
                    device.launch(device.compile(spec), Grid.of(256, 64), new Object[]{dx, dy, 130}, false)));
            assertEquals("JvmBackendTest.readBeforeBarrier failed in work-item 2 of group 2 (global 130): "
                    + "java.lang.ArrayIndexOutOfBoundsException: Index -1 out of bounds for length 256", e.getMessage());
        }
    }

    @Test
    void earlyReturnAtBarrierIsDetected() {
        KernelSpec before = context("returnBeforeBarrier", true, List.of(new Param("y", Type.FLOAT_ARRAY)),
                (ctx, a) -> returnBeforeBarrier(ctx, (float[]) a[0]));
        KernelSpec between = context("returnBetweenBarriers", true, List.of(new Param("y", Type.FLOAT_ARRAY)),
                (ctx, a) -> returnBetweenBarriers(ctx, (float[]) a[0]));
        for (KernelSpec spec : List.of(before, between)) {
            try (DeviceBuffer dy = upload(new float[256])) {
                var e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(BackendException.class, () ->
                        device.launch(device.compile(spec), Grid.of(256, 64), new Object[]{dy}, false)));
                assertTrue(e.getMessage().startsWith("work-item returned while others wait at a barrier in JvmBackendTest."
                        + spec.name()), e.getMessage());
            }
        }
    }

    @Test
    void badArgumentsAreErrors() {
        try (DeviceBuffer dx = upload(new float[4]); DeviceBuffer ints = upload(new int[4])) {
            var compiled = device.compile(AXPY);
            var wrongCount = assertThrows(IllegalArgumentException.class, () ->
                    device.launch(compiled, Grid.of(4, 4), new Object[]{1f, dx, dx}, false));
            assertEquals("JvmBackendTest.axpy takes 4 arguments, given 3", wrongCount.getMessage());
            var wrongBuffer = assertThrows(IllegalArgumentException.class, () ->
                    device.launch(compiled, Grid.of(4, 4), new Object[]{1f, dx, ints, 4}, false));
            assertTrue(wrongBuffer.getMessage().contains("parameter y (FLOAT_ARRAY) given a INT buffer"), wrongBuffer.getMessage());
            var tooLargeGroup = assertThrows(BackendException.class, () ->
                    device.launch(compiled, Grid.of(2048, 2048), new Object[]{1f, dx, dx, 4}, false));
            assertTrue(tooLargeGroup.getMessage().contains("exceeds the maximum of 1024"), tooLargeGroup.getMessage());
        }
        DeviceBuffer closed = upload(new float[4]);
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.read(new float[4]));
    }

    @Test
    void allocationBeyondTheHeapIsOutOfDeviceMemory() {
        long length = Runtime.getRuntime().maxMemory() / 8 + (1 << 20);
        Assumptions.assumeTrue(length < Integer.MAX_VALUE - 8, "the heap is larger than one Java array can be");
        var e = assertThrows(OutOfDeviceMemoryException.class, () -> device.allocate(ElementType.LONG, length));
        assertEquals(length * 8, e.requestedBytes);
        assertTrue(e.freeBytes < e.requestedBytes);
    }
}
