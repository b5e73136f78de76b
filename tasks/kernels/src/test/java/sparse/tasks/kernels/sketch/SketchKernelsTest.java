package sparse.tasks.kernels.sketch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sparse.tasks.kernels.TestData;
import sparse.tasks.kernels.WorkGroups;

class SketchKernelsTest {

    @ParameterizedTest(name = "heads={0} tokens={1} d={2} block={3}")
    @CsvSource({"1,1,64,64", "2,63,64,64", "3,64,128,64", "2,65,128,64", "2,200,64,64", "1,300,80,32"})
    void poolingMatchesTheReference(int heads, int tokens, int d, int block) {
        long seed = TestData.seed("pooling");
        SplittableRandom r = new SplittableRandom(seed);
        int blocks = (tokens + block - 1) / block;
        int capacity = tokens + 17;
        float[] x = TestData.floats(r, heads * tokens * d, 1.0);
        short[] k = TestData.halfs(r, heads * capacity * d, 1.0);
        int outBlocks = blocks + 2;   // spare rows, as in a cache with room to grow
        float[] pooled = TestData.poisonedFloats(heads * outBlocks * d);
        float[] pooledHalf = TestData.poisonedFloats(heads * outBlocks * d);
        SketchKernels.poolBlocks(x, tokens * d, heads, tokens, d, block, 0, blocks, pooled, outBlocks * d);
        SketchKernels.poolBlocksHalf(k, capacity * d, heads, tokens, d, block, 0, blocks, pooledHalf, outBlocks * d);
        double[] ref = SketchReference.poolBlocks(x, heads, tokens, d, block);
        double[] refHalf = SketchReference.poolBlocksHalf(k, heads, capacity, tokens, d, block);
        for (int h = 0; h < heads; h++) {
            double err = TestData.relativeError(pooled, h * outBlocks * d, ref, h * blocks * d, blocks * d);
            double errHalf = TestData.relativeError(pooledHalf, h * outBlocks * d, refHalf, h * blocks * d, blocks * d);
            assertTrue(err < 1e-6, "head " + h + ": relative error " + err);
            assertTrue(errHalf < 1e-6, "head " + h + " (fp16): relative error " + errHalf);
            assertTrue(Float.isNaN(pooled[h * outBlocks * d + blocks * d]), "wrote past the last block");
        }
    }

    /** Re-pooling only the last block (as decode does when a token arrives) leaves the others alone. */
    @ParameterizedTest(name = "tokens={0}")
    @CsvSource({"65", "128", "190"})
    void poolingARangeOfBlocksWritesOnlyThatRange(int tokens) {
        long seed = TestData.seed("poolingRange");
        SplittableRandom r = new SplittableRandom(seed);
        int heads = 2, d = 64, block = 64, blocks = (tokens + block - 1) / block;
        float[] x = TestData.floats(r, heads * tokens * d, 1.0);
        float[] pooled = TestData.poisonedFloats(heads * blocks * d);
        SketchKernels.poolBlocks(x, tokens * d, heads, tokens, d, block, blocks - 1, 1, pooled, blocks * d);
        double[] ref = SketchReference.poolBlocks(x, heads, tokens, d, block);
        for (int h = 0; h < heads; h++) {
            int last = (h * blocks + blocks - 1) * d;
            assertTrue(TestData.relativeError(pooled, last, ref, last, d) < 1e-6);
            if (blocks > 1) {
                assertTrue(Float.isNaN(pooled[h * blocks * d]), "touched a block outside the range");
            }
        }
    }

    /** With m = n = D the sketch is a rotation: inner products and norms survive to fp32 rounding. */
    @ParameterizedTest(name = "d={0} local={1}")
    @CsvSource({"64,32", "128,128", "128,16", "256,64"})
    void fullSketchPreservesInnerProducts(int d, int local) {
        long seed = TestData.seed("fullSketch");
        SplittableRandom r = new SplittableRandom(seed);
        SketchParameters p = SketchParameters.of(d, 0, r.nextLong(), 3);
        assertEquals(d, p.m());
        int rows = 40;
        float[] x = TestData.floats(r, rows * d, 1.0);
        float[] out = TestData.poisonedFloats(rows * d);
        sketch(x, rows, p, out, local);
        for (int a = 0; a < rows; a++) {
            for (int b = a; b < rows; b++) {
                double exact = 0, sketched = 0, na = 0, nb = 0;
                for (int c = 0; c < d; c++) {
                    exact += (double) x[a * d + c] * x[b * d + c];
                    sketched += (double) out[a * d + c] * out[b * d + c];
                    na += (double) x[a * d + c] * x[a * d + c];
                    nb += (double) x[b * d + c] * x[b * d + c];
                }
                double bound = 1e-5 * Math.sqrt(na * nb);
                assertTrue(Math.abs(sketched - exact) <= bound,
                        "rows " + a + "," + b + ": " + sketched + " vs " + exact);
            }
        }
    }

    @ParameterizedTest(name = "d={0} m={1} local={2}")
    @CsvSource({"128,32,64", "128,128,32", "80,64,32", "64,8,16", "100,1,64"})
    void sketchMatchesTheReference(int d, int m, int local) {
        long seed = TestData.seed("sketch");
        SplittableRandom r = new SplittableRandom(seed);
        SketchParameters p = SketchParameters.of(d, m, r.nextLong(), 0);
        int rows = 24;
        float[] x = TestData.floats(r, rows * d, 1.0);
        float[] out = TestData.poisonedFloats(rows * m);
        sketch(x, rows, p, out, local);
        double[] ref = SketchReference.sketch(SketchReference.widen(x), rows, p);
        double err = TestData.relativeError(out, ref);
        assertTrue(err < 1e-5, "relative error " + err);
    }

    /** Strided input and output: row j of head h read at inFirst + j, written at outFirst + j. */
    @ParameterizedTest(name = "local={0}")
    @CsvSource({"32", "64"})
    void sketchReadsAndWritesTheGivenRowsOfEachHead(int local) {
        long seed = TestData.seed("sketchStrided");
        SplittableRandom r = new SplittableRandom(seed);
        int heads = 3, d = 64, m = 32, inRows = 7, outRows = 9, count = 2, inFirst = 4, outFirst = 6;
        SketchParameters p = SketchParameters.of(d, m, r.nextLong(), 1);
        float[] x = TestData.floats(r, heads * inRows * d, 1.0);
        float[] out = TestData.poisonedFloats(heads * outRows * m);
        WorkGroups.run(heads * count, 1, local, ctx -> SketchKernels.hadamardSketch(ctx, x, inRows * d, inFirst, count,
                d, p.n(), p.signs(), p.keep(), m, p.scale(), out, outRows * m, outFirst));
        for (int h = 0; h < heads; h++) {
            double[] rows = new double[count * d];
            for (int i = 0; i < count * d; i++) {
                rows[i] = x[(h * inRows + inFirst) * d + i];
            }
            double[] ref = SketchReference.sketch(rows, count, p);
            double err = TestData.relativeError(out, (h * outRows + outFirst) * m, ref, 0, count * m);
            assertTrue(err < 1e-5, "head " + h + ": relative error " + err);
            assertTrue(Float.isNaN(out[(h * outRows + outFirst - 1) * m]), "wrote before the range");
        }
    }

    @ParameterizedTest(name = "hq={0} hkv={1} tb={2} m={3}")
    @CsvSource({"1,1,1,16", "4,2,9,32", "8,2,17,64", "4,4,40,128"})
    void blockAttentionMatchesTheReference(int hq, int hkv, int tb, int m) {
        long seed = TestData.seed("blockAttention");
        SplittableRandom r = new SplittableRandom(seed);
        // scaled up so that the temperature-100 softmax is not flat to fp32 precision
        float[] qs = TestData.floats(r, hq * tb * m, 30.0);
        float[] ks = TestData.floats(r, hkv * tb * m, 30.0);
        float scale = (float) (1 / Math.sqrt(m) / 100);
        float[] stats = TestData.poisonedFloats(hq * tb * 2);
        float[] a = TestData.poisonedFloats(tb * tb);
        SketchKernels.blockLogitStats(qs, tb * m, ks, tb * m, hq, hkv, tb, m, scale, stats);
        SketchKernels.blockAttention(qs, tb * m, ks, tb * m, hq, hkv, tb, m, scale, stats, a, tb);
        double[] ref = SketchReference.blockAttention(SketchReference.widen(qs), SketchReference.widen(ks), hq, hkv, tb, m, scale);
        double err = TestData.relativeError(a, ref);
        assertTrue(err < 1e-5, "relative error " + err);
        for (int i = 0; i < tb; i++) {
            double sum = 0;
            for (int j = 0; j < tb; j++) {
                sum += a[i * tb + j];
                if (j > i) {
                    assertEquals(0.0f, a[i * tb + j], "above the diagonal");
                }
            }
            assertEquals(1.0, sum, 1e-5, "row " + i + " sum");
        }
    }

    private static void sketch(float[] x, int rows, SketchParameters p, float[] out, int local) {
        WorkGroups.run(rows, 1, local, ctx -> SketchKernels.hadamardSketch(ctx, x, 0, 0, rows, p.d(), p.n(),
                p.signs(), p.keep(), p.m(), p.scale(), out, 0, 0));
    }
}
