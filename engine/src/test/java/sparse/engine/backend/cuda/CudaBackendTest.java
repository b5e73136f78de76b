package sparse.engine.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import sparse.engine.backend.BackendUnavailableException;
import sparse.engine.backend.Device;
import sparse.engine.backend.Device.CompiledKernel;
import sparse.engine.backend.DeviceBuffer;
import sparse.engine.backend.ElementType;
import sparse.engine.backend.Grid;
import sparse.engine.backend.KernelCompileException;
import sparse.engine.backend.OutOfDeviceMemoryException;
import sparse.tasks.lang.KernelSpec;
import sparse.tasks.lang.KernelSpec.Param;
import sparse.tasks.lang.KernelSpec.Type;

/**
 * The cuda backend against hand-written CUDA C kernels and plain-Java references. Skips where
 * the backend cannot open (no driver, no device, no NVRTC). {@link GpuTestRunner} runs these
 * same tests on a GPU machine that has no Maven.
 */
class CudaBackendTest {
    /** One class program with several kernels, as the translator generates one per kernel class. */
    private static final String PROGRAM = """
            extern "C" __global__ void vadd(const float* a, const float* b, float* c, int n,
                                            int a_length, int b_length, int c_length) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) c[i] = a[i] + b[i];
            }

            extern "C" __global__ void scalars(long long* out, float* outF, int i, long long l, float f,
                                               short s, signed char b, int out_length, int outF_length) {
                if (blockIdx.x == 0 && threadIdx.x == 0) {
                    out[0] = i; out[1] = l; out[2] = s; out[3] = b;
                    out[4] = out_length; out[5] = outF_length;
                    outF[0] = f;
                }
            }

            // One partial sum per block of 256 threads, through shared memory.
            extern "C" __global__ void blockSum(const float* x, float* partial, int x_length, int partial_length) {
                __shared__ float tile[256];
                int t = threadIdx.x;
                int i = blockIdx.x * blockDim.x + t;
                tile[t] = i < x_length ? x[i] : 0.0f;
                __syncthreads();
                for (int s = blockDim.x / 2; s > 0; s >>= 1) {
                    if (t < s) tile[t] += tile[t + s];
                    __syncthreads();
                }
                if (t == 0) partial[blockIdx.x] = tile[0];
            }

            extern "C" __global__ void grid2d(int* out, int width, int out_length) {
                int x = blockIdx.x * blockDim.x + threadIdx.x;
                int y = blockIdx.y * blockDim.y + threadIdx.y;
                out[y * width + x] = x * 1000 + y;
            }
            """;
    private static final String CLASS = "sparse.engine.backend.cuda.HandWrittenKernels";

    private static final KernelSpec VADD = spec(CLASS, "vadd", PROGRAM, new int[0],
            new Param("a", Type.FLOAT_ARRAY), new Param("b", Type.FLOAT_ARRAY), new Param("c", Type.FLOAT_ARRAY),
            new Param("n", Type.INT));
    private static final KernelSpec SCALARS = spec(CLASS, "scalars", PROGRAM, new int[0],
            new Param("out", Type.LONG_ARRAY), new Param("outF", Type.FLOAT_ARRAY), new Param("i", Type.INT),
            new Param("l", Type.LONG), new Param("f", Type.FLOAT), new Param("s", Type.SHORT), new Param("b", Type.BYTE));
    private static final KernelSpec BLOCK_SUM = spec(CLASS, "blockSum", PROGRAM, new int[0],
            new Param("x", Type.FLOAT_ARRAY), new Param("partial", Type.FLOAT_ARRAY));
    private static final KernelSpec GRID_2D = spec(CLASS, "grid2d", PROGRAM, new int[0],
            new Param("out", Type.INT_ARRAY), new Param("width", Type.INT));

    private static KernelSpec spec(String kernelClass, String name, String cuda, int[] javaLines, Param... params) {
        return new KernelSpec(kernelClass, name, name, KernelSpec.Style.CONTEXT, List.of(params), List.of(), false, false,
                kernelClass.substring(kernelClass.lastIndexOf('.') + 1) + ".java", null,
                new KernelSpec.Source(cuda, javaLines), (context, args) -> {
                    throw new UnsupportedOperationException("a CUDA-only test kernel");
                });
    }

    private static Device device() {
        try {
            return CudaBackend.open().get(0);
        } catch (BackendUnavailableException e) {
            Assumptions.assumeTrue(false, "cuda unavailable: " + e.getMessage());
            throw e;
        }
    }

    private static Random random(String test) {
        long seed = System.nanoTime();
        System.out.println(test + ": seed " + seed);
        return new Random(seed);
    }

    private static float[] randomFloats(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextFloat() * 2 - 1;
        }
        return a;
    }

    private static float[] nans(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    /** ||out - ref|| / ||ref||. */
    private static double relativeError(float[] out, double[] ref) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < ref.length; i++) {
            diff += (out[i] - ref[i]) * (out[i] - ref[i]);
            norm += ref[i] * ref[i];
        }
        return Math.sqrt(diff / norm);
    }

    @Test
    void opensDevicesWithTheirLimits() {
        Device d = device();
        System.out.printf("%s: %s, %d MiB total, %d MiB free, work-groups up to %d, %d KiB shared%n", d.id(), d.name(),
                d.globalMemoryBytes() >> 20, d.freeMemoryBytes() >> 20, d.maxWorkGroupSize(), d.localMemoryBytes() >> 10);
        assertEquals("cuda", d.backend());
        assertEquals("cuda:0", d.id());
        assertTrue(!d.name().isBlank());
        assertTrue(d.freeMemoryBytes() > 0 && d.freeMemoryBytes() <= d.globalMemoryBytes());
        assertTrue(d.maxWorkGroupSize() >= 256, "max threads per block " + d.maxWorkGroupSize());
        assertTrue(d.localMemoryBytes() >= 16 * 1024, "shared memory per block " + d.localMemoryBytes());
        assertSame(CudaBackend.open(), CudaBackend.open(), "devices are opened once and cached");
    }

    @Test
    void vectorAddMatchesJava() {
        Device d = device();
        Random rnd = random("vectorAdd");
        int n = 1_000_000 + rnd.nextInt(1000);
        float[] a = randomFloats(rnd, n);
        float[] b = randomFloats(rnd, n);
        float[] c = nans(n);
        CompiledKernel k = d.compile(VADD);
        try (DeviceBuffer da = d.allocate(ElementType.FLOAT, n); DeviceBuffer db = d.allocate(ElementType.FLOAT, n);
             DeviceBuffer dc = d.allocate(ElementType.FLOAT, n)) {
            da.write(a);
            db.write(b);
            dc.write(c);
            assertEquals(-1, d.launch(k, Grid.covering(n, 256), new Object[]{da, db, dc, n}, false));
            dc.read(c);
        }
        double[] ref = new double[n];
        for (int i = 0; i < n; i++) {
            ref[i] = (double) a[i] + b[i];
            assertEquals(a[i] + b[i], c[i], "c[" + i + "] as the JVM adds floats");
        }
        double err = relativeError(c, ref);
        System.out.println("vectorAdd: n " + n + ", relative error " + err);
        assertTrue(err < 1e-7, "relative error " + err);
    }

    @Test
    void subRangeTransfersLeaveTheRestUntouched() {
        Device d = device();
        Random rnd = random("subRange");
        for (ElementType type : ElementType.values()) {
            int n = 1000 + rnd.nextInt(1000);
            Object whole = randomArray(type, n, rnd);
            Object part = randomArray(type, 300, rnd);
            int hostOffset = 17;
            int deviceOffset = 500 + rnd.nextInt(200);
            int count = 123;
            try (DeviceBuffer buffer = d.allocate(type, n)) {
                buffer.write(whole);
                buffer.write(part, hostOffset, deviceOffset, count);
                Object expected = copyOf(whole);
                System.arraycopy(part, hostOffset, expected, deviceOffset, count);

                Object back = poisoned(type, n);
                buffer.read(back);
                assertSameElements(expected, back, type + " buffer after a sub-range write");

                Object window = poisoned(type, 200);
                buffer.read(window, 40, deviceOffset + 10, 100);
                Object expectedWindow = poisoned(type, 200);
                System.arraycopy(expected, deviceOffset + 10, expectedWindow, 40, 100);
                assertSameElements(expectedWindow, window, type + " sub-range read");

                assertThrows(IllegalArgumentException.class, () -> buffer.write(part, 0, n - 10, 20));
            }
        }
    }

    private static Object randomArray(ElementType type, int n, Random rnd) {
        return switch (type) {
            case FLOAT -> randomFloats(rnd, n);
            case INT -> rnd.ints(n).toArray();
            case LONG -> rnd.longs(n).toArray();
            case SHORT -> {
                short[] a = new short[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (short) rnd.nextInt();
                }
                yield a;
            }
            case BYTE -> {
                byte[] a = new byte[n];
                rnd.nextBytes(a);
                yield a;
            }
        };
    }

    /** An array of an unlikely value, to show which elements a copy wrote. */
    private static Object poisoned(ElementType type, int n) {
        Object a = java.lang.reflect.Array.newInstance(type.arrayClass.componentType(), n);
        for (int i = 0; i < n; i++) {
            switch (type) {
                case FLOAT -> ((float[]) a)[i] = Float.NaN;
                case INT -> ((int[]) a)[i] = 0xDEADBEEF;
                case LONG -> ((long[]) a)[i] = 0xDEADBEEFCAFEL;
                case SHORT -> ((short[]) a)[i] = (short) 0xBEEF;
                case BYTE -> ((byte[]) a)[i] = (byte) 0xEF;
            }
        }
        return a;
    }

    private static Object copyOf(Object array) {
        int n = ElementType.length(array);
        Object copy = java.lang.reflect.Array.newInstance(array.getClass().componentType(), n);
        System.arraycopy(array, 0, copy, 0, n);
        return copy;
    }

    private static void assertSameElements(Object expected, Object actual, String what) {
        assertTrue(Arrays.deepEquals(new Object[]{expected}, new Object[]{actual}), what);
    }

    @Test
    void scalarsOfEachTypeArriveIntact() {
        Device d = device();
        Random rnd = random("scalars");
        int i = rnd.nextInt();
        long l = rnd.nextLong();
        float f = rnd.nextFloat() * 200 - 100;
        short s = (short) -(1 + rnd.nextInt(30000));
        byte b = (byte) -(1 + rnd.nextInt(127));
        long[] out = new long[6 + rnd.nextInt(10)];
        Arrays.fill(out, 0xDEADBEEFL);
        float[] outF = nans(3);
        CompiledKernel k = d.compile(SCALARS);
        try (DeviceBuffer dOut = d.allocate(ElementType.LONG, out.length); DeviceBuffer dOutF = d.allocate(ElementType.FLOAT, 3)) {
            dOut.write(out);
            dOutF.write(outF);
            d.launch(k, Grid.of(32, 32), new Object[]{dOut, dOutF, i, l, f, s, b}, false);
            dOut.read(out);
            dOutF.read(outF);
        }
        assertEquals(i, out[0], "int");
        assertEquals(l, out[1], "long");
        assertEquals(s, out[2], "short");
        assertEquals(b, out[3], "byte");
        assertEquals(out.length, out[4], "out_length");
        assertEquals(3, out[5], "outF_length");
        assertEquals(f, outF[0], "float");
    }

    @Test
    void sharedMemoryReductionMatchesJava() {
        Device d = device();
        Random rnd = random("blockSum");
        int n = 256 * 1000 + rnd.nextInt(256);
        Grid grid = Grid.covering(n, 256);
        int blocks = (int) grid.groups(0);
        float[] x = randomFloats(rnd, n);
        float[] partial = nans(blocks);
        try (DeviceBuffer dx = d.allocate(ElementType.FLOAT, n); DeviceBuffer dp = d.allocate(ElementType.FLOAT, blocks)) {
            dx.write(x);
            dp.write(partial);
            d.launch(d.compile(BLOCK_SUM), grid, new Object[]{dx, dp}, false);
            d.synchronize();
            dp.read(partial);
        }
        double[] ref = new double[blocks];
        for (int i = 0; i < n; i++) {
            ref[i / 256] += x[i];
        }
        double err = relativeError(partial, ref);
        System.out.println("blockSum: " + blocks + " blocks, relative error " + err);
        assertTrue(err < 1e-5, "relative error " + err);
    }

    @Test
    void twoDimensionalGridCoversEveryItem() {
        Device d = device();
        int width = 64;
        int height = 48;
        int[] out = new int[width * height];
        Arrays.fill(out, 0xDEADBEEF);
        try (DeviceBuffer dOut = d.allocate(ElementType.INT, out.length)) {
            dOut.write(out);
            d.launch(d.compile(GRID_2D), Grid.of(width, height, 16, 8), new Object[]{dOut, width}, false);
            dOut.read(out);
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                assertEquals(x * 1000 + y, out[y * width + x], "item (" + x + ", " + y + ")");
            }
        }
    }

    @Test
    void timedLaunchReportsDeviceTime() {
        Device d = device();
        Random rnd = random("timed");
        int n = 1 << 24;
        float[] a = randomFloats(rnd, n);
        CompiledKernel k = d.compile(VADD);
        try (DeviceBuffer da = d.allocate(ElementType.FLOAT, n); DeviceBuffer dc = d.allocate(ElementType.FLOAT, n)) {
            da.write(a);
            dc.write(nans(n));
            Object[] args = {da, da, dc, n};
            d.launch(k, Grid.covering(n, 256), args, false);
            long ns = d.launch(k, Grid.covering(n, 256), args, true);
            System.out.printf("timed: vadd of %d floats took %d ns on %s (%.0f GB/s)%n", n, ns, d.name(), 3.0 * 4 * n / ns);
            assertTrue(ns > 0, "device time " + ns);
            float[] c = new float[n];
            dc.read(c);
            for (int i = 0; i < n; i += 4099) {
                assertEquals(a[i] + a[i], c[i], "c[" + i + "]");
            }
        }
    }

    @Test
    void compiledPtxIsCachedOnDisk() throws IOException {
        device();
        Path dir = Files.createTempDirectory("ptx-cache");
        Device d = CudaBackend.open(dir).get(0);
        // A program no earlier run compiled, so NVRTC runs and the cache gets a file.
        String source = "// " + System.nanoTime() + "\n" + PROGRAM;
        KernelSpec spec = spec("sparse.engine.backend.cuda.FreshKernels", "vadd", source, new int[0],
                new Param("a", Type.FLOAT_ARRAY), new Param("b", Type.FLOAT_ARRAY), new Param("c", Type.FLOAT_ARRAY),
                new Param("n", Type.INT));
        try {
            assertTrue(((CudaDevice) d).cachedPtx(spec).isEmpty());
            d.compile(spec);
            String ptx = ((CudaDevice) d).cachedPtx(spec).orElseThrow();
            assertTrue(ptx.contains(".entry vadd"), "PTX names the entry point");
            try (var files = Files.list(dir)) {
                List<Path> all = files.toList();
                assertEquals(1, all.size(), "one file, no temp file left: " + all);
                assertTrue(all.get(0).getFileName().toString().matches("[0-9a-f]{64}\\.ptx"), all.get(0).toString());
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    @Test
    void syntaxErrorNamesNvrtcLogGeneratedLineAndJavaLine() {
        Device d = device();
        String broken = """
                extern "C" __global__ void broken(float* c, int c_length) {
                    int i = threadIdx.x;
                    c[i] = 1.0f + ;
                }
                """;
        KernelSpec spec = spec("sparse.engine.backend.cuda.Broken", "broken", broken, new int[]{40, 41, 42, 43},
                new Param("c", Type.FLOAT_ARRAY));
        KernelCompileException e = assertThrows(KernelCompileException.class, () -> d.compile(spec));
        String message = e.getMessage();
        System.out.println("syntaxError: " + message);
        assertTrue(message.contains("Broken.cu(3): error"), "NVRTC's log");
        assertTrue(message.contains("c[i] = 1.0f + ;"), "the generated line");
        assertTrue(message.contains("Broken.java:42"), "the Java line");
    }

    @Test
    void outOfMemoryNamesAskedAndFree() {
        Device d = device();
        long terabyte = 1L << 40;
        OutOfDeviceMemoryException e = assertThrows(OutOfDeviceMemoryException.class,
                () -> d.allocate(ElementType.BYTE, terabyte));
        System.out.println("outOfMemory: " + e.getMessage());
        assertEquals(terabyte, e.requestedBytes);
        assertTrue(e.freeBytes > 0 && e.freeBytes <= d.globalMemoryBytes(), "free " + e.freeBytes);
        assertTrue(e.getMessage().contains("cuda:0"));
        assertTrue(e.getMessage().contains(Long.toString(terabyte)));
        assertTrue(e.getMessage().contains(Long.toString(e.freeBytes)));
    }

    @Test
    void argumentMismatchIsRejected() {
        Device d = device();
        CompiledKernel k = d.compile(VADD);
        Grid grid = Grid.covering(100, 64);
        try (DeviceBuffer f = d.allocate(ElementType.FLOAT, 100); DeviceBuffer i = d.allocate(ElementType.INT, 100)) {
            String tooFew = assertThrows(IllegalArgumentException.class,
                    () -> d.launch(k, grid, new Object[]{f, f, f}, false)).getMessage();
            assertTrue(tooFew.contains("vadd") && tooFew.contains("takes 4 arguments"), tooFew);

            String wrongScalar = assertThrows(IllegalArgumentException.class,
                    () -> d.launch(k, grid, new Object[]{f, f, f, 100L}, false)).getMessage();
            assertTrue(wrongScalar.contains("vadd") && wrongScalar.contains("'n'") && wrongScalar.contains("Integer"), wrongScalar);

            String wrongBuffer = assertThrows(IllegalArgumentException.class,
                    () -> d.launch(k, grid, new Object[]{f, i, f, 100}, false)).getMessage();
            assertTrue(wrongBuffer.contains("'b'") && wrongBuffer.contains("FLOAT"), wrongBuffer);

            String hostArray = assertThrows(IllegalArgumentException.class,
                    () -> d.launch(k, grid, new Object[]{new float[100], f, f, 100}, false)).getMessage();
            assertTrue(hostArray.contains("'a'"), hostArray);

            String tooWide = assertThrows(IllegalArgumentException.class,
                    () -> d.launch(k, Grid.of(4096, 2048), new Object[]{f, f, f, 100}, false)).getMessage();
            assertTrue(tooWide.contains("2048"), tooWide);
        }
    }
}
