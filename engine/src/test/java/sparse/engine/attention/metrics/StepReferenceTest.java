package sparse.engine.attention.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import sparse.engine.attention.Budget;
import sparse.engine.attention.workload.WorkloadLayer;

/** The reference against a plain brute-force float64 computation of every metric. */
class StepReferenceTest {

    private final long seed = new Random().nextLong();
    private final Random rng = new Random(seed);

    @BeforeEach
    void printSeed(TestInfo test) {
        System.out.println(getClass().getSimpleName() + "." + test.getDisplayName() + " seed = " + seed);
    }

    @Test
    void metricsOfRandomSelectionsMatchBruteForce() {
        int hq = 6, hkv = 2, d = 16, t = 400, tq = 3;
        WorkloadLayer layer = randomLayer(hq, hkv, d, t, tq);
        double[] densities = {0.2, 0.5, 1.0};
        for (int step = 0; step < tq; step++) {
            StepReference ref = new StepReference(layer, step, densities);
            int visible = ref.visible();
            assertEquals(t - tq + step + 1, visible);
            float[] q = layer.query(step);
            for (int h = 0; h < hq; h++) {
                double[] p = BruteForce.probabilities(layer, q, h, visible);
                double[] dense = BruteForce.output(layer, p, h, null);
                int[] sel = randomSubset(visible, 0.3);
                double[] sparse = BruteForce.output(layer, p, h, sel);
                float[] out = new float[hq * d];
                Arrays.fill(out, Float.NaN);
                for (int i = 0; i < d; i++) {
                    out[h * d + i] = (float) sparse[i];
                }
                for (double density : densities) {
                    HeadMetrics m = ref.measure(h, sel, out, density);
                    assertEquals((double) sel.length / visible, m.density(), 0);
                    double mass = 0;
                    for (int j : sel) {
                        mass += p[j];
                    }
                    assertEquals(mass, m.massRecall(), 1e-12);
                    assertEquals(BruteForce.recall(p, sel, Budget.of(density, visible)), m.topkRecall(), 0);
                    double diff = 0;
                    double norm = 0;
                    for (int i = 0; i < d; i++) {
                        diff += (out[h * d + i] - dense[i]) * (out[h * d + i] - dense[i]);
                        norm += dense[i] * dense[i];
                    }
                    assertEquals(Math.sqrt(diff / norm), m.outputError(), 1e-9);
                }
                assertEquals(dense[0], ref.denseOutput(h)[0], 1e-12);
            }
        }
    }

    @Test
    void theOracleSelectionHasFullRecallAndDenseHasZeroError() {
        int hq = 4, hkv = 1, d = 8, t = 256, tq = 2;
        WorkloadLayer layer = randomLayer(hq, hkv, d, t, tq);
        StepReference ref = new StepReference(layer, 1, new double[] {0.25, 1.0});
        int visible = ref.visible();
        float[] q = layer.query(1);
        for (int h = 0; h < hq; h++) {
            double[] p = BruteForce.probabilities(layer, q, h, visible);
            Budget b = Budget.of(0.25, visible);
            int[] oracle = BruteForce.oracle(p, b);
            int[] sel = IntStream.concat(IntStream.concat(IntStream.range(0, b.sink()), Arrays.stream(oracle)),
                    IntStream.range(visible - b.window(), visible)).sorted().toArray();
            float[] out = new float[hq * d];
            assertEquals(1.0, ref.measure(h, sel, out, 0.25).topkRecall());
            double[] dense = ref.denseOutput(h);
            for (int i = 0; i < d; i++) {
                out[h * d + i] = (float) dense[i];
            }
            HeadMetrics all = ref.measure(h, IntStream.range(0, visible).toArray(), out, 1.0);
            assertEquals(1.0, all.density());
            assertEquals(1.0, all.topkRecall());
            assertEquals(1.0, all.massRecall(), 1e-12);
            assertTrue(all.outputError() < 1e-7, "float rounding only: " + all.outputError());
        }
    }

    @Test
    void tiesAtTheCutGoToTheLowestPositions() {
        // every key equal: all scores tie, so the oracle is the first M heavy positions
        int d = 4, t = 160;
        short[] k = new short[t * d];
        short[] v = new short[t * d];
        Arrays.fill(k, Float.floatToFloat16(0.5f));
        Arrays.fill(v, Float.floatToFloat16(1f));
        WorkloadLayer layer = new WorkloadLayer(1, 1, d, t, 1, k, v, new float[] {1, 2, 3, 4});
        StepReference ref = new StepReference(layer, 0, new double[] {0.5});
        Budget b = Budget.of(0.5, t);
        int[] first = IntStream.range(b.sink(), b.sink() + b.heavy()).toArray();
        int[] last = IntStream.range(t - b.window() - b.heavy(), t - b.window()).toArray();
        assertEquals(1.0, ref.measure(0, first, new float[d], 0.5).topkRecall());
        assertEquals(0.0, ref.measure(0, last, new float[d], 0.5).topkRecall());
    }

    @Test
    void anImpossibleBudgetFailsAtOnce() {
        WorkloadLayer layer = randomLayer(2, 1, 4, 4096, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StepReference(layer, 0, new double[] {0.1, 0.0}));
        assertTrue(e.getMessage().startsWith("density must be in (0, 1], got 0.0"), e.getMessage());
    }

    private WorkloadLayer randomLayer(int hq, int hkv, int d, int t, int tq) {
        short[] k = new short[hkv * t * d];
        short[] v = new short[hkv * t * d];
        float[] q = new float[tq * hq * d];
        for (int i = 0; i < k.length; i++) {
            k[i] = Float.floatToFloat16((float) rng.nextGaussian());
            v[i] = Float.floatToFloat16((float) rng.nextGaussian());
        }
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) (2 * rng.nextGaussian());
        }
        return new WorkloadLayer(hq, hkv, d, t, tq, k, v, q);
    }

    private int[] randomSubset(int n, double p) {
        return IntStream.range(0, n).filter(j -> rng.nextDouble() < p).toArray();
    }
}
