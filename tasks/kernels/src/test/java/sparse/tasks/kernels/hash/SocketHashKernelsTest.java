package sparse.tasks.kernels.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import sparse.tasks.kernels.TestData;
import sparse.tasks.kernels.WorkGroups;

class SocketHashKernelsTest {

    /** A bit may differ from the float64 reference only where its projection is this close to 0, relative to ‖k‖‖w‖. */
    static final double BIT_MARGIN = 1e-5;

    @ParameterizedTest(name = "bits={0}")
    @ValueSource(ints = {6, 8, 9, 10, 16})
    void keyCodesMatchTheReferenceOnTheAppendedRange(int bits) {
        long seed = TestData.seed("keyCodes bits=" + bits);
        SplittableRandom r = new SplittableRandom(seed);
        int hkv = 2, d = 64, capacity = 1100, n = 1000, tables = 6, from = 300, count = 700;
        short[] k = TestData.halfs(r, hkv * capacity * d, 1.0);
        float[] planes = Hyperplanes.gaussian(r.nextLong(), tables, bits, d);
        // poison: every code all ones, so that a code written outside the range shows
        int[] words = new int[hkv * tables * SocketHashKernels.wordsPerRow(capacity, bits)];
        Arrays.fill(words, -1);
        SocketHashKernels.keyCodes(k, planes, words, hkv, capacity, d, tables, bits, from, count);
        int[] codes = SocketHashReference.unpackCodes(words, hkv, tables, capacity, bits);
        int poison = (1 << (32 / SocketHashKernels.codesPerWord(bits))) - 1;
        int[] ref = SocketHashReference.keyCodes(k, planes, hkv, capacity, d, tables, bits, n);
        int nearZeroFlips = 0;
        for (int h = 0; h < hkv; h++) {
            for (int l = 0; l < tables; l++) {
                for (int t = 0; t < capacity; t++) {
                    int i = (h * tables + l) * capacity + t;
                    if (t < from || t >= from + count) {
                        assertEquals(poison, codes[i], "written outside the appended range at token " + t);
                        continue;
                    }
                    for (int p = 0; p < bits; p++) {
                        int bit = 1 << (bits - 1 - p);
                        if ((codes[i] & bit) != (ref[i] & bit)) {
                            double z = SocketHashReference.projection(k, h, t, planes, l, p, capacity, d, bits);
                            double scale = norm(k, (h * capacity + t) * d, d) * norm(planes, (l * bits + p) * d, d);
                            assertTrue(Math.abs(z) < BIT_MARGIN * scale, "bit " + p + " of table " + l + ", token " + t
                                    + " differs with projection " + z);
                            nearZeroFlips++;
                        }
                    }
                }
            }
        }
        System.out.println("  bits flipped by rounding near zero: " + nearZeroFlips);
    }

    @Test
    void valueNormsMatchTheReference() {
        long seed = TestData.seed("valueNorms");
        SplittableRandom r = new SplittableRandom(seed);
        int hkv = 8, d = 128, capacity = 4096, from = 96, count = 4000;
        short[] v = TestData.halfs(r, hkv * capacity * d, 2.0);
        float[] norms = TestData.poisonedFloats(hkv * capacity);
        SocketHashKernels.valueNorms(v, norms, hkv, capacity, d, from, count);
        double[] ref = SocketHashReference.valueNorms(v, hkv, capacity, d, capacity);
        for (int h = 0; h < hkv; h++) {
            double err = TestData.relativeError(norms, h * capacity + from, ref, h * capacity + from, count);
            assertTrue(err < 1e-6, "head " + h + ": relative error " + err);
            assertTrue(Float.isNaN(norms[h * capacity + from - 1]), "wrote before the range");
        }
    }

    /**
     * The kernel's bucket tables (product form, summed over each row's heads) against the
     * explicit softmax over all 2^P corners: one head per row, and a group of heads per row.
     */
    @ParameterizedTest(name = "bits={0} tau={1} rows={2}")
    @CsvSource({"1,0.4,8", "2,0.4,8", "3,0.4,2", "5,0.4,8", "8,0.4,8", "8,0.4,2", "10,0.4,8", "10,0.4,1", "11,0.4,4",
            "10,0.1,8", "10,2.0,8"})
    void bucketTablesEqualTheExplicitSoftmaxOverCorners(int bits, double tau, int rows) {
        long seed = TestData.seed("bucketTables bits=" + bits + " tau=" + tau + " rows=" + rows);
        SplittableRandom r = new SplittableRandom(seed);
        int hq = 8, d = 64, tables = 5;
        float[] q = TestData.floats(r, hq * d, 1.0);
        float[] planes = Hyperplanes.gaussian(r.nextLong(), tables, bits, d);
        float[] out = TestData.poisonedFloats(rows * tables << bits);
        WorkGroups.run(rows * tables, 1, SocketHashKernels.TABLE_GROUP, ctx -> SocketHashKernels.bucketTables(ctx, q, planes, out, hq, rows, d,
                tables, bits, (float) (2 / (Math.sqrt(d) * tau)), 0));
        double[] ref = SocketHashReference.bucketTables(q, planes, hq, rows, d, tables, bits, tau);
        int heads = hq / rows;
        for (int rl = 0; rl < rows * tables; rl++) {
            double total = 0;
            for (int c = 0; c < 1 << bits; c++) {
                total += out[(rl << bits) + c];
            }
            assertEquals(heads, total, 1e-5 * heads, "probabilities of row and table " + rl + " sum to " + total);
        }
        double err = TestData.relativeError(out, ref);
        System.out.println("  relative error " + err);
        assertTrue(err < 1e-5, "relative error " + err);
    }

    /**
     * Split tables: the kernel's halves against the float64 halves, and the halves' products
     * against the explicit softmax over all 2^P corners (the split is exact), for even and odd P.
     */
    @ParameterizedTest(name = "bits={0}")
    @CsvSource({"1", "2", "5", "7", "8", "9", "10"})
    void splitTablesMultiplyToTheExplicitSoftmax(int bits) {
        long seed = TestData.seed("splitTables bits=" + bits);
        SplittableRandom r = new SplittableRandom(seed);
        int hq = 8, d = 64, tables = 5;
        double tau = 0.4;
        float[] q = TestData.floats(r, hq * d, 1.0);
        float[] planes = Hyperplanes.gaussian(r.nextLong(), tables, bits, d);
        float[] out = TestData.poisonedFloats(hq * tables * SocketHashKernels.SPLIT_ENTRIES);
        WorkGroups.run(hq * tables, 1, SocketHashKernels.TABLE_GROUP, ctx -> SocketHashKernels.bucketTables(ctx, q, planes,
                out, hq, hq, d, tables, bits, (float) (2 / (Math.sqrt(d) * tau)), 1));
        double[] ref = SocketHashReference.splitTables(q, planes, hq, d, tables, bits, tau);
        double err = TestData.relativeError(out, ref);
        assertTrue(err < 1e-5, "relative error " + err);
        double[] softmax = SocketHashReference.bucketProbabilities(q, planes, hq, d, tables, bits, tau);
        int lowBits = bits / 2;
        for (int ht = 0; ht < hq * tables; ht++) {
            int base = ht * SocketHashKernels.SPLIT_ENTRIES;
            for (int c = 0; c < 1 << bits; c++) {
                double split = ref[base + (c >> lowBits)] * ref[base + SocketHashKernels.HALF_SIZE + (c & ((1 << lowBits) - 1))];
                assertEquals(softmax[(ht << bits) + c], split, 1e-12, "head·table " + ht + ", bucket " + c);
            }
        }
    }

    /** The identity the kernel relies on, in float64: softmax over corners = Π_p σ(2 c_r[p] h_p / tau). */
    @Test
    void productFormIsExactInFloat64() {
        long seed = TestData.seed("productForm");
        SplittableRandom r = new SplittableRandom(seed);
        int hq = 2, d = 32, tables = 3, bits = 7;
        double tau = 0.4;
        float[] q = TestData.floats(r, hq * d, 1.0);
        float[] planes = Hyperplanes.gaussian(r.nextLong(), tables, bits, d);
        double[] softmax = SocketHashReference.bucketProbabilities(q, planes, hq, d, tables, bits, tau);
        for (int h = 0; h < hq; h++) {
            for (int l = 0; l < tables; l++) {
                for (int c = 0; c < (1 << bits); c++) {
                    double product = 1;
                    for (int p = 0; p < bits; p++) {
                        double z = 0;
                        for (int i = 0; i < d; i++) {
                            z += (double) q[h * d + i] * planes[(l * bits + p) * d + i];
                        }
                        double sign = ((c >> (bits - 1 - p)) & 1) == 1 ? 1 : -1;
                        product *= 1 / (1 + Math.exp(-2 * sign * Math.tanh(z) / Math.sqrt(d) / tau));
                    }
                    double s = softmax[(h * tables + l) * (1 << bits) + c];
                    assertEquals(s, product, 1e-12 * s);
                }
            }
        }
    }

    static double norm(short[] a, int from, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double x = Float.float16ToFloat(a[from + i]);
            s += x * x;
        }
        return Math.sqrt(s);
    }

    static double norm(float[] a, int from, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) a[from + i] * a[from + i];
        }
        return Math.sqrt(s);
    }
}
