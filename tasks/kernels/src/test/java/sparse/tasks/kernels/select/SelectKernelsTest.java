package sparse.tasks.kernels.select;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sparse.tasks.kernels.TestData;
import sparse.tasks.kernels.WorkGroups;

class SelectKernelsTest {

    /** Scores drawn from a few values (many ties), from a continuum, or with ±0 and negatives. */
    enum Scores { CONTINUOUS, FEW_VALUES, SIGNED_ZEROS, CLUSTERED }

    @ParameterizedTest(name = "rows={0} n={1} sink={2} window={3} heavy={4} {5}")
    @CsvSource({
            "4,1000,62,62,50,CONTINUOUS",
            "4,1000,62,62,50,FEW_VALUES",
            "3,1000,0,0,300,SIGNED_ZEROS",
            "2,4096,128,128,172,CONTINUOUS",
            "2,4096,128,128,1000,FEW_VALUES",
            "2,300,10,20,0,CONTINUOUS",
            "2,300,10,20,270,CONTINUOUS",
            "2,300,10,20,5000,FEW_VALUES",
            "2,17,3,2,5,FEW_VALUES",
            "1,256,0,0,1,CONTINUOUS",
            "1,257,0,0,256,FEW_VALUES"})
    void topMEqualsTheSortedReference(int rows, int n, int sink, int window, int heavy, Scores kind) {
        check(false, rows, n, sink, window, heavy, kind, 0);
    }

    @ParameterizedTest(name = "rows={0} n={1} sink={2} window={3} heavy={4} {5} chunk={6}")
    @CsvSource({
            "4,1000,62,62,50,CONTINUOUS,256",
            "4,1000,62,62,50,FEW_VALUES,512",
            "3,1000,0,0,300,SIGNED_ZEROS,256",
            "2,4096,128,128,172,CONTINUOUS,768",
            "2,4096,128,128,1000,FEW_VALUES,256",
            "2,4096,128,128,1000,CONTINUOUS,4096",
            "2,300,10,20,0,CONTINUOUS,256",
            "2,300,10,20,270,CONTINUOUS,256",
            "2,300,10,20,5000,FEW_VALUES,256",
            "2,17,3,2,5,FEW_VALUES,256",
            "1,256,0,0,1,CONTINUOUS,256",
            "1,257,0,0,256,FEW_VALUES,256",
            "1,20000,128,128,900,CONTINUOUS,1024",
            "1,20000,128,128,900,CLUSTERED,1024"})
    void radixTopMOverChunksEqualsTheSortedReference(int rows, int n, int sink, int window, int heavy, Scores kind,
                                                     int chunk) {
        check(true, rows, n, sink, window, heavy, kind, chunk);
    }

    /** One work-group per row ({@code selectTopM}), or the radix passes over chunks of a row, twice on the same buffers. */
    private static void check(boolean radix, int rows, int n, int sink, int window, int heavy, Scores kind, int chunk) {
        long seed = TestData.seed((radix ? "radix select " : "selectTopM ") + kind);
        SplittableRandom r = new SplittableRandom(seed);
        int scoreStride = n + 5;
        int listStride = n + 3;
        float[] scores = TestData.poisonedFloats(rows * scoreStride);
        double[] asDouble = new double[scores.length];
        for (int row = 0; row < rows; row++) {
            for (int j = 0; j < n; j++) {
                float s = switch (kind) {
                    case CONTINUOUS -> (float) r.nextGaussian();
                    case FEW_VALUES -> r.nextInt(4) * 0.5f;
                    case SIGNED_ZEROS -> r.nextInt(3) == 0 ? (r.nextBoolean() ? 0f : -0f) : (float) -Math.abs(r.nextGaussian());
                    // positive, within one octave: the high digits are all alike
                    case CLUSTERED -> 1f + (float) r.nextDouble() * 0.001f;
                };
                scores[row * scoreStride + j] = s;
                asDouble[row * scoreStride + j] = s;
            }
        }
        int[] indices = TestData.poisonedInts(rows * listStride);
        int[] counts = TestData.poisonedInts(rows);
        if (!radix) {
            WorkGroups.run(rows, 1, SelectKernels.GROUP, ctx -> SelectKernels.selectTopM(ctx, scores, indices, counts,
                    scoreStride, listStride, n, sink, window, heavy));
        } else {
            int chunks = SelectKernels.radixChunks(n, sink, window, chunk);
            int[] histograms = new int[rows * SelectKernels.RADIX_DIGITS * SelectKernels.BINS];
            int[] state = TestData.poisonedInts(rows * SelectKernels.STATE_PER_ROW);
            int[] chunkCounts = TestData.poisonedInts(rows * chunks * 2);
            // the second run checks that the first left the histograms at zero
            for (int run = 0; run < 2; run++) {
                for (int pass = 0; pass <= SelectKernels.RADIX_DIGITS; pass++) {
                    int p = pass;
                    WorkGroups.run(chunks, rows, SelectKernels.GROUP, ctx -> SelectKernels.radixSelectPass(ctx, scores,
                            histograms, state, chunkCounts, scoreStride, n, sink, window, heavy, chunk, chunks, p));
                }
                Arrays.fill(indices, 0xDEADBEEF);
                WorkGroups.run(chunks, rows, SelectKernels.GROUP, ctx -> SelectKernels.radixScatter(ctx, scores, indices,
                        counts, histograms, state, chunkCounts, scoreStride, listStride, n, sink, window, heavy, chunk,
                        chunks));
            }
            assertArrayEquals(new int[histograms.length], histograms, "histograms left at zero");
        }
        for (int row = 0; row < rows; row++) {
            int[] ref = SelectReference.topM(asDouble, row * scoreStride, n, sink, window, heavy);
            assertEquals(ref.length, counts[row], "count of row " + row);
            int[] got = Arrays.copyOfRange(indices, row * listStride, row * listStride + counts[row]);
            assertArrayEquals(ref, got, "row " + row);
            if (counts[row] < listStride) {
                assertEquals(0xDEADBEEF, indices[row * listStride + counts[row]], "wrote past the list");
            }
        }
    }

    @Test
    void sinkAndWindowListsEveryPositionOnce() {
        int rows = 3, listStride = 600, n = 500;
        int[] indices = TestData.poisonedInts(rows * listStride);
        int[] counts = TestData.poisonedInts(rows);
        SelectKernels.sinkAndWindow(indices, counts, rows, listStride, n, 16, 40);
        for (int row = 0; row < rows; row++) {
            assertEquals(56, counts[row]);
            assertArrayEquals(SelectReference.sinkAndWindow(n, 16, 40),
                    Arrays.copyOfRange(indices, row * listStride, row * listStride + 56));
        }
        // dense: sink n, window 0
        SelectKernels.sinkAndWindow(indices, counts, 1, listStride, n, n, 0);
        assertEquals(n, counts[0]);
        for (int j = 0; j < n; j++) {
            assertEquals(j, indices[j]);
        }
    }

    @ParameterizedTest(name = "hq={0} hkv={1} n={2} tables={3} bits={4}")
    @CsvSource({"8,2,1000,10,8", "4,4,3000,75,8", "2,1,300,4,3"})
    void collidingEqualsTheReference(int hq, int hkv, int n, int tables, int bits) {
        long seed = TestData.seed("selectColliding");
        SplittableRandom r = new SplittableRandom(seed);
        int capacity = n + 10, listStride = n, sink = 8, window = 20;
        short[] keyCodes = new short[hkv * tables * capacity];
        int[] refKeyCodes = new int[keyCodes.length];
        for (int i = 0; i < keyCodes.length; i++) {
            refKeyCodes[i] = r.nextInt(1 << bits);
            keyCodes[i] = (short) refKeyCodes[i];
        }
        short[] queryCodes = new short[hq * tables];
        int[] refQueryCodes = new int[queryCodes.length];
        for (int i = 0; i < queryCodes.length; i++) {
            refQueryCodes[i] = r.nextInt(1 << bits);
            queryCodes[i] = (short) refQueryCodes[i];
        }
        int[] indices = TestData.poisonedInts(hq * listStride);
        int[] counts = TestData.poisonedInts(hq);
        WorkGroups.run(hq, 1, SelectKernels.GROUP, ctx -> SelectKernels.selectColliding(ctx, keyCodes, queryCodes,
                indices, counts, hq, hkv, capacity, tables, listStride, n, sink, window));
        for (int h = 0; h < hq; h++) {
            int[] ref = SelectReference.colliding(refKeyCodes, refQueryCodes, h, hq, hkv, capacity, tables, n, sink, window);
            assertEquals(ref.length, counts[h], "count of head " + h);
            assertArrayEquals(ref, Arrays.copyOfRange(indices, h * listStride, h * listStride + counts[h]), "head " + h);
        }
        System.out.println("  kept " + counts[0] + " of " + n);
    }
}
