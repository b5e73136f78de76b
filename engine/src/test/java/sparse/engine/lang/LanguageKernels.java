package sparse.engine.lang;

import sparse.tasks.lang.Kernel;
import sparse.tasks.lang.KernelContext;
import sparse.tasks.lang.KernelMath;
import sparse.tasks.lang.Parallel;

/**
 * Kernels that exercise every construct of the kernel language, for {@link LanguageKernelsTest}
 * to run on every backend against host references. Each writes its results to output slots
 * that the test checks one by one.
 */
final class LanguageKernels {
    private LanguageKernels() {
    }

    static final int INT_OPS = 20;
    static final int LONG_OPS = 12;
    static final int FLOAT_OPS = 8;
    static final int FLOAT_CASTS = 4;
    static final int MATH_OPS = 20;
    static final int GROUP = 128;
    static final int BINS = 64;
    static final int SHUFFLE_OPS = 5;
    static final int COPY_TILE = 256;
    /** {@link #localArrayHelpers}: the values of each work-group summed a second way. */
    static final int HEAD = 8;
    static final long MIX = 0x9E3779B97F4A7C15L;
    static final float TWO_PI = (float) (2 * Math.PI);

    /** Every int operator: out[i * INT_OPS + k]. Shift counts run to 63 to check Java's masking. */
    @Kernel
    static void intArithmetic(KernelContext ctx, int[] a, int[] b, int[] out) {
        int i = ctx.globalIdx;
        if (i >= a.length) {
            return;
        }
        int x = a[i];
        int y = b[i];
        int d = (y & 0xffff) | 1;
        int s = y & 63;
        int o = i * INT_OPS;
        out[o] = x + y;
        out[o + 1] = x - y;
        out[o + 2] = x * y;
        out[o + 3] = x / d;
        out[o + 4] = x % d;
        out[o + 5] = -x / d;
        out[o + 6] = -x % d;
        out[o + 7] = x << s;
        out[o + 8] = x >> s;
        out[o + 9] = x >>> s;
        out[o + 10] = (x >>> 28) + (x << 35) - (x >> 3);
        out[o + 11] = x & y | ~x ^ y;
        out[o + 12] = -x;
        out[o + 13] = (x * 0x9E3779B9) >>> 16;
        int t = x;
        t += y;
        t *= 3;
        t -= 7;
        t ^= y;
        t <<= s;
        t >>>= 3;
        t >>= 1;
        t /= d;
        t %= 1000;
        t |= 0x100;
        t &= 0xfff;
        out[o + 14] = t;
        int u = x;
        u++;
        ++u;
        int post = u--;
        int pre = --u;
        out[o + 15] = u + post * 2 + pre * 3;
        out[o + 16] = (byte) x;
        out[o + 17] = (short) x;
        out[o + 18] = (int) ((long) x * y);
        out[o + 19] = ((byte) y) >>> 4;
    }

    /** Every long operator: out[i * LONG_OPS + k]. */
    @Kernel
    static void longArithmetic(KernelContext ctx, long[] a, long[] b, long[] out) {
        int i = ctx.globalIdx;
        if (i < a.length) {
            long x = a[i];
            long y = b[i];
            long d = (y & 0xffffffL) | 1L;
            int s = (int) (y >>> 58);
            int o = i * LONG_OPS;
            out[o] = x + y;
            out[o + 1] = x - y;
            out[o + 2] = x * MIX;
            out[o + 3] = x / d;
            out[o + 4] = x % d;
            out[o + 5] = x << s;
            out[o + 6] = x >> s;
            out[o + 7] = x >>> s;
            out[o + 8] = x & y | ~x ^ y;
            out[o + 9] = (int) x;
            out[o + 10] = (x >>> 33) + (1L << s) + i;
            long t = x;
            t >>>= s;
            t += y;
            t <<= 3;
            out[o + 11] = t;
        }
    }

    /** Float operators and conversions; casts of NaN and out-of-range values follow Java. */
    @Kernel
    static void floatArithmetic(KernelContext ctx, float[] a, float[] b, int[] ints, long[] longs,
                                float[] out, int[] intCasts, long[] longCasts) {
        int i = ctx.globalIdx;
        if (i >= a.length) {
            return;
        }
        float x = a[i];
        float y = b[i];
        int o = i * FLOAT_OPS;
        out[o] = x + y;
        out[o + 1] = x - y;
        out[o + 2] = x * y;
        out[o + 3] = x / y;
        out[o + 4] = x % y;
        out[o + 5] = -x + 0.5f;
        out[o + 6] = (float) ints[i] * 0.25f + (float) longs[i];
        float t = x;
        t += y;
        t *= 0.5f;
        t -= 1e-3f;
        t /= 2f;
        t %= 3f;
        out[o + 7] = t;
        int c = i * FLOAT_CASTS;
        intCasts[c] = (int) x;
        intCasts[c + 1] = (short) (x * 100f);
        intCasts[c + 2] = (byte) (x * 1000f);
        intCasts[c + 3] = (int) (x * 1e10f);
        longCasts[i * 2] = (long) (x * 1e10f);
        longCasts[i * 2 + 1] = (long) y;
    }

    /** Loops, break and continue, switch, ternaries, boolean logic, early return: out[i]. */
    @Kernel
    static void controlFlow(KernelContext ctx, int[] a, int[] out) {
        int i = ctx.globalIdx;
        if (i >= a.length) {
            return;
        }
        int v = a[i];
        int acc = 0;
        for (int k = 0; k < 32; k++) {
            if (((v >>> k) & 1) == 0) {
                continue;
            }
            if (k > 20) {
                break;
            }
            acc += k;
        }
        int w = v & 0xff;
        int steps = 0;
        while (w > 1) {
            w = (w & 1) == 0 ? w / 2 : 3 * w + 1;
            steps++;
        }
        do {
            steps += 2;
        } while (steps < 5);
        switch (v & 7) {
            case 0:
                acc += 100;
                break;
            case 1:
            case 2:
                acc += 200;
                // falls through
            case 3: {
                acc += 1;
                break;
            }
            default:
                acc -= 5;
        }
        switch ((v >>> 3) & 3) {
            case 0 -> acc *= 2;
            case 1 -> {
                acc += 7;
                acc ^= 3;
            }
            default -> acc--;
        }
        boolean odd = (v & 1) == 1;
        boolean big = v > 1000 || v < -1000;
        boolean both = odd && big;
        boolean either = odd ^ big;
        int flags = (both ? 1 : 0) | (either ? 2 : 0) | (!odd ? 4 : 0) | (odd & !big ? 8 : 0);
        int sign = v > 0 ? 1 : v < 0 ? -1 : 0;
        int r;
        if (sign > 0) {
            r = acc + steps;
        } else if (sign < 0) {
            r = acc - steps;
        } else {
            r = 42;
        }
        out[i] = r * 16 + flags + sign;
    }

    /** Helpers (nested, with arrays and a.length, void, boolean) and constants, in a 1-D parallel loop. */
    @Kernel
    static void helpersAndConstants(float[] in, float[] out, int n) {
        float scale = TWO_PI / GROUP;
        for (@Parallel int i = 0; i < n; i++) {
            float v = polynomial(in[i]) + neighbourSum(in, i) * scale;
            if (isInside(i, in.length)) {
                store(out, i, v);
            } else {
                store(out, i, -1f);
            }
        }
    }

    static float polynomial(float x) {
        return square(x) * 0.5f + x - 1f;
    }

    static float square(float x) {
        return x * x;
    }

    static float neighbourSum(float[] values, int i) {
        float sum = values[i];
        if (i > 0) {
            sum += values[i - 1];
        }
        if (i + 1 < values.length) {
            sum += values[i + 1];
        }
        return sum;
    }

    static boolean isInside(int i, int length) {
        return i >= 0 && i < length;
    }

    static void store(float[] out, int i, float v) {
        out[i] = v;
    }

    /** A 2-D parallel loop nest: rows over dimension 0, columns over dimension 1. */
    @Kernel
    static void grid2d(float[] in, float[] out, int rows, int cols) {
        for (@Parallel int r = 0; r < rows; r++) {
            int base = r * cols;
            for (@Parallel int c = 0; c < cols; c++) {
                out[c * rows + r] = in[base + c] * 2f + r - c;
            }
        }
    }

    /** The KernelContext fields in a 2-D launch: out[(gy * globalX + gx) * 8 + k]. */
    @Kernel
    static void contextFields(KernelContext ctx, int[] out) {
        int base = (ctx.globalIdy * ctx.globalGroupSizeX + ctx.globalIdx) * 8;
        out[base] = ctx.localIdx;
        out[base + 1] = ctx.localIdy;
        out[base + 2] = ctx.groupIdx;
        out[base + 3] = ctx.groupIdy;
        out[base + 4] = ctx.globalGroupSizeY;
        out[base + 5] = ctx.localGroupSizeX;
        out[base + 6] = ctx.localGroupSizeY;
        out[base + 7] = ctx.globalIdx + ctx.globalIdy;
    }

    /** Every KernelMath function: out[i * MATH_OPS + k]; x in (0.1, 4), y in (-4, 4). */
    @Kernel
    static void mathFunctions(float[] xs, float[] ys, int[] ints, float[] out, int[] intOut) {
        for (@Parallel int i = 0; i < xs.length; i++) {
            float x = xs[i];
            float y = ys[i];
            int o = i * MATH_OPS;
            out[o] = KernelMath.exp(y);
            out[o + 1] = KernelMath.log(x);
            out[o + 2] = KernelMath.sqrt(x);
            out[o + 3] = KernelMath.rsqrt(x);
            out[o + 4] = KernelMath.tanh(y);
            out[o + 5] = KernelMath.sin(y);
            out[o + 6] = KernelMath.cos(y);
            out[o + 7] = KernelMath.pow(x, y);
            out[o + 8] = KernelMath.floor(y);
            out[o + 9] = KernelMath.min(x, y);
            out[o + 10] = KernelMath.max(x, y);
            out[o + 11] = KernelMath.abs(y);
            out[o + 12] = KernelMath.fma(x, y, 1f);
            out[o + 13] = KernelMath.intBitsToFloat(KernelMath.floatToIntBits(y) ^ 0x80000000);
            int p = ints[i];
            int q = ints[xs.length - 1 - i];
            int k = i * 4;
            intOut[k] = KernelMath.min(p, q);
            intOut[k + 1] = KernelMath.max(p, q);
            intOut[k + 2] = KernelMath.abs(p);
            intOut[k + 3] = KernelMath.popcount(p);
        }
    }

    /** fp16 and bf16 conversions both ways. */
    @Kernel
    static void halfAndBf16(short[] halfIn, float[] floatIn, float[] halfAsFloat, short[] floatAsHalf,
                            float[] bf16AsFloat, short[] floatAsBf16) {
        for (@Parallel int i = 0; i < halfIn.length; i++) {
            halfAsFloat[i] = KernelMath.halfToFloat(halfIn[i]);
            bf16AsFloat[i] = KernelMath.bf16ToFloat(halfIn[i]);
            floatAsHalf[i] = KernelMath.floatToHalf(floatIn[i]);
            floatAsBf16[i] = KernelMath.floatToBf16(floatIn[i]);
        }
    }

    /** Every scalar and array parameter type. */
    @Kernel
    static void scalarTypes(KernelContext ctx, byte[] bytes, short[] shorts, long[] longs, float[] floats,
                            int i0, long l0, float f0, short s0, byte b0) {
        int i = ctx.globalIdx;
        if (i < bytes.length) {
            bytes[i] = (byte) (bytes[i] + b0);
            shorts[i] = (short) (shorts[i] * s0);
            longs[i] = longs[i] + l0 * i;
            floats[i] = floats[i] * f0 + i0;
        }
    }

    /** Global atomics, and local-memory atomics merged into global bins. */
    @Kernel
    static void atomics(KernelContext ctx, int[] values, int[] bins, int[] stats) {
        int[] local = ctx.allocateIntLocalArray(BINS);
        int lid = ctx.localIdx;
        for (int b = lid; b < BINS; b += ctx.localGroupSizeX) {
            local[b] = 0;
        }
        ctx.localBarrier();
        int i = ctx.globalIdx;
        if (i < values.length) {
            int v = values[i];
            ctx.atomicAdd(local, v & (BINS - 1), 1);
            ctx.atomicMax(stats, 0, v);
            ctx.atomicMin(stats, 1, v);
            if (ctx.atomicCompareAndSwap(stats, 2, 0, i + 1) == 0) {
                ctx.atomicAdd(stats, 3, 1);
            }
        }
        ctx.localBarrier();
        for (int b = lid; b < BINS; b += ctx.localGroupSizeX) {
            ctx.atomicAdd(bins, b, local[b]);
        }
    }

    /** A work-group sum with a local array and barriers: out[group]. */
    @Kernel
    static void groupSum(KernelContext ctx, float[] in, float[] out) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int lid = ctx.localIdx;
        int i = ctx.globalIdx;
        partial[lid] = i < in.length ? in[i] : 0f;
        ctx.localBarrier();
        for (int stride = GROUP / 2; stride > 0; stride >>= 1) {
            if (lid < stride) {
                partial[lid] += partial[lid + stride];
            }
            ctx.localBarrier();
        }
        if (lid == 0) {
            out[ctx.groupIdx] = partial[0];
        }
    }

    /**
     * Sub-group shuffles in 1-D and 2-D work-groups. Work-item w (groups in x-major order, then
     * the linear local id) reads in[w] and writes out[w * SHUFFLE_OPS + k]: its sub-group's
     * values at lanes (lane + shift) & 31, lane ^ 5 and lane * 7 & 31 (of a value computed in a
     * branch), its lane number 31 - lane sent as an int, and the sub-group's sum by a butterfly
     * in a helper.
     */
    @Kernel
    static void shuffles(KernelContext ctx, float[] in, float[] out, int shift) {
        int local = ctx.localIdy * ctx.localGroupSizeX + ctx.localIdx;
        int groupsX = ctx.globalGroupSizeX / ctx.localGroupSizeX;
        int group = ctx.groupIdy * groupsX + ctx.groupIdx;
        int w = group * ctx.localGroupSizeX * ctx.localGroupSizeY + local;
        int lane = local & 31;
        float v = in[w];
        int o = w * SHUFFLE_OPS;
        out[o] = ctx.shuffle(v, lane + shift);
        out[o + 1] = ctx.shuffle(v, lane ^ 5);
        float odd = v;
        if (lane % 3 == 0) {
            odd = -v * 0.5f;
        }
        out[o + 2] = ctx.shuffle(odd, lane * 7);
        out[o + 3] = ctx.shuffle(lane, 31 - lane);
        out[o + 4] = subGroupSum(ctx, v);
    }

    /**
     * Asynchronous copies, double-buffered: work-group g copies tiles {@code g·tiles …} of
     * COPY_TILE ints into local memory, four ints a work-item (COPY_TILE / 4 work-items), the
     * next tile in flight while it writes the current one back reversed, so that each word goes
     * out through another work-item than the one that copied it.
     */
    @Kernel
    static void asyncCopies(KernelContext ctx, int[] in, int[] out, int tiles) {
        int[] buffers = ctx.allocateIntLocalArray(2 * COPY_TILE);
        int lid = ctx.localIdx;
        int first = ctx.groupIdx * tiles;
        ctx.copyToLocalAsync(buffers, 4 * lid, in, first * COPY_TILE + 4 * lid);
        ctx.commitCopies();
        for (int t = 0; t < tiles; t++) {
            if (t + 1 < tiles) {
                ctx.copyToLocalAsync(buffers, (t + 1) % 2 * COPY_TILE + 4 * lid, in, (first + t + 1) * COPY_TILE + 4 * lid);
            }
            ctx.commitCopies();
            ctx.awaitCopies(1);
            ctx.localBarrier();
            int base = t % 2 * COPY_TILE;
            for (int i = lid; i < COPY_TILE; i += ctx.localGroupSizeX) {
                out[(first + t) * COPY_TILE + i] = buffers[base + COPY_TILE - 1 - i];
            }
            ctx.localBarrier();
        }
    }

    /**
     * Local arrays passed to helpers: out[3g] is the work-group's sum, reduced in its local array
     * by a helper with barriers; out[3g + 1] and out[3g + 2] the sum of its first HEAD values,
     * by one helper given the local array and then the global one (two OpenCL functions).
     */
    @Kernel
    static void localArrayHelpers(KernelContext ctx, float[] in, float[] out) {
        float[] partial = ctx.allocateFloatLocalArray(GROUP);
        int lid = ctx.localIdx;
        int i = ctx.globalIdx;
        partial[lid] = i < in.length ? in[i] : 0f;
        ctx.localBarrier();
        float headOfLocal = sumOf(partial, 0, HEAD);
        float headOfGlobal = sumOf(in, ctx.groupIdx * GROUP, ctx.groupIdx * GROUP + HEAD);
        ctx.localBarrier();
        reduceInPlace(ctx, partial, lid);
        if (lid == 0) {
            out[3 * ctx.groupIdx] = partial[0];
            out[3 * ctx.groupIdx + 1] = headOfLocal;
            out[3 * ctx.groupIdx + 2] = headOfGlobal;
        }
    }

    static float sumOf(float[] values, int from, int to) {
        float sum = 0f;
        for (int i = from; i < to; i++) {
            sum += values[i];
        }
        return sum;
    }

    /** A tree sum of {@code values} (a power of two long) into values[0]; every work-item of the group calls it. */
    static void reduceInPlace(KernelContext ctx, float[] values, int lid) {
        for (int stride = values.length / 2; stride > 0; stride >>= 1) {
            if (lid < stride) {
                values[lid] += values[lid + stride];
            }
            ctx.localBarrier();
        }
    }

    /** The sum over the work-item's sub-group, the same in every lane: a butterfly of five shuffles. */
    static float subGroupSum(KernelContext ctx, float v) {
        int lane = (ctx.localIdy * ctx.localGroupSizeX + ctx.localIdx) & 31;
        float sum = v;
        for (int offset = 16; offset > 0; offset >>= 1) {
            sum += ctx.shuffle(sum, lane ^ offset);
        }
        return sum;
    }
}
