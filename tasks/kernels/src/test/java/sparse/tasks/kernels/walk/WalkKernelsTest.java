package sparse.tasks.kernels.walk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sparse.tasks.kernels.TestData;
import sparse.tasks.kernels.WorkGroups;
import sparse.tasks.kernels.sketch.SketchReference;

class WalkKernelsTest {

    @ParameterizedTest(name = "prev={0} size={1}")
    @CsvSource({"0,5", "3,5", "5,5", "7,5"})
    void carryIsPaddedWithTheIdentity(int prevSize, int size) {
        long seed = TestData.seed("padCarry");
        float[] prev = TestData.floats(new SplittableRandom(seed), Math.max(1, prevSize * prevSize), 1.0);
        float[] out = TestData.poisonedFloats(size * size);
        WalkKernels.padCarry(prev, prevSize, size, out);
        double[] ref = WalkReference.padCarry(SketchReference.widen(prev), prevSize, size);
        for (int i = 0; i < ref.length; i++) {
            assertEquals(ref[i], out[i], 0.0, "entry " + i);
        }
    }

    /** d steps of the walk from a carry against the dense float64 walk. */
    @ParameterizedTest(name = "size={0} hops={1} carry={2}")
    @CsvSource({"1,3,0", "6,3,1", "33,3,1", "20,1,0", "50,5,1"})
    void walkMatchesTheReference(int size, int hops, int carry) {
        long seed = TestData.seed("walk");
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = causalStochastic(r, size);
        float[] start = carry == 1 ? causalStochastic(r, size) : a.clone();
        float beta = 0.25f;
        float[] s = start.clone();
        for (int t = 0; t < hops; t++) {
            float[] next = TestData.poisonedFloats(size * size);
            WalkKernels.walkStep(a, s, size, beta, next);
            s = next;
        }
        double[] ref = WalkReference.walk(SketchReference.widen(a), SketchReference.widen(start), size, beta, hops);
        double err = TestData.relativeError(s, ref);
        assertTrue(err < 1e-5, "relative error " + err);
    }

    /** Thresholds, for rows with 0, 1, 2 and many candidates, with and without ties. */
    @ParameterizedTest(name = "rows={0} sink={1} window={2} q={3} levels={4} local={5}")
    @CsvSource({"40,2,1,0.875,0,16", "40,2,3,0.875,4,64", "70,1,1,0.5,0,32", "12,0,1,0.875,0,8", "30,3,2,0.0,0,8",
            "30,1,1,1.0,3,16"})
    void rowQuantilesMatchTheReference(int rows, int sink, int window, float quantile, int levels, int local) {
        long seed = TestData.seed("rowQuantiles");
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = scores(r, rows * rows, levels);
        float[] thresholds = TestData.poisonedFloats(rows);
        WorkGroups.run(rows, 1, local, ctx -> WalkKernels.rowQuantiles(ctx, w, rows, 0, sink, window, quantile, thresholds));
        double[] wide = SketchReference.widen(w);
        for (int i = 0; i < rows; i++) {
            double ref = WalkReference.threshold(wide, i * rows, i, sink, window, quantile);
            assertEquals(ref, thresholds[i], Math.abs(ref) * 1e-6, "row " + i);
        }
        // the mask from the kernel's thresholds follows the rule exactly
        int[] keep = TestData.poisonedInts(rows * rows);
        int denseFrom = rows - 4;
        WalkKernels.selectBlocks(w, rows, thresholds, sink, window, denseFrom, keep);
        boolean[] ref = WalkReference.selectBlocks(wide, rows, SketchReference.widen(thresholds), sink, window, denseFrom);
        for (int i = 0; i < rows * rows; i++) {
            assertEquals(ref[i] ? 1 : 0, keep[i], "tile (" + i / rows + ", " + i % rows + ")");
        }
    }

    /** Above the quantile of its candidates a row keeps about (1 − q) of them. */
    @ParameterizedTest(name = "levels={0}")
    @CsvSource({"0", "2"})
    void selectionKeepsTheTopOfTheCandidates(int levels) {
        long seed = TestData.seed("selectionShare");
        SplittableRandom r = new SplittableRandom(seed);
        int rows = 1, cols = 801, sink = 0, window = 0;
        float[] s = scores(r, cols, levels);
        float[] thresholds = TestData.poisonedFloats(1);
        WorkGroups.run(1, 1, 64, ctx -> WalkKernels.rowQuantiles(ctx, s, cols, cols, sink, window, 0.875f, thresholds));
        long kept = 0;
        for (float x : s) {
            kept += x >= thresholds[0] ? 1 : 0;
        }
        if (levels == 0) {
            assertEquals(cols - 700, kept, "distinct values: exactly the top 101 of 801 (from sorted position 700)");
        } else {
            assertTrue(kept >= 100, "ties at the threshold are all kept: " + kept);
        }
    }

    /** A random lower-triangular matrix with positive entries and rows summing to 1. */
    static float[] causalStochastic(SplittableRandom r, int size) {
        float[] a = new float[size * size];
        for (int i = 0; i < size; i++) {
            double sum = 0;
            for (int j = 0; j <= i; j++) {
                a[i * size + j] = (float) (0.1 + r.nextDouble());
                sum += a[i * size + j];
            }
            for (int j = 0; j <= i; j++) {
                a[i * size + j] = (float) (a[i * size + j] / sum);
            }
        }
        return a;
    }

    /** Positive scores; with levels > 0 only that many distinct values, so rows have ties. */
    private static float[] scores(SplittableRandom r, int n, int levels) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = levels > 0 ? (1 + r.nextInt(levels)) / 64.0f : (float) r.nextDouble() / 16;
        }
        return w;
    }
}
