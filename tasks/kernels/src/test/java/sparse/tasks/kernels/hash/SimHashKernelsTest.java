package sparse.tasks.kernels.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import sparse.tasks.kernels.TestData;

class SimHashKernelsTest {

    @Test
    void meanAndCentredCodesMatchTheReference() {
        long seed = TestData.seed("centredKeyCodes");
        SplittableRandom r = new SplittableRandom(seed);
        int hkv = 2, d = 64, capacity = 1024, n = 1000, tables = 10, bits = 8;
        short[] k = TestData.halfs(r, hkv * capacity * d, 1.0);
        // an offset shared by every key, as real keys have: centring must remove it
        for (int i = 0; i < k.length; i++) {
            k[i] = Float.floatToFloat16(Float.float16ToFloat(k[i]) + 0.5f * ((i % d) % 3 - 1));
        }
        float[] planes = Hyperplanes.gaussian(r.nextLong(), tables, bits, d);
        float[] mean = TestData.poisonedFloats(hkv * d);
        SimHashKernels.keyMean(k, mean, hkv, capacity, d, n);
        double[] refMean = SimHashReference.keyMean(k, hkv, capacity, d, n);
        double meanErr = TestData.relativeError(mean, refMean);
        assertTrue(meanErr < 1e-5, "mean: relative error " + meanErr);

        short[] codes = new short[hkv * tables * capacity];
        Arrays.fill(codes, (short) -1);
        SimHashKernels.centredKeyCodes(k, mean, planes, codes, hkv, capacity, d, tables, bits, 0, n);
        int[] ref = SimHashReference.centredKeyCodes(k, refMean, planes, hkv, capacity, d, tables, bits, n);
        int flips = 0;
        for (int h = 0; h < hkv; h++) {
            for (int l = 0; l < tables; l++) {
                for (int t = 0; t < capacity; t++) {
                    int i = (h * tables + l) * capacity + t;
                    if (t >= n) {
                        assertEquals(-1, codes[i], "wrote past the range");
                        continue;
                    }
                    for (int p = 0; p < bits; p++) {
                        int bit = 1 << (bits - 1 - p);
                        if ((codes[i] & bit) != (ref[i] & bit)) {
                            double z = SimHashReference.centredProjection(k, refMean, h, t, planes, l, p, capacity, d, bits);
                            assertTrue(Math.abs(z) < 1e-4, "bit " + p + " of table " + l + ", token " + t + ": projection " + z);
                            flips++;
                        }
                    }
                }
            }
        }
        System.out.println("  bits flipped by rounding near zero: " + flips);
    }

    @Test
    void queryCodesMatchTheReference() {
        long seed = TestData.seed("queryCodes");
        SplittableRandom r = new SplittableRandom(seed);
        int hq = 32, d = 128, tables = 75, bits = 8;
        float[] q = TestData.floats(r, hq * d, 1.0);
        float[] planes = Hyperplanes.gaussian(r.nextLong(), tables, bits, d);
        short[] codes = new short[hq * tables];
        Arrays.fill(codes, (short) -1);
        SimHashKernels.queryCodes(q, planes, codes, hq, d, tables, bits);
        int[] ref = SimHashReference.queryCodes(q, planes, hq, d, tables, bits);
        for (int h = 0; h < hq; h++) {
            for (int l = 0; l < tables; l++) {
                int diff = codes[h * tables + l] ^ ref[h * tables + l];
                for (int p = 0; p < bits; p++) {
                    if ((diff & (1 << (bits - 1 - p))) != 0) {
                        double z = SimHashReference.queryProjection(q, h, planes, l, p, d, bits);
                        assertTrue(Math.abs(z) < 1e-4, "head " + h + " table " + l + " bit " + p + ": projection " + z);
                    }
                }
            }
        }
    }
}
