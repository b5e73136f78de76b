package sparse.engine.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import sparse.engine.backend.BackendUnavailableException;
import sparse.engine.backend.Device;
import sparse.engine.backend.DeviceBuffer;
import sparse.engine.backend.ElementType;
import sparse.engine.backend.Grid;
import sparse.engine.backend.KernelCompileException;
import sparse.engine.backend.OutOfDeviceMemoryException;
import sparse.tasks.lang.KernelSpec;
import sparse.tasks.lang.KernelSpec.Param;
import sparse.tasks.lang.KernelSpec.Type;

/**
 * The OpenCL backend on every OpenCL device present, with hand-written OpenCL C kernels (the
 * translator's own kernels are run elsewhere). Skipped, with the reason, where there is none.
 */
class OpenClBackendTest {

    /** Every OpenCL device here, or the test is skipped with the backend's reason. */
    private static List<Device> devices() {
        try {
            return OpenClBackend.open();
        } catch (BackendUnavailableException e) {
            Assumptions.abort("opencl backend unavailable: " + e.getMessage());
            throw e;
        }
    }

    private static Random seeded(String test) {
        long seed = System.nanoTime();
        System.out.println(test + ": seed " + seed);
        return new Random(seed);
    }

    /** A kernel of a hand-written OpenCL C program; each generated line i + 1 "comes from" Java line javaLines[i]. */
    private static KernelSpec spec(String kernelClass, String entryPoint, List<Param> params, String opencl, int[] javaLines) {
        return new KernelSpec(kernelClass, entryPoint, entryPoint, KernelSpec.Style.CONTEXT, params, null, true, false,
                "Hand.java", new KernelSpec.Source(opencl, javaLines), null,
                (context, args) -> {
                    throw new UnsupportedOperationException("hand-written OpenCL kernel has no Java body");
                });
    }

    private static KernelSpec spec(String kernelClass, String entryPoint, List<Param> params, String opencl) {
        return spec(kernelClass, entryPoint, params, opencl, new int[0]);
    }

    private static final KernelSpec ADD = spec("test.Add", "add",
            List.of(new Param("a", Type.FLOAT_ARRAY), new Param("b", Type.FLOAT_ARRAY), new Param("c", Type.FLOAT_ARRAY)),
            """
            __kernel void add(__global const float* a, __global const float* b, __global float* c,
                              int a_length, int b_length, int c_length) {
                int i = get_global_id(0);
                if (i < c_length) {
                    c[i] = a[i] + b[i];
                }
            }
            """);

    private static double relativeError(float[] out, double[] ref) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < ref.length; i++) {
            diff += (out[i] - ref[i]) * (out[i] - ref[i]);
            norm += ref[i] * ref[i];
        }
        return Math.sqrt(diff / norm);
    }

    private static float[] randomFloats(Random rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rng.nextGaussian();
        }
        return a;
    }

    private static float[] nans(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    @Test
    void openReturnsTheSameDevicesEachTime() {
        List<Device> first = devices();
        List<Device> second = devices();
        assertEquals(first.size(), second.size());
        for (int i = 0; i < first.size(); i++) {
            Device d = first.get(i);
            assertSame(d, second.get(i));
            System.out.println(d.id() + ": " + d.name() + ", " + d.globalMemoryBytes() + " bytes, work-groups up to "
                    + d.maxWorkGroupSize() + ", " + d.localMemoryBytes() + " bytes local");
            assertTrue(d.id().matches("opencl:\\d+:\\d+"), d.id());
            assertEquals("opencl", d.backend());
            assertTrue(d.globalMemoryBytes() > 0 && d.maxWorkGroupSize() > 0 && d.localMemoryBytes() > 0);
        }
    }

    /** Big enough that transfers are staged in several pieces. */
    @Test
    void vectorAddMatchesJava() {
        Random rng = seeded("vectorAddMatchesJava");
        int n = 9_000_037;
        for (Device device : devices()) {
            float[] a = randomFloats(rng, n);
            float[] b = randomFloats(rng, n);
            double[] ref = new double[n];
            for (int i = 0; i < n; i++) {
                ref[i] = (double) a[i] + b[i];
            }
            try (DeviceBuffer da = device.allocate(ElementType.FLOAT, n);
                 DeviceBuffer db = device.allocate(ElementType.FLOAT, n);
                 DeviceBuffer dc = device.allocate(ElementType.FLOAT, n)) {
                da.write(a);
                db.write(b);
                dc.write(nans(n));
                Device.CompiledKernel add = device.compile(ADD);
                assertSame(add, device.compile(ADD), "compiled kernels are cached");
                assertEquals(-1, device.launch(add, Grid.covering(n, 256), new Object[]{da, db, dc}, false));
                device.synchronize();
                float[] c = nans(n);
                dc.read(c);
                double err = relativeError(c, ref);
                // One fp32 rounding per element: at most 2^-24 relative.
                assertTrue(err < 1e-7, device.id() + ": relative error " + err);
            }
        }
    }

    @Test
    void subRangeWriteAndReadLeaveTheRestAlone() {
        Random rng = seeded("subRangeWriteAndReadLeaveTheRestAlone");
        int rows = 10;
        int cols = 7;
        int r0 = 3;
        int r1 = 6;
        int pad = 2 * cols;
        for (Device device : devices()) {
            for (ElementType type : ElementType.values()) {
                Object whole = randomArray(type, rows * cols, rng);
                Object rowsSource = randomArray(type, pad + (r1 - r0) * cols, rng);
                try (DeviceBuffer buffer = device.allocate(type, rows * cols)) {
                    buffer.write(whole);
                    buffer.write(rowsSource, pad, (long) r0 * cols, (r1 - r0) * cols);

                    Object back = randomArray(type, rows * cols, rng);
                    buffer.read(back);
                    for (int i = 0; i < rows * cols; i++) {
                        int row = i / cols;
                        Object expected = row >= r0 && row < r1 ? Array.get(rowsSource, pad + i - r0 * cols) : Array.get(whole, i);
                        assertEquals(expected, Array.get(back, i), type + " element " + i + " (row " + row + ")");
                    }

                    // Read rows [r0, r1) into the middle of a host array; the host array's other elements stay.
                    Object host = randomArray(type, pad + (r1 - r0) * cols + 5, rng);
                    Object before = copy(host);
                    buffer.read(host, pad, (long) r0 * cols, (r1 - r0) * cols);
                    for (int i = 0; i < Array.getLength(host); i++) {
                        boolean inRange = i >= pad && i < pad + (r1 - r0) * cols;
                        Object expected = inRange ? Array.get(rowsSource, i) : Array.get(before, i);
                        assertEquals(expected, Array.get(host, i), type + " host element " + i);
                    }
                }
            }
        }
    }

    @Test
    void transfersCheckTheirRanges() {
        for (Device device : devices()) {
            try (DeviceBuffer buffer = device.allocate(ElementType.INT, 10)) {
                assertThrows(IllegalArgumentException.class, () -> buffer.write(new int[4], 0, 8, 4));
                assertThrows(IllegalArgumentException.class, () -> buffer.read(new int[4], 2, 0, 4));
                assertThrows(IllegalArgumentException.class, () -> buffer.write(new float[10]));
                buffer.close();
                assertThrows(IllegalStateException.class, () -> buffer.read(new int[10]));
            }
        }
    }

    @Test
    void scalarsOfEveryTypeArrive() {
        KernelSpec scalars = spec("test.Scalars", "scalars",
                List.of(new Param("out", Type.LONG_ARRAY), new Param("i", Type.INT), new Param("l", Type.LONG),
                        new Param("f", Type.FLOAT), new Param("s", Type.SHORT), new Param("b", Type.BYTE)),
                """
                __kernel void scalars(__global long* out, int i, long l, float f, short s, char b, int out_length) {
                    out[0] = i;
                    out[1] = l;
                    out[2] = as_int(f);
                    out[3] = s;
                    out[4] = b;
                    out[5] = out_length;
                }
                """);
        int i = -123_456_789;
        long l = -(1L << 40) - 5;
        float f = -3.25e-7f;
        short s = -31_000;
        byte b = -100;
        for (Device device : devices()) {
            try (DeviceBuffer out = device.allocate(ElementType.LONG, 6)) {
                out.write(new long[]{7, 7, 7, 7, 7, 7});
                device.launch(device.compile(scalars), Grid.of(1, 1), new Object[]{out, i, l, f, s, b}, false);
                long[] got = new long[6];
                out.read(got);
                assertArrayEquals(new long[]{i, l, Float.floatToRawIntBits(f), s, b, 6}, got, device.id());
            }
        }
    }

    @Test
    void workGroupReductionWithLocalMemory() {
        KernelSpec groupSum = spec("test.GroupSum", "groupSum",
                List.of(new Param("x", Type.FLOAT_ARRAY), new Param("partial", Type.FLOAT_ARRAY)),
                """
                __kernel void groupSum(__global const float* x, __global float* partial, int x_length, int partial_length) {
                    __local float scratch[256];
                    int i = get_global_id(0);
                    int t = get_local_id(0);
                    scratch[t] = i < x_length ? x[i] : 0.0f;
                    barrier(CLK_LOCAL_MEM_FENCE);
                    for (int stride = get_local_size(0) / 2; stride > 0; stride /= 2) {
                        if (t < stride) {
                            scratch[t] += scratch[t + stride];
                        }
                        barrier(CLK_LOCAL_MEM_FENCE);
                    }
                    if (t == 0) {
                        partial[get_group_id(0)] = scratch[0];
                    }
                }
                """);
        Random rng = seeded("workGroupReductionWithLocalMemory");
        int local = 256;
        int groups = 97;
        int n = groups * local - 100;
        for (Device device : devices()) {
            float[] x = randomFloats(rng, n);
            double[] ref = new double[groups];
            for (int i = 0; i < n; i++) {
                ref[i / local] += x[i];
            }
            try (DeviceBuffer dx = device.allocate(ElementType.FLOAT, n);
                 DeviceBuffer dp = device.allocate(ElementType.FLOAT, groups)) {
                dx.write(x);
                dp.write(nans(groups));
                device.launch(device.compile(groupSum), Grid.of((long) groups * local, local), new Object[]{dx, dp}, false);
                float[] partial = nans(groups);
                dp.read(partial);
                double err = relativeError(partial, ref);
                // 256 fp32 additions per group in a tree: a few ulps of relative error.
                assertTrue(err < 1e-5, device.id() + ": relative error " + err);
            }
        }
    }

    @Test
    void twoDimensionalGrid() {
        KernelSpec coords = spec("test.Coords", "coords", List.of(new Param("out", Type.INT_ARRAY), new Param("width", Type.INT)),
                """
                __kernel void coords(__global int* out, int width, int out_length) {
                    int x = get_global_id(0);
                    int y = get_global_id(1);
                    out[y * width + x] = x * 1000 + y;
                }
                """);
        int width = 64;
        int height = 24;
        for (Device device : devices()) {
            try (DeviceBuffer out = device.allocate(ElementType.INT, width * height)) {
                int[] poison = new int[width * height];
                Arrays.fill(poison, -1);
                out.write(poison);
                device.launch(device.compile(coords), Grid.of(width, height, 16, 8), new Object[]{out, width}, false);
                int[] got = new int[width * height];
                out.read(got);
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        assertEquals(x * 1000 + y, got[y * width + x], "x " + x + " y " + y);
                    }
                }
            }
        }
    }

    @Test
    void timedLaunchReportsDeviceTime() {
        Random rng = seeded("timedLaunchReportsDeviceTime");
        int n = 1 << 20;
        for (Device device : devices()) {
            try (DeviceBuffer a = device.allocate(ElementType.FLOAT, n);
                 DeviceBuffer b = device.allocate(ElementType.FLOAT, n);
                 DeviceBuffer c = device.allocate(ElementType.FLOAT, n)) {
                a.write(randomFloats(rng, n));
                b.write(randomFloats(rng, n));
                long nanos = device.launch(device.compile(ADD), Grid.covering(n, 256), new Object[]{a, b, c}, true);
                System.out.println(device.id() + ": add of " + n + " floats took " + nanos + " ns");
                assertTrue(nanos > 0, device.id() + ": " + nanos + " ns");
            }
        }
    }

    @Test
    void syntaxErrorNamesTheDriverLogTheGeneratedLineAndTheJavaLine() {
        String text = """
                // generated from Broken.java
                __kernel void broken(__global float* out, int out_length) {
                    int i = get_global_id(0);
                    out[i] = undefined_name + ;
                }
                """;
        KernelSpec broken = spec("test.Broken", "broken", List.of(new Param("out", Type.FLOAT_ARRAY)), text,
                new int[]{0, 40, 41, 42, 43});
        for (Device device : devices()) {
            KernelCompileException e = assertThrows(KernelCompileException.class, () -> device.compile(broken));
            String message = e.getMessage();
            System.out.println(message);
            assertTrue(message.contains("test.Broken.broken"), message);
            assertTrue(message.contains("error"), "the driver's log: " + message);
            assertTrue(message.contains("out[i] = undefined_name + ;"), "the generated line: " + message);
            assertTrue(message.contains("from Hand.java:42"), "the Java line: " + message);
        }
    }

    /** The message helper on the log formats of both device compilers (no device needed). */
    @Test
    void compileMessageReadsClangAndNvrtcPositions() {
        String text = "a\nb\nc\nd";
        KernelSpec k = spec("test.Log", "log", List.of(), text, new int[]{5, 6, 0, 8});
        String clang = KernelCompileException.of(k, "OpenCL C", k.opencl(),
                "<source>:2:7: error: bad\n/usr/lib/clang/include/opencl-c.h:3:1: note: here").getMessage();
        assertTrue(clang.contains("line 2: b    from Hand.java:6"), clang);
        assertTrue(!clang.contains("line 3:"), "header positions are not ours: " + clang);
        String nvrtc = KernelCompileException.of(k, "CUDA C", k.opencl(),
                "Log.cu(4): error: bad\nLog.cu(3): warning: meh\nLog.cu(99): error: beyond").getMessage();
        assertTrue(nvrtc.contains("line 4: d    from Hand.java:8"), nvrtc);
        assertTrue(nvrtc.contains("line 3: c    (no Java line"), nvrtc);
        assertTrue(nvrtc.indexOf("line 4:") < nvrtc.indexOf("line 3:"), "in the log's order: " + nvrtc);
        assertTrue(!nvrtc.contains("line 99:"), nvrtc);
    }

    @Test
    void allocationsBeyondTheDeviceThrowWithBothNumbers() {
        for (Device device : devices()) {
            long free = device.freeMemoryBytes();
            long floats = device.globalMemoryBytes() / 4 + 1;
            OutOfDeviceMemoryException e = assertThrows(OutOfDeviceMemoryException.class,
                    () -> device.allocate(ElementType.FLOAT, floats));
            System.out.println(e.getMessage());
            assertEquals(floats * 4, e.requestedBytes);
            assertEquals(free, e.freeBytes);
            assertTrue(e.getMessage().contains(Long.toString(floats * 4)), e.getMessage());
            assertTrue(e.getMessage().contains(Long.toString(free)), e.getMessage());
            assertEquals(free, device.freeMemoryBytes(), "a refused allocation takes nothing");
        }
    }

    @Test
    void freeMemoryTracksOurAllocations() {
        for (Device device : devices()) {
            long before = device.freeMemoryBytes();
            DeviceBuffer buffer = device.allocate(ElementType.LONG, 1000);
            assertEquals(before - 8000, device.freeMemoryBytes());
            buffer.close();
            buffer.close();
            assertEquals(before, device.freeMemoryBytes());
        }
    }

    @Test
    void mismatchedArgumentsAreRefusedByName() {
        for (Device device : devices()) {
            Device.CompiledKernel add = device.compile(ADD);
            Grid grid = Grid.of(16, 16);
            try (DeviceBuffer a = device.allocate(ElementType.FLOAT, 16);
                 DeviceBuffer b = device.allocate(ElementType.FLOAT, 16);
                 DeviceBuffer ints = device.allocate(ElementType.INT, 16)) {
                DeviceBuffer closed = device.allocate(ElementType.FLOAT, 16);
                closed.close();
                DeviceBuffer foreign = new ForeignBuffer();
                assertRefused(device, add, grid, new Object[]{a, b}, "takes 3 arguments");
                assertRefused(device, add, grid, new Object[]{a, b, ints}, "parameter c");
                assertRefused(device, add, grid, new Object[]{a, 1.0f, b}, "parameter b");
                assertRefused(device, add, grid, new Object[]{a, b, null}, "parameter c");
                assertRefused(device, add, grid, new Object[]{closed, b, a}, "parameter a got a closed buffer");
                assertRefused(device, add, grid, new Object[]{a, foreign, b}, "parameter b got a buffer of another device");
            }
            KernelSpec scaled = spec("test.Scale", "scale", List.of(new Param("x", Type.FLOAT_ARRAY), new Param("k", Type.LONG)),
                    "__kernel void scale(__global float* x, long k, int x_length) { x[get_global_id(0)] *= k; }");
            try (DeviceBuffer x = device.allocate(ElementType.FLOAT, 16)) {
                assertRefused(device, device.compile(scaled), grid, new Object[]{x, 3}, "parameter k takes a long, got Integer");
            }
        }
    }

    private static void assertRefused(Device device, Device.CompiledKernel kernel, Grid grid, Object[] args, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> device.launch(kernel, grid, args, false));
        String where = kernel.spec().kernelClass() + "." + kernel.spec().name();
        assertTrue(e.getMessage().contains(where) && e.getMessage().contains(expected), e.getMessage());
    }

    /** A buffer of some other backend. */
    private static final class ForeignBuffer implements DeviceBuffer {
        @Override
        public ElementType type() {
            return ElementType.FLOAT;
        }

        @Override
        public long length() {
            return 16;
        }

        @Override
        public void write(Object hostArray, int hostOffset, long deviceOffset, int count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void read(Object hostArray, int hostOffset, long deviceOffset, int count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    private static Object randomArray(ElementType type, int n, Random rng) {
        Object a = Array.newInstance(type.arrayClass.getComponentType(), n);
        for (int i = 0; i < n; i++) {
            switch (type) {
                case FLOAT -> Array.setFloat(a, i, (float) rng.nextGaussian());
                case INT -> Array.setInt(a, i, rng.nextInt());
                case LONG -> Array.setLong(a, i, rng.nextLong());
                case SHORT -> Array.setShort(a, i, (short) rng.nextInt());
                case BYTE -> Array.setByte(a, i, (byte) rng.nextInt());
            }
        }
        return a;
    }

    private static Object copy(Object array) {
        int n = Array.getLength(array);
        Object c = Array.newInstance(array.getClass().getComponentType(), n);
        System.arraycopy(array, 0, c, 0, n);
        return c;
    }
}
