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

class SocketHashKernelsTest {

    /** A bit may differ from the float64 reference only where its projection is this close to 0, relative to ‖k‖‖w‖. */
    static final double BIT_MARGIN = 1e-5;

    @ParameterizedTest(name = "bits={0}")
    @ValueSource(ints = {6, 8, 10, 16})
    void keyCodesMatchTheReferenceOnTheAppendedRange(int bits) {
        long seed = TestData.seed("keyCodes bits=" + bits);
        SplittableRandom r = new SplittableRandom(seed);
        int hkv = 2, d = 64, capacity = 1100, n = 1000, tables = 6, from = 300, count = 700;
        short[] k = TestData.halfs(r, hkv * capacity * d, 1.0);
        float[] planes = Hyperplanes.gaussian(r.nextLong(), tables, bits, d);
        int[] codes = new int[hkv * tables * capacity];
        int[] poison = new int[codes.length];
        if (bits <= 8) {
            byte[] out = new byte[codes.length];
            Arrays.fill(out, (byte) 0x5A);
            SocketHashKernels.keyCodesAsBytes(k, planes, out, hkv, capacity, d, tables, bits, from, count);
            for (int i = 0; i < out.length; i++) {
                codes[i] = out[i] & 0xFF;
                poison[i] = 0x5A;
            }
        } else {
            short[] out = new short[codes.length];
            Arrays.fill(out, (short) 0x5A5A);
            SocketHashKernels.keyCodesAsShorts(k, planes, out, hkv, capacity, d, tables, bits, from, count);
            for (int i = 0; i < out.length; i++) {
                codes[i] = out[i] & 0xFFFF;
                poison[i] = 0x5A5A;
            }
        }
        int[] ref = SocketHashReference.keyCodes(k, planes, hkv, capacity, d, tables, bits, n);
        int nearZeroFlips = 0;
        for (int h = 0; h < hkv; h++) {
            for (int l = 0; l < tables; l++) {
                for (int t = 0; t < capacity; t++) {
                    int i = (h * tables + l) * capacity + t;
                    if (t < from || t >= from + count) {
                        assertEquals(poison[i], codes[i], "written outside the appended range at token " + t);
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

    /** The kernel's two factor tables, multiplied out, against the explicit softmax over all 2^P corners. */
    @ParameterizedTest(name = "bits={0} tau={1}")
    @CsvSource({"1,0.4", "2,0.4", "3,0.4", "5,0.4", "8,0.4", "10,0.4", "11,0.4", "10,0.1", "10,2.0"})
    void factorTablesEqualTheExplicitSoftmaxOverCorners(int bits, double tau) {
        long seed = TestData.seed("tables bits=" + bits + " tau=" + tau);
        SplittableRandom r = new SplittableRandom(seed);
        int hq = 8, d = 64, tables = 5;
        float[] q = TestData.floats(r, hq * d, 1.0);
        float[] planes = Hyperplanes.gaussian(r.nextLong(), tables, bits, d);
        int lowBits = bits / 2;
        int highSize = 1 << (bits - lowBits);
        int lowSize = 1 << lowBits;
        float[] high = TestData.poisonedFloats(hq * tables * highSize);
        float[] low = TestData.poisonedFloats(hq * tables * lowSize);
        SocketHashKernels.queryTables(q, planes, high, low, hq, d, tables, bits, (float) (2 / (Math.sqrt(d) * tau)));

        int buckets = 1 << bits;
        double[] ref = SocketHashReference.bucketProbabilities(q, planes, hq, d, tables, bits, tau);
        float[] product = new float[ref.length];
        for (int hl = 0; hl < hq * tables; hl++) {
            double total = 0;
            for (int c = 0; c < buckets; c++) {
                product[hl * buckets + c] = high[hl * highSize + (c >> lowBits)] * low[hl * lowSize + (c & (lowSize - 1))];
                total += product[hl * buckets + c];
            }
            assertEquals(1.0, total, 1e-5, "probabilities of table " + hl + " sum to " + total);
        }
        double err = TestData.relativeError(product, ref);
        System.out.println("  relative error " + err);
        assertTrue(err < 1e-5, "relative error " + err);
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
