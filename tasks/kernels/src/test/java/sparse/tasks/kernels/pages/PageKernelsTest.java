package sparse.tasks.kernels.pages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sparse.tasks.kernels.TestData;
import sparse.tasks.kernels.WorkGroups;

class PageKernelsTest {

    @ParameterizedTest(name = "hkv={0} tokens={1} d={2} page={3}")
    @CsvSource({"1,1,64,16", "2,16,64,16", "2,17,128,16", "3,250,64,16", "1,100,32,32"})
    void boundsAndScoresMatchTheReference(int hkv, int tokens, int d, int page) {
        long seed = TestData.seed("pageBounds");
        SplittableRandom r = new SplittableRandom(seed);
        int hq = hkv * 2, capacity = tokens + 40, pages = (tokens + page - 1) / page;
        int capPages = (capacity + page - 1) / page;
        short[] k = TestData.halfs(r, hkv * capacity * d, 1.0);
        float[] kmin = TestData.poisonedFloats(hkv * capPages * d);
        float[] kmax = TestData.poisonedFloats(hkv * capPages * d);
        PageKernels.pageBounds(k, capacity * d, hkv, tokens, d, page, 0, pages, kmin, kmax, capPages * d);
        double[][] ref = QuestReference.pageBounds(k, hkv, capacity, tokens, d, page);
        for (int g = 0; g < hkv; g++) {
            for (int i = 0; i < pages * d; i++) {
                assertEquals(ref[0][g * pages * d + i], kmin[g * capPages * d + i], 0.0, "min " + g + "/" + i);
                assertEquals(ref[1][g * pages * d + i], kmax[g * capPages * d + i], 0.0, "max " + g + "/" + i);
            }
        }
        float[] q = TestData.floats(r, hq * d, 1.0);
        float[] scores = TestData.poisonedFloats(hq * pages);
        PageKernels.pageScores(q, hq, hkv, d, kmin, kmax, capPages * d, pages, 0, scores);
        double[] refScores = QuestReference.pageScores(q, hq, hkv, d, ref, pages);
        double err = TestData.relativeError(scores, refScores);
        assertTrue(err < 1e-5, "relative error " + err);
        // a page's score bounds every q·k of its keys
        for (int h = 0; h < hq; h++) {
            int g = h / 2;
            for (int t = 0; t < tokens; t++) {
                double dot = 0;
                for (int c = 0; c < d; c++) {
                    dot += (double) q[h * d + c] * Float.float16ToFloat(k[(g * capacity + t) * d + c]);
                }
                assertTrue(dot <= refScores[h * pages + t / page] + 1e-9, "bound at head " + h + " token " + t);
            }
        }
        PageKernels.pageScores(q, hq, hkv, d, kmin, kmax, capPages * d, pages, 1, scores);
        assertEquals(PageKernels.FORCED, scores[pages - 1]);
    }

    /** Decode updates only the last page when a token arrives. */
    @ParameterizedTest(name = "tokens={0}")
    @CsvSource({"17", "32", "33"})
    void boundsOfOnePageLeaveTheOthersAlone(int tokens) {
        long seed = TestData.seed("pageBoundsRange");
        SplittableRandom r = new SplittableRandom(seed);
        int hkv = 2, d = 64, page = 16, pages = (tokens + page - 1) / page;
        short[] k = TestData.halfs(r, hkv * tokens * d, 1.0);
        float[] kmin = TestData.poisonedFloats(hkv * pages * d);
        float[] kmax = TestData.poisonedFloats(hkv * pages * d);
        PageKernels.pageBounds(k, tokens * d, hkv, tokens, d, page, pages - 1, 1, kmin, kmax, pages * d);
        double[][] ref = QuestReference.pageBounds(k, hkv, tokens, tokens, d, page);
        for (int g = 0; g < hkv; g++) {
            int last = (g * pages + pages - 1) * d;
            for (int c = 0; c < d; c++) {
                assertEquals(ref[0][last + c], kmin[last + c], 0.0);
                assertEquals(ref[1][last + c], kmax[last + c], 0.0);
            }
            assertTrue(Float.isNaN(kmin[g * pages * d]), "touched another page");
        }
    }

    @ParameterizedTest(name = "heads={0} pages={1} keep={2} levels={3} local={4}")
    @CsvSource({"1,1,1,0,8", "2,10,3,0,8", "4,100,12,0,32", "2,100,12,3,32", "3,700,90,0,256", "2,50,50,0,16",
            "2,64,5,1,64", "1,1000,1,0,128"})
    void topPagesMatchTheReference(int heads, int pages, int keep, int levels, int local) {
        long seed = TestData.seed("topPages");
        SplittableRandom r = new SplittableRandom(seed);
        float[] scores = new float[heads * pages];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = levels > 0 ? r.nextInt(levels) - 1 : (float) r.nextGaussian();
        }
        int stride = pages + 3;
        int[] list = TestData.poisonedInts(heads * stride);
        int[] spans = TestData.poisonedInts(2 * heads);
        WorkGroups.run(heads, 1, local, ctx -> PageKernels.topPages(ctx, scores, pages, keep, list, stride, spans));
        double[] wide = new double[scores.length];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = scores[i];
        }
        for (int h = 0; h < heads; h++) {
            int[] ref = QuestReference.topPages(wide, h * pages, pages, keep);
            assertEquals(h * stride, spans[2 * h]);
            assertEquals(keep, spans[2 * h + 1]);
            assertArrayEquals(ref, Arrays.copyOfRange(list, h * stride, h * stride + keep), "head " + h);
            assertEquals(0xDEADBEEF, list[h * stride + keep], "wrote past the list");
        }
    }
}
