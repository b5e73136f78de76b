package sparse.tasks.kernels.pages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sparse.tasks.kernels.TestData;

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
        PageKernels.pageBounds(k, capacity * d, hkv, tokens, d, page, 0, pages, kmin, kmax, capPages);
        double[][] ref = QuestReference.pageBounds(k, hkv, capacity, tokens, d, page);
        for (int g = 0; g < hkv; g++) {
            for (int p = 0; p < pages; p++) {
                for (int c = 0; c < d; c++) {
                    int at = (g * d + c) * capPages + p;
                    assertEquals(ref[0][(g * pages + p) * d + c], kmin[at], 0.0, "min " + g + "/" + p + "/" + c);
                    assertEquals(ref[1][(g * pages + p) * d + c], kmax[at], 0.0, "max " + g + "/" + p + "/" + c);
                }
            }
        }
        float[] q = TestData.floats(r, hq * d, 1.0);
        float[] scores = TestData.poisonedFloats(hq * pages);
        PageKernels.pageScores(q, hq, hkv, d, kmin, kmax, capPages, pages, 0, scores);
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
        PageKernels.pageScores(q, hq, hkv, d, kmin, kmax, capPages, pages, 1, scores);
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
        PageKernels.pageBounds(k, tokens * d, hkv, tokens, d, page, pages - 1, 1, kmin, kmax, pages);
        double[][] ref = QuestReference.pageBounds(k, hkv, tokens, tokens, d, page);
        for (int g = 0; g < hkv; g++) {
            for (int c = 0; c < d; c++) {
                int at = (g * d + c) * pages + pages - 1;
                assertEquals(ref[0][(g * pages + pages - 1) * d + c], kmin[at], 0.0);
                assertEquals(ref[1][(g * pages + pages - 1) * d + c], kmax[at], 0.0);
                assertTrue(Float.isNaN(kmin[at - 1]), "touched another page");
            }
        }
    }
}
