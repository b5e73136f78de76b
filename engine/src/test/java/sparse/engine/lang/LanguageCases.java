package sparse.engine.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import sparse.engine.backend.Grid;
import sparse.tasks.lang.KernelSpec;

/**
 * One launch per kernel of {@link LanguageKernels}: fresh random inputs from a seed, the grid,
 * and a check of the outputs against host references (Java semantics for integers and casts,
 * float64 with a stated bound for float math).
 */
final class LanguageCases {
    private LanguageCases() {
    }

    enum Role { IN, OUT, IN_OUT }

    /** An argument: a host array (inputs filled; OUT arrays are poisoned before each run) or a boxed scalar. */
    record Arg(Object value, Role role) {
    }

    /** {@code check} receives the argument values after the run, outputs read back. */
    record Case(String name, KernelSpec spec, Grid grid, List<Arg> args, Consumer<Object[]> check) {
        Object[] values() {
            return args.stream().map(Arg::value).toArray();
        }
    }

    /** Relative bound ||out - ref|| / ||ref|| for float results computed with single-precision math. */
    static final double FLOAT_BOUND = 1e-5;

    static List<String> names() {
        return all(0).stream().map(Case::name).toList();
    }

    static Case named(String name, long seed) {
        return all(seed).stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    static List<Case> all(long seed) {
        Random r = new Random(seed);
        return List.of(intArithmetic(r), longArithmetic(r), floatArithmetic(r), controlFlow(r),
                helpersAndConstants(r), grid2d(r), contextFields(), mathFunctions(r), halfAndBf16(r),
                scalarTypes(r), atomics(r), groupSum(r),
                shuffles("shuffles", Grid.of(1024, 256), r),
                shuffles("shuffles2d", Grid.of(64, 16, 16, 8), r), asyncCopies(r), localArrayHelpers(r));
    }

    static Arg in(Object array) {
        return new Arg(array, Role.IN);
    }

    static Arg out(Object array) {
        return new Arg(array, Role.OUT);
    }

    static Arg scalar(Object value) {
        return new Arg(value, Role.IN);
    }

    // ---- cases

    static Case intArithmetic(Random r) {
        int n = 1000;
        int[] a = ints(r, n);
        int[] b = ints(r, n);
        int[] special = {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 1, 31, 32, 63};
        for (int k = 0; k < special.length; k++) {
            a[k] = special[k];
            b[k + 8] = special[k];
        }
        int ops = LanguageKernels.INT_OPS;
        return new Case("intArithmetic", LanguageKernelsTranslated.intArithmetic, Grid.covering(n, 64),
                List.of(in(a), in(b), out(new int[n * ops])), v -> {
                    int[] expected = new int[n * ops];
                    for (int i = 0; i < n; i++) {
                        int x = a[i];
                        int y = b[i];
                        int d = (y & 0xffff) | 1;
                        int s = y & 63;
                        int[] e = {x + y, x - y, x * y, x / d, x % d, -x / d, -x % d, x << s, x >> s, x >>> s,
                                (x >>> 28) + (x << 35) - (x >> 3), x & y | ~x ^ y, -x, (x * 0x9E3779B9) >>> 16,
                                intChain(x, y, d, s), 0, (byte) x, (short) x, (int) ((long) x * y), ((byte) y) >>> 4};
                        e[15] = x + (x + 2) * 2 + x * 3; // u ends at x; post = x + 2; pre = x
                        System.arraycopy(e, 0, expected, i * ops, ops);
                    }
                    assertInts(expected, (int[]) v[2], "out", ops);
                });
    }

    private static int intChain(int x, int y, int d, int s) {
        int t = (x + y) * 3 - 7 ^ y;
        t = (t << s) >>> 3 >> 1;
        t = t / d % 1000;
        return (t | 0x100) & 0xfff;
    }

    static Case longArithmetic(Random r) {
        int n = 1000;
        long[] a = longs(r, n);
        long[] b = longs(r, n);
        long[] special = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1};
        for (int k = 0; k < special.length; k++) {
            a[k] = special[k];
            b[k + 8] = special[k];
        }
        int ops = LanguageKernels.LONG_OPS;
        return new Case("longArithmetic", LanguageKernelsTranslated.longArithmetic, Grid.covering(n, 64),
                List.of(in(a), in(b), out(new long[n * ops])), v -> {
                    long[] out = (long[]) v[2];
                    for (int i = 0; i < n; i++) {
                        long x = a[i];
                        long y = b[i];
                        long d = (y & 0xffffffL) | 1L;
                        int s = (int) (y >>> 58);
                        long[] e = {x + y, x - y, x * LanguageKernels.MIX, x / d, x % d, x << s, x >> s, x >>> s,
                                x & y | ~x ^ y, (int) x, (x >>> 33) + (1L << s) + i, ((x >>> s) + y) << 3};
                        for (int k = 0; k < ops; k++) {
                            if (out[i * ops + k] != e[k]) {
                                fail("out[" + i + " * " + ops + " + " + k + "] = " + out[i * ops + k] + ", expected " + e[k]
                                        + " (x = " + x + ", y = " + y + ")");
                            }
                        }
                    }
                });
    }

    static Case floatArithmetic(Random r) {
        int n = 1000;
        float[] a = floats(r, n, -10, 10);
        float[] b = floats(r, n, -10, 10);
        float[] specialA = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3e9f, -3e9f, 1f, 5e-5f};
        for (int k = 0; k < specialA.length; k++) {
            a[k] = specialA[k];
        }
        b[5] = 0f;
        b[7] = Float.NaN;
        int[] ints = ints(r, n);
        long[] longs = longs(r, n);
        int ops = LanguageKernels.FLOAT_OPS;
        int casts = LanguageKernels.FLOAT_CASTS;
        return new Case("floatArithmetic", LanguageKernelsTranslated.floatArithmetic, Grid.covering(n, 64),
                List.of(in(a), in(b), in(ints), in(longs), out(new float[n * ops]), out(new int[n * casts]),
                        out(new long[n * 2])), v -> {
                    double[] expected = new double[n * ops];
                    int[] intCasts = new int[n * casts];
                    long[] longCasts = new long[n * 2];
                    for (int i = 0; i < n; i++) {
                        double x = a[i];
                        double y = b[i];
                        float t = (a[i] + b[i]) * 0.5f;
                        t = (t - 1e-3f) / 2f % 3f;
                        double[] e = {x + y, x - y, x * y, x / y, a[i] % b[i], -x + 0.5, ints[i] * 0.25 + (double) (float) longs[i], t};
                        System.arraycopy(e, 0, expected, i * ops, ops);
                        int[] c = {(int) a[i], (short) (a[i] * 100f), (byte) (a[i] * 1000f), (int) (a[i] * 1e10f)};
                        System.arraycopy(c, 0, intCasts, i * casts, casts);
                        longCasts[i * 2] = (long) (a[i] * 1e10f);
                        longCasts[i * 2 + 1] = (long) b[i];
                    }
                    assertClose(expected, (float[]) v[4], FLOAT_BOUND, "out", ops);
                    assertInts(intCasts, (int[]) v[5], "intCasts", casts);
                    long[] actualLongs = (long[]) v[6];
                    for (int k = 0; k < longCasts.length; k++) {
                        if (longCasts[k] != actualLongs[k]) {
                            fail("longCasts[" + k / 2 + " * 2 + " + k % 2 + "] = " + actualLongs[k] + ", expected "
                                    + longCasts[k] + " (a = " + a[k / 2] + ", b = " + b[k / 2] + ")");
                        }
                    }
                });
    }

    static Case controlFlow(Random r) {
        int n = 2000;
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i % 3 == 0 ? r.nextInt() : r.nextInt(4001) - 2000;
        }
        a[0] = 0;
        return new Case("controlFlow", LanguageKernelsTranslated.controlFlow, Grid.covering(n, 64),
                List.of(in(a), out(new int[n])), v -> {
                    int[] expected = new int[n];
                    for (int i = 0; i < n; i++) {
                        expected[i] = control(a[i]);
                    }
                    assertInts(expected, (int[]) v[1], "out", 1);
                });
    }

    /** controlFlow's logic, written plainly. */
    private static int control(int v) {
        int acc = 0;
        for (int k = 0; k <= 20; k++) {
            acc += ((v >>> k) & 1) * k;
        }
        int steps = 0;
        for (int w = v & 0xff; w > 1; steps++) {
            w = w % 2 == 0 ? w / 2 : 3 * w + 1;
        }
        steps += 2;
        while (steps < 5) {
            steps += 2;
        }
        int low = v & 7;
        if (low == 0) {
            acc += 100;
        } else if (low <= 3) {
            acc += low == 3 ? 1 : 201;
        } else {
            acc -= 5;
        }
        int mid = (v >>> 3) & 3;
        acc = mid == 0 ? acc * 2 : mid == 1 ? (acc + 7) ^ 3 : acc - 1;
        boolean odd = (v & 1) == 1;
        boolean big = Math.abs((long) v) > 1000;
        int flags = (odd && big ? 1 : 0) + (odd != big ? 2 : 0) + (odd ? 0 : 4) + (odd && !big ? 8 : 0);
        int sign = Integer.signum(v);
        int result = sign > 0 ? acc + steps : sign < 0 ? acc - steps : 42;
        return result * 16 + flags + sign;
    }

    static Case helpersAndConstants(Random r) {
        int n = 1000;
        float[] in = floats(r, n, -2, 2);
        return new Case("helpersAndConstants", LanguageKernelsTranslated.helpersAndConstants, Grid.of(256, 64),
                List.of(in(in), out(new float[n]), scalar(n)), v -> {
                    double[] expected = new double[n];
                    for (int i = 0; i < n; i++) {
                        double x = in[i];
                        double neighbours = x + (i > 0 ? in[i - 1] : 0) + (i + 1 < n ? in[i + 1] : 0);
                        expected[i] = x * x * 0.5 + x - 1 + neighbours * (2 * Math.PI / LanguageKernels.GROUP);
                    }
                    assertClose(expected, (float[]) v[1], FLOAT_BOUND, "out", 1);
                });
    }

    static Case grid2d(Random r) {
        int rows = 37;
        int cols = 23;
        float[] in = floats(r, rows * cols, -1, 1);
        return new Case("grid2d", LanguageKernelsTranslated.grid2d, Grid.of(16, 8, 8, 4),
                List.of(in(in), out(new float[rows * cols]), scalar(rows), scalar(cols)), v -> {
                    double[] expected = new double[rows * cols];
                    for (int row = 0; row < rows; row++) {
                        for (int c = 0; c < cols; c++) {
                            expected[c * rows + row] = in[row * cols + c] * 2.0 + row - c;
                        }
                    }
                    assertClose(expected, (float[]) v[1], FLOAT_BOUND, "out", 1);
                });
    }

    static Case contextFields() {
        Grid grid = Grid.of(32, 12, 8, 4);
        int gx = (int) grid.global()[0];
        int gy = (int) grid.global()[1];
        return new Case("contextFields", LanguageKernelsTranslated.contextFields, grid,
                List.of(out(new int[gx * gy * 8])), v -> {
                    int[] expected = new int[gx * gy * 8];
                    for (int y = 0; y < gy; y++) {
                        for (int x = 0; x < gx; x++) {
                            int[] e = {x % 8, y % 4, x / 8, y / 4, gy, 8, 4, x + y};
                            System.arraycopy(e, 0, expected, (y * gx + x) * 8, 8);
                        }
                    }
                    assertInts(expected, (int[]) v[0], "out", 8);
                });
    }

    static Case mathFunctions(Random r) {
        int n = 1000;
        float[] xs = floats(r, n, 0.1f, 4f);
        float[] ys = floats(r, n, -4f, 4f);
        int[] ints = ints(r, n);
        ints[0] = Integer.MIN_VALUE;
        int ops = LanguageKernels.MATH_OPS;
        return new Case("mathFunctions", LanguageKernelsTranslated.mathFunctions, Grid.of(512, 128),
                List.of(in(xs), in(ys), in(ints), out(new float[n * ops]), out(new int[n * 4])), v -> {
                    float[] out = (float[]) v[3];
                    String[] names = {"exp", "log", "sqrt", "rsqrt", "tanh", "sin", "cos", "pow", "floor", "min",
                            "max", "abs", "fma", "bits"};
                    for (int k = 0; k < names.length; k++) {
                        double[] expected = new double[n];
                        float[] actual = new float[n];
                        for (int i = 0; i < n; i++) {
                            double x = xs[i];
                            double y = ys[i];
                            expected[i] = switch (k) {
                                case 0 -> Math.exp(y);
                                case 1 -> Math.log(x);
                                case 2 -> Math.sqrt(x);
                                case 3 -> 1 / Math.sqrt(x);
                                case 4 -> Math.tanh(y);
                                case 5 -> Math.sin(y);
                                case 6 -> Math.cos(y);
                                case 7 -> Math.pow(x, y);
                                case 8 -> Math.floor(y);
                                case 9 -> Math.min(x, y);
                                case 10 -> Math.max(x, y);
                                case 11 -> Math.abs(y);
                                case 12 -> x * y + 1;
                                default -> -y;
                            };
                            actual[i] = out[i * ops + k];
                        }
                        assertClose(expected, actual, FLOAT_BOUND, names[k], 1);
                    }
                    int[] expectedInts = new int[n * 4];
                    for (int i = 0; i < n; i++) {
                        int p = ints[i];
                        int q = ints[n - 1 - i];
                        int[] e = {Math.min(p, q), Math.max(p, q), Math.abs(p), Integer.bitCount(p)};
                        System.arraycopy(e, 0, expectedInts, i * 4, 4);
                    }
                    assertInts(expectedInts, (int[]) v[4], "intOut", 4);
                });
    }

    static Case halfAndBf16(Random r) {
        int n = 1 << 16;
        short[] halfIn = new short[n];
        float[] floatIn = new float[n];
        for (int i = 0; i < n; i++) {
            halfIn[i] = (short) i; // every fp16 and bf16 bit pattern
            floatIn[i] = switch (i % 4) {
                case 0 -> (r.nextFloat() * 2 - 1) * 70000f;
                case 1 -> (r.nextFloat() * 2 - 1) * 1e-4f;
                case 2 -> Float.intBitsToFloat(r.nextInt());
                default -> (r.nextFloat() * 2 - 1) * 4f;
            };
        }
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 65504f, 65520f,
                65519.996f, 6.1035156e-5f, 5.9604645e-8f, 2.9802322e-8f, 1.0009766f, 1.0004883f};
        System.arraycopy(special, 0, floatIn, 0, special.length);
        return new Case("halfAndBf16", LanguageKernelsTranslated.halfAndBf16, Grid.of(4096, 256),
                List.of(in(halfIn), in(floatIn), out(new float[n]), out(new short[n]), out(new float[n]), out(new short[n])),
                v -> {
                    float[] halfAsFloat = (float[]) v[2];
                    short[] floatAsHalf = (short[]) v[3];
                    float[] bf16AsFloat = (float[]) v[4];
                    short[] floatAsBf16 = (short[]) v[5];
                    for (int i = 0; i < n; i++) {
                        float h = Float.float16ToFloat(halfIn[i]);
                        if (Float.isNaN(h) ? !Float.isNaN(halfAsFloat[i]) : Float.floatToRawIntBits(h) != Float.floatToRawIntBits(halfAsFloat[i])) {
                            fail("halfToFloat(0x" + Integer.toHexString(i) + ") = " + halfAsFloat[i] + ", expected " + h);
                        }
                        int bf = (halfIn[i] & 0xffff) << 16;
                        if (Float.floatToRawIntBits(bf16AsFloat[i]) != bf) {
                            fail("bf16ToFloat(0x" + Integer.toHexString(i) + ") = " + bf16AsFloat[i] + ", expected " + Float.intBitsToFloat(bf));
                        }
                        float f = floatIn[i];
                        short half = Float.floatToFloat16(f);
                        boolean halfOk = Float.isNaN(f) ? Float.isNaN(Float.float16ToFloat(floatAsHalf[i])) : half == floatAsHalf[i];
                        if (!halfOk) {
                            fail("floatToHalf(" + f + ") = 0x" + Integer.toHexString(floatAsHalf[i] & 0xffff)
                                    + ", expected 0x" + Integer.toHexString(half & 0xffff));
                        }
                        boolean bfOk = Float.isNaN(f) ? Float.isNaN(Float.intBitsToFloat(floatAsBf16[i] << 16)) : bf16Nearest(f) == floatAsBf16[i];
                        if (!bfOk) {
                            fail("floatToBf16(" + f + ") = 0x" + Integer.toHexString(floatAsBf16[i] & 0xffff)
                                    + ", expected 0x" + Integer.toHexString(bf16Nearest(f) & 0xffff));
                        }
                    }
                });
    }

    /** The bf16 nearest to {@code f}, ties to even, found by comparing the two neighbours in float64. */
    static short bf16Nearest(float f) {
        int bits = Float.floatToRawIntBits(f);
        int low = bits & 0xffff0000;
        int high = low + 0x10000;
        double below = Math.abs((double) f - Float.intBitsToFloat(low));
        double above = Math.abs(Float.intBitsToFloat(high) - (double) f);
        if (Float.isInfinite(Float.intBitsToFloat(high))) {
            // past the largest bf16, halfway to the next power of two rounds to infinity
            above = Math.abs(Math.scalb(1.0, 128) * Math.signum(f) - f);
        }
        boolean up = above < below || (above == below && (low & 0x10000) != 0);
        return (short) ((up ? high : low) >>> 16);
    }

    static Case scalarTypes(Random r) {
        int n = 300;
        byte[] bytes = new byte[n];
        r.nextBytes(bytes);
        short[] shorts = new short[n];
        for (int i = 0; i < n; i++) {
            shorts[i] = (short) r.nextInt();
        }
        long[] longs = longs(r, n);
        float[] floats = floats(r, n, -1, 1);
        byte[] bytesIn = bytes.clone();
        short[] shortsIn = shorts.clone();
        long[] longsIn = longs.clone();
        float[] floatsIn = floats.clone();
        int i0 = r.nextInt(100);
        long l0 = r.nextLong();
        float f0 = r.nextFloat();
        short s0 = (short) r.nextInt();
        byte b0 = (byte) r.nextInt();
        return new Case("scalarTypes", LanguageKernelsTranslated.scalarTypes, Grid.covering(n, 32),
                List.of(new Arg(bytes, Role.IN_OUT), new Arg(shorts, Role.IN_OUT), new Arg(longs, Role.IN_OUT),
                        new Arg(floats, Role.IN_OUT), scalar(i0), scalar(l0), scalar(f0), scalar(s0), scalar(b0)), v -> {
                    for (int i = 0; i < n; i++) {
                        assertEquals((byte) (bytesIn[i] + b0), ((byte[]) v[0])[i], "bytes[" + i + "]");
                        assertEquals((short) (shortsIn[i] * s0), ((short[]) v[1])[i], "shorts[" + i + "]");
                        assertEquals(longsIn[i] + l0 * i, ((long[]) v[2])[i], "longs[" + i + "]");
                        assertEquals(floatsIn[i] * (double) f0 + i0, ((float[]) v[3])[i], 1e-4, "floats[" + i + "]");
                    }
                });
    }

    static Case atomics(Random r) {
        int n = 5000;
        int[] values = ints(r, n);
        int bins = LanguageKernels.BINS;
        int[] stats = {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, 0};
        return new Case("atomics", LanguageKernelsTranslated.atomics, Grid.covering(n, 128),
                List.of(in(values), new Arg(new int[bins], Role.IN_OUT), new Arg(stats, Role.IN_OUT)), v -> {
                    int[] expected = new int[bins];
                    for (int x : values) {
                        expected[x & (bins - 1)]++;
                    }
                    assertInts(expected, (int[]) v[1], "bins", 1);
                    int[] s = (int[]) v[2];
                    assertEquals(Arrays.stream(values).max().orElseThrow(), s[0], "atomicMax");
                    assertEquals(Arrays.stream(values).min().orElseThrow(), s[1], "atomicMin");
                    assertTrue(s[2] >= 1 && s[2] <= n, "atomicCompareAndSwap stored " + s[2]);
                    assertEquals(1, s[3], "exactly one compare-and-swap succeeds");
                });
    }

    static Case groupSum(Random r) {
        int group = LanguageKernels.GROUP;
        int groups = 40;
        int n = group * groups - 17;
        float[] in = floats(r, n, -1, 1);
        return new Case("groupSum", LanguageKernelsTranslated.groupSum, Grid.of((long) group * groups, group),
                List.of(in(in), out(new float[groups])), v -> {
                    double[] expected = new double[groups];
                    for (int i = 0; i < n; i++) {
                        expected[i / group] += in[i];
                    }
                    assertClose(expected, (float[]) v[1], FLOAT_BOUND, "out", 1);
                });
    }

    /**
     * {@link LanguageKernels#localArrayHelpers}: sums within {@link #FLOAT_BOUND}; the helper's
     * sum of a local array equals its sum of the same values in global memory exactly.
     */
    static Case localArrayHelpers(Random r) {
        int group = LanguageKernels.GROUP;
        int groups = 40;
        int n = group * groups - 17;
        float[] in = floats(r, n, -1, 1);
        return new Case("localArrayHelpers", LanguageKernelsTranslated.localArrayHelpers,
                Grid.of((long) group * groups, group), List.of(in(in), out(new float[3 * groups])), v -> {
                    float[] out = (float[]) v[1];
                    double[] expected = new double[3 * groups];
                    for (int i = 0; i < n; i++) {
                        expected[3 * (i / group)] += in[i];
                        if (i % group < LanguageKernels.HEAD) {
                            expected[3 * (i / group) + 1] += in[i];
                            expected[3 * (i / group) + 2] += in[i];
                        }
                    }
                    assertClose(expected, out, FLOAT_BOUND, "out", 3);
                    for (int g = 0; g < groups; g++) {
                        assertEquals(out[3 * g + 2], out[3 * g + 1], "local and global sums of group " + g);
                    }
                });
    }

    /** {@link LanguageKernels#asyncCopies}: every tile back reversed, exactly. */
    static Case asyncCopies(Random r) {
        int tile = LanguageKernels.COPY_TILE;
        int groups = 12;
        int tiles = 5;
        int[] in = ints(r, groups * tiles * tile);
        return new Case("asyncCopies", LanguageKernelsTranslated.asyncCopies, Grid.of((long) groups * tile / 4, tile / 4),
                List.of(in(in), out(new int[in.length]), scalar(tiles)), v -> {
                    int[] out = (int[]) v[1];
                    for (int i = 0; i < in.length; i++) {
                        int expected = in[i / tile * tile + tile - 1 - i % tile];
                        if (out[i] != expected) {
                            fail("out[" + i + "] = " + out[i] + ", expected " + expected);
                        }
                    }
                });
    }

    /**
     * {@link LanguageKernels#shuffles} on {@code grid}; the moved values must be exact, the sum
     * within {@link #FLOAT_BOUND} of a float64 sum and the same in every lane.
     */
    static Case shuffles(String name, Grid grid, Random r) {
        int n = (int) (grid.global()[0] * (grid.dimensions() > 1 ? grid.global()[1] : 1));
        float[] in = floats(r, n, -1, 1);
        int shift = r.nextInt(201) - 100;
        int ops = LanguageKernels.SHUFFLE_OPS;
        return new Case(name, LanguageKernelsTranslated.shuffles, grid,
                List.of(in(in), out(new float[n * ops]), scalar(shift)), v -> {
                    float[] out = (float[]) v[1];
                    double[] moved = new double[n * 4];
                    double[] sums = new double[n];
                    float[] actualMoved = new float[n * 4];
                    float[] actualSums = new float[n];
                    for (int w = 0; w < n; w++) {
                        int base = w & ~31;
                        int lane = w & 31;
                        int spread = lane * 7 & 31;
                        double[] e = {in[base + (lane + shift & 31)], in[base + (lane ^ 5)],
                                spread % 3 == 0 ? -in[base + spread] * 0.5f : in[base + spread], 31 - lane};
                        System.arraycopy(e, 0, moved, w * 4, 4);
                        System.arraycopy(out, w * ops, actualMoved, w * 4, 4);
                        for (int k = 0; k < 32; k++) {
                            sums[w] += in[base + k];
                        }
                        actualSums[w] = out[w * ops + 4];
                        if (Float.floatToRawIntBits(actualSums[w]) != Float.floatToRawIntBits(actualSums[base])) {
                            fail("sum of lane " + lane + " of sub-group " + w / 32 + " = " + actualSums[w]
                                    + ", lane 0 has " + actualSums[base]);
                        }
                    }
                    assertClose(moved, actualMoved, 0, "moved (shift " + shift + ")", 4);
                    assertClose(sums, actualSums, FLOAT_BOUND, "sum", 1);
                });
    }

    // ---- inputs and comparisons

    static int[] ints(Random r, int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt();
        }
        return a;
    }

    static long[] longs(Random r, int n) {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextLong();
        }
        return a;
    }

    static float[] floats(Random r, int n, float min, float max) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = min + r.nextFloat() * (max - min);
        }
        return a;
    }

    /** Fills an output array with a value no kernel writes by chance: NaN for floats, a marker otherwise. */
    static void poison(Object array) {
        switch (array) {
            case float[] a -> Arrays.fill(a, Float.NaN);
            case int[] a -> Arrays.fill(a, 0x7fbadbad);
            case long[] a -> Arrays.fill(a, 0x7fbadbad7fbadbadL);
            case short[] a -> Arrays.fill(a, (short) 0x7bad);
            case byte[] a -> Arrays.fill(a, (byte) 0x5b);
            default -> throw new IllegalArgumentException(array.getClass().toString());
        }
    }

    static void assertInts(int[] expected, int[] actual, String what, int stride) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                fail(what + "[" + i / stride + " * " + stride + " + " + i % stride + "] = " + actual[i]
                        + ", expected " + expected[i]);
            }
        }
    }

    /**
     * NaN and infinities must sit where the reference has them; every finite value must be
     * within {@code bound} of the reference, relative to max(1, |reference|). The message also
     * gives ||actual - expected|| / ||expected|| over the finite values.
     */
    static void assertClose(double[] expected, float[] actual, double bound, String what, int stride) {
        assertEquals(expected.length, actual.length, what + " length");
        double diff = 0;
        double norm = 0;
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            String where = what + "[" + i / stride + " * " + stride + " + " + i % stride + "]";
            if (!Double.isFinite(e) || !Double.isFinite(a)) {
                if (Double.compare(e, a) != 0 && !(Double.isNaN(e) && Double.isNaN(a))) {
                    wrong.add(where + " = " + a + ", expected " + e);
                }
                continue;
            }
            diff += (a - e) * (a - e);
            norm += e * e;
            if (Math.abs(a - e) > bound * Math.max(1, Math.abs(e))) {
                wrong.add(where + " = " + a + ", expected " + e);
            }
        }
        double relative = Math.sqrt(diff) / Math.max(Math.sqrt(norm), Double.MIN_NORMAL);
        assertTrue(wrong.isEmpty(), what + ": " + wrong.size() + " values off by more than " + bound
                + " (||out - ref|| / ||ref|| = " + relative + "), first: " + wrong.subList(0, Math.min(5, wrong.size())));
    }
}
