package sparse.engine.model.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import sparse.engine.backend.Backends;
import sparse.engine.backend.Device;
import sparse.engine.backend.Grid;
import sparse.engine.graph.DataTransferMode;
import sparse.engine.graph.ExecutionPlan;
import sparse.engine.graph.TaskGraph;
import sparse.tasks.kernels.cache.KvCacheKernels;
import sparse.tasks.kernels.cache.KvCacheReference;
import sparse.tasks.kernels.ffn.SwigluKernels;
import sparse.tasks.kernels.ffn.SwigluReference;
import sparse.tasks.kernels.matvec.EmbeddingKernels;
import sparse.tasks.kernels.matvec.MatvecKernels;
import sparse.tasks.kernels.matvec.MatvecReference;
import sparse.tasks.kernels.norm.RmsNormKernels;
import sparse.tasks.kernels.norm.RmsNormReference;
import sparse.tasks.kernels.rope.RopeKernels;
import sparse.tasks.kernels.rope.RopeReference;

/**
 * The model's kernels on every device here against their float64 references: fresh random
 * inputs (seed printed), outputs poisoned with NaN before each run, ‖out − ref‖ / ‖ref‖ under
 * a bound that fits float32 accumulation.
 */
class ModelKernelsTest {

    /**
     * float32 dot products of up to 1024 terms against float64, the error measured against
     * Σ|w·x| per row (what float32 accumulation bounds; a plain ‖ref‖ is not a bound when a
     * short row's terms cancel): ~1e-7, with room.
     */
    private static final double MATVEC_BOUND = 1e-5;
    /** Decoding one weight (a Q8_0 element is one float product): a float32 rounding. */
    private static final double EMBEDDING_BOUND = 1e-6;
    private static final double NORM_BOUND = 1e-5;
    /** exp and a division in float32. */
    private static final double SWIGLU_BOUND = 1e-6;

    enum Format { F32, F16, BF16, Q8_0 }

    private static List<Device> devices;

    static synchronized List<Device> devices() {
        if (devices == null) {
            devices = Backends.devices();
        }
        return devices;
    }

    static Stream<Arguments> matvecCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Device d : devices()) {
            for (Format f : Format.values()) {
                cases.add(Arguments.of(d, f, 1, 32, 1, false));
                cases.add(Arguments.of(d, f, 37, 64, 32, true));
                cases.add(Arguments.of(d, f, 300, 1024, d.backend().equals("jvm") ? 4 : 256, false));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} rows={2} cols={3} group={4} accumulate={5}", autoCloseArguments = false)
    @MethodSource("matvecCases")
    void matvecMatchesReference(Device device, Format format, int rows, int cols, int group, boolean accumulate) {
        SplittableRandom r = random("matvec " + format, device);
        Weights w = Weights.random(r, format, rows, cols);
        float[] x = floats(r, cols);
        float[] before = floats(r, rows);
        float[] out = accumulate ? before.clone() : nans(rows);
        double[] ref = MatvecReference.matvec(w.decoded, x, rows, cols);
        if (accumulate) {
            for (int i = 0; i < rows; i++) {
                ref[i] += before[i];
            }
        }
        int add = accumulate ? 1 : 0;
        TaskGraph g = new TaskGraph("matvec");
        switch (format) {
            case F32 -> g.task("t", MatvecKernels::matvecF32, w.f32, x, out, rows, cols, add);
            case F16 -> g.task("t", MatvecKernels::matvecF16, w.bits, x, out, rows, cols, add);
            case BF16 -> g.task("t", MatvecKernels::matvecBf16, w.bits, x, out, rows, cols, add);
            case Q8_0 -> g.task("t", MatvecKernels::matvecQ8, w.scales, w.quants, x, out, rows, cols, add);
        }
        Object[] inputs = switch (format) {
            case F32 -> in(w.f32, x);
            case F16, BF16 -> in(w.bits, x);
            case Q8_0 -> in(w.scales, w.quants, x);
        };
        run(device, g, Grid.of((long) rows * group, group), inputs, out);
        double[] magnitude = new double[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                magnitude[i] += Math.abs(w.decoded[i * cols + j] * x[j]);
            }
            magnitude[i] += accumulate ? Math.abs(before[i]) : 0;
        }
        assertBelow(errorOverMagnitude(out, ref, magnitude), MATVEC_BOUND, "matvec " + format);
    }

    static Stream<Arguments> devicesAndFormats() {
        return devices().stream().flatMap(d -> Arrays.stream(Format.values()).map(f -> Arguments.of(d, f)));
    }

    @ParameterizedTest(name = "{0} {1}", autoCloseArguments = false)
    @MethodSource("devicesAndFormats")
    void embeddingCopiesTheTokensRow(Device device, Format format) {
        SplittableRandom r = random("embedding " + format, device);
        int vocabulary = 50, dim = 96;
        Weights w = Weights.random(r, format, vocabulary, dim);
        int token = r.nextInt(vocabulary);
        float[] out = nans(dim);
        TaskGraph g = new TaskGraph("embedding");
        switch (format) {
            case F32 -> g.task("t", EmbeddingKernels::embedF32, w.f32, out, token, dim);
            case F16 -> g.task("t", EmbeddingKernels::embedF16, w.bits, out, token, dim);
            case BF16 -> g.task("t", EmbeddingKernels::embedBf16, w.bits, out, token, dim);
            case Q8_0 -> g.task("t", EmbeddingKernels::embedQ8, w.scales, w.quants, out, token, dim);
        }
        Object[] inputs = switch (format) {
            case F32 -> in(w.f32);
            case F16, BF16 -> in(w.bits);
            case Q8_0 -> in(w.scales, w.quants);
        };
        run(device, g, Grid.covering(dim, 32), inputs, out);
        assertBelow(relativeError(out, MatvecReference.row(w.decoded, token, dim)), EMBEDDING_BOUND, "embedding " + format);
    }

    static Stream<Arguments> normCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Device d : devices()) {
            cases.add(Arguments.of(d, 64, 1));
            cases.add(Arguments.of(d, 64, 64));
            cases.add(Arguments.of(d, 4099, Math.min(256, Integer.highestOneBit(d.maxWorkGroupSize()))));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} n={1} group={2}", autoCloseArguments = false)
    @MethodSource("normCases")
    void rmsNormMatchesReference(Device device, int n, int group) {
        SplittableRandom r = random("rmsNorm", device);
        float[] x = floats(r, n);
        float[] weight = floats(r, n);
        float[] out = nans(n);
        float eps = 1e-5f;
        TaskGraph g = new TaskGraph("norm").task("t", RmsNormKernels::rmsNorm, x, weight, out, n, eps);
        run(device, g, Grid.of(group, group), in(x, weight), out);
        assertBelow(relativeError(out, RmsNormReference.rmsNorm(x, weight, n, eps)), NORM_BOUND, "rmsNorm");
    }

    static Stream<Arguments> ropeCases() {
        return devices().stream().flatMap(d -> Stream.of(0, 1, 17, 1000, 4095).map(pos -> Arguments.of(d, pos)));
    }

    /**
     * The angle pos · inverseFrequency is a float32 product of a rounded frequency, so its error
     * grows with the position, at most about pos · 2^-24 radians (a frequency near 1 rounded to
     * float32); the reference takes its angles from the base.
     */
    @ParameterizedTest(name = "{0} pos={1}", autoCloseArguments = false)
    @MethodSource("ropeCases")
    void ropeRotatesAdjacentPairs(Device device, int pos) {
        SplittableRandom r = random("rope", device);
        int heads = 6, headSize = 64;
        double base = 10000;
        float[] x = floats(r, heads * headSize);
        float[] inverseFrequency = new float[headSize / 2];
        for (int j = 0; j < inverseFrequency.length; j++) {
            inverseFrequency[j] = (float) Math.pow(base, -2.0 * j / headSize);
        }
        double[] ref = RopeReference.ropeAdjacentPairs(x, heads, headSize, pos, base);
        TaskGraph g = new TaskGraph("rope").task("t", RopeKernels::ropeAdjacentPairs, x, inverseFrequency, heads,
                headSize, pos);
        run(device, g, Grid.covering(heads * headSize / 2, 64), in(inverseFrequency), x);
        assertBelow(relativeError(x, ref), 1e-6 + pos * 6e-8, "rope at " + pos);
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void swigluGatesInPlace(Device device) {
        SplittableRandom r = random("swiglu", device);
        int n = 1000;
        float[] gate = floats(r, n);
        float[] up = floats(r, n);
        double[] ref = SwigluReference.swiglu(gate, up, n);
        TaskGraph g = new TaskGraph("swiglu").task("t", SwigluKernels::swiglu, gate, up, n);
        run(device, g, Grid.covering(n, 128), in(up), gate);
        assertBelow(relativeError(gate, ref), SWIGLU_BOUND, "swiglu");
    }

    /** fp16 rounding is exact (to nearest, ties to even) everywhere, and only row pos changes. */
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void appendRowWritesFp16AtPos(Device device) {
        SplittableRandom r = random("appendRow", device);
        int hkv = 3, capacity = 20, d = 16, pos = r.nextInt(capacity);
        float[] k = floats(r, hkv * d);
        float[] v = floats(r, hkv * d);
        short poison = Float.floatToFloat16(Float.NaN);
        short[] keyCache = new short[hkv * capacity * d];
        short[] valueCache = new short[hkv * capacity * d];
        Arrays.fill(keyCache, poison);
        Arrays.fill(valueCache, poison);
        short[] keyRef = keyCache.clone();
        short[] valueRef = valueCache.clone();
        KvCacheReference.appendRow(k, keyRef, hkv, capacity, d, pos);
        KvCacheReference.appendRow(v, valueRef, hkv, capacity, d, pos);
        TaskGraph g = new TaskGraph("cache").task("t", KvCacheKernels::appendRow, k, v, keyCache, valueCache, hkv,
                capacity, d, pos);
        run(device, g, Grid.covering(hkv * d, 32), in(k, v), keyCache, valueCache);
        assertTrue(Arrays.equals(keyRef, keyCache), "key cache after appending row " + pos);
        assertTrue(Arrays.equals(valueRef, valueCache), "value cache after appending row " + pos);
    }

    // ---------------------------------------------------------------- helpers

    /** A random matrix in one storage format, and its values decoded in float64. */
    private record Weights(float[] f32, int[] bits, short[] scales, int[] quants, double[] decoded) {
        static Weights random(SplittableRandom r, Format format, int rows, int cols) {
            int n = rows * cols;
            switch (format) {
                case F32 -> {
                    float[] w = floats(r, n);
                    return new Weights(w, null, null, null, MatvecReference.decodeF32(w));
                }
                case F16 -> {
                    int[] w = new int[n / 2];  // two fp16 to an int, the first in the low half
                    for (int i = 0; i < w.length; i++) {
                        w[i] = (Float.floatToFloat16((float) r.nextGaussian()) & 0xFFFF)
                                | Float.floatToFloat16((float) r.nextGaussian()) << 16;
                    }
                    return new Weights(null, w, null, null, MatvecReference.decodeF16(w));
                }
                case BF16 -> {
                    int[] w = new int[n / 2];
                    for (int i = 0; i < w.length; i++) {
                        w[i] = Float.floatToIntBits((float) r.nextGaussian()) >>> 16
                                | Float.floatToIntBits((float) r.nextGaussian()) & 0xFFFF0000;
                    }
                    return new Weights(null, w, null, null, MatvecReference.decodeBf16(w));
                }
                case Q8_0 -> {
                    short[] scales = new short[n / MatvecKernels.Q8_BLOCK];
                    int[] quants = new int[n / 4];
                    for (int b = 0; b < scales.length; b++) {
                        scales[b] = Float.floatToFloat16((float) (0.01 + 0.02 * r.nextDouble()));
                    }
                    for (int i = 0; i < quants.length; i++) {
                        quants[i] = r.nextInt();  // four signed bytes, -128 .. 127
                    }
                    return new Weights(null, null, scales, quants, MatvecReference.decodeQ8(scales, quants));
                }
                default -> throw new IllegalArgumentException(format.toString());
            }
        }
    }

    /**
     * Runs task "t" of {@code g} over {@code grid}: {@code in} and {@code out} (poisoned, or
     * the values an in-place kernel updates) go to the device, {@code out} comes back.
     */
    private static void run(Device device, TaskGraph g, Grid grid, Object[] in, Object... out) {
        g.transferToDevice(DataTransferMode.EVERY_EXECUTION, in)
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, out)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        try (ExecutionPlan plan = new ExecutionPlan(device, g.snapshot())) {
            plan.withGrid(g.name() + ".t", grid);
            plan.execute();
        }
    }

    private static Object[] in(Object... arrays) {
        return arrays;
    }

    private static SplittableRandom random(String test, Device device) {
        long seed = System.nanoTime();
        System.out.println(test + " on " + device.id() + ": seed " + seed);
        return new SplittableRandom(seed);
    }

    private static float[] floats(SplittableRandom r, int n) {
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

    /** ‖out − ref‖ / ‖ref‖; NaN (a poisoned value left) fails every comparison. */
    static double relativeError(float[] out, double[] ref) {
        assertEquals(ref.length, out.length);
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < ref.length; i++) {
            diff += (out[i] - ref[i]) * (out[i] - ref[i]);
            norm += ref[i] * ref[i];
        }
        return Math.sqrt(diff / norm);
    }

    /** ‖out − ref‖ / ‖magnitude‖. */
    static double errorOverMagnitude(float[] out, double[] ref, double[] magnitude) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < ref.length; i++) {
            diff += (out[i] - ref[i]) * (out[i] - ref[i]);
            norm += magnitude[i] * magnitude[i];
        }
        return Math.sqrt(diff / norm);
    }

    private static void assertBelow(double error, double bound, String what) {
        System.out.println("  " + what + ": relative error " + error + " (bound " + bound + ")");
        assertTrue(error < bound, what + ": relative error " + error + " over bound " + bound);
    }
}
