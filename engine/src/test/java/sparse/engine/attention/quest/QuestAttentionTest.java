package sparse.engine.attention.quest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sparse.engine.attention.DecodeResult;
import sparse.engine.attention.LayerCache;
import sparse.engine.attention.dense.MethodTests;
import sparse.engine.backend.Device;
import sparse.engine.backend.jvm.JvmBackend;
import sparse.tasks.kernels.blocksparse.BlockSparseReference;
import sparse.tasks.kernels.pages.PageKernels;
import sparse.tasks.kernels.pages.QuestReference;

/**
 * Quest on every device against the float64 reference: the same pages per head except where
 * a page's score ties the threshold to fp32 rounding, and the output against float64
 * attention over the pages the device kept. Against the page kernels' own fp32 scores (run in
 * plain Java) the lists are exact: their top pages, ties to the lower page.
 */
class QuestAttentionTest {

    static final double BOUND = 1e-5;

    static List<Device> devices() {
        return MethodTests.devices();
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void followsTheReferenceAsTheCacheGrows(Device device) {
        SplittableRandom r = MethodTests.random("quest on " + device.id());
        int hq = 8, hkv = 2, d = 64, capacity = 1200;
        MethodTests.Case c = MethodTests.Case.random(r, hq, hkv, d, capacity, 1000);
        QuestOptions o = QuestOptions.of(0.1);
        try (QuestAttention quest = new QuestAttention(device, o)) {
            // steps over part of the cache, then rows appended (a partial page grows, new pages start)
            int[][] steps = {{1000, 990}, {1000, 1000}, {1001, 1001}, {1040, 1040}, {1040, 7}};
            int filled = 1000;
            for (int[] step : steps) {
                int length = step[0], visible = step[1];
                if (length > filled) {
                    c.fill(r, filled, length);
                    filled = length;
                }
                c.newQuery(r);
                LayerCache cache = c.cache(length);
                quest.load(4, cache);
                DecodeResult got = quest.decode(c.q(), hq, visible);
                check(got, c, cache, visible, o);
            }
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void groupedQueryAttentionAtLlamaShape(Device device) {
        SplittableRandom r = MethodTests.random("quest GQA on " + device.id());
        int hq = 32, hkv = 8, d = 128, capacity = 4096;
        MethodTests.Case c = MethodTests.Case.random(r, hq, hkv, d, capacity, 4000);
        QuestOptions o = QuestOptions.of(0.05);
        try (QuestAttention quest = new QuestAttention(device, o)) {
            quest.load(0, c.cache(4000));
            DecodeResult got = quest.decode(c.q(), hq, 4000);
            check(got, c, c.cache(4000), 4000, o);
            System.out.printf("quest on %s: T=4000, requested density 0.05, measured %.4f%n", device.id(),
                    got.density(4000));
        }
    }

    private static void check(DecodeResult got, MethodTests.Case c, LayerCache cache, int visible, QuestOptions o) {
        int hq = c.hq(), d = c.d(), page = o.pageSize();
        int pages = (visible + page - 1) / page;
        int keep = o.pagesKept(visible);
        double[][] bounds = QuestReference.pageBounds(cache.k(), c.hkv(), c.capacity(), visible, d, page);
        double[] scores = QuestReference.pageScores(c.q(), hq, c.hkv(), d, bounds, pages);
        for (int h = 0; h < hq; h++) {
            double[] mine = Arrays.copyOfRange(scores, h * pages, (h + 1) * pages);
            mine[pages - 1] = Double.POSITIVE_INFINITY;     // the newest page is always kept
            int[] ref = QuestReference.topPages(mine, 0, pages, keep);
            int[] gotPages = IntStream.of(got.selected()[h]).map(p -> p / page).distinct().toArray();
            assertEquals(keep, gotPages.length, "pages of head " + h);
            double threshold = IntStream.of(ref).mapToDouble(p -> mine[p]).min().orElseThrow();
            double scale = Arrays.stream(scores, h * pages, (h + 1) * pages).map(Math::abs).max().orElseThrow();
            for (int p = 0; p < pages; p++) {
                boolean inGot = Arrays.binarySearch(gotPages, p) >= 0;
                boolean inRef = Arrays.binarySearch(ref, p) >= 0;
                if (inGot != inRef) {
                    assertTrue(Math.abs(mine[p] - threshold) <= 1e-5 * scale,
                            "head " + h + " page " + p + " differs: score " + mine[p] + ", threshold " + threshold);
                }
            }
            assertEquals(pages - 1, gotPages[gotPages.length - 1], "newest page kept");
        }
        float[] kmin = new float[c.hkv() * pages * d];
        float[] kmax = new float[c.hkv() * pages * d];
        PageKernels.pageBounds(cache.k(), c.capacity() * d, c.hkv(), visible, d, page, 0, pages, kmin, kmax, pages);
        float[] fp32 = new float[hq * pages];
        PageKernels.pageScores(c.q(), hq, c.hkv(), d, kmin, kmax, pages, pages, o.keepLastPage() ? 1 : 0, fp32);
        for (int h = 0; h < hq; h++) {
            int[] top = QuestReference.topPages(IntStream.range(0, hq * pages).mapToDouble(i -> fp32[i]).toArray(),
                    h * pages, pages, keep);
            assertArrayEquals(QuestReference.pagePositions(top, page, visible), got.selected()[h], "head " + h);
        }
        double[] ref = BlockSparseReference.decode(c.q(), cache.k(), cache.v(), hq, c.hkv(), c.capacity(), d,
                got.selected(), 1 / Math.sqrt(d));
        double diff = 0, norm = 0;
        for (int i = 0; i < ref.length; i++) {
            diff += (got.output()[i] - ref[i]) * (got.output()[i] - ref[i]);
            norm += ref[i] * ref[i];
        }
        assertTrue(Math.sqrt(diff / norm) < BOUND, "output error " + Math.sqrt(diff / norm));
    }

    @Test
    void pageBudgetFollowsTheDensity() {
        QuestOptions o = QuestOptions.of(0.05);
        assertEquals(3, o.pagesKept(1000));         // round(50)/16 = 3
        assertEquals(128, o.pagesKept(40960));      // 2048/16
        assertEquals(3, o.pagesKept(100));          // at least 3
        assertEquals(2, o.pagesKept(20));           // but no more than there are
        assertEquals(63, QuestOptions.of(1.0).pagesKept(1000));
    }

    @Test
    void rejectsBadOptionsInOneLine() {
        assertEquals("density must be in (0, 1], got 0.0",
                assertThrows(IllegalArgumentException.class, () -> QuestOptions.of(0)).getMessage());
        assertEquals("density must be in (0, 1], got 1.5",
                assertThrows(IllegalArgumentException.class, () -> QuestOptions.of(1.5)).getMessage());
        assertEquals("density must be in (0, 1], got NaN",
                assertThrows(IllegalArgumentException.class, () -> QuestOptions.of(Double.NaN)).getMessage());
        assertEquals("pageSize must be ≥ 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new QuestOptions(0.1, 0, 3, true)).getMessage());
        assertEquals("minPages must be ≥ 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new QuestOptions(0.1, 16, 0, true)).getMessage());
    }

    @Test
    void rejectsBadCallsInOneLine() {
        Device jvm = JvmBackend.open().getFirst();
        SplittableRandom r = new SplittableRandom(1);
        MethodTests.Case c = MethodTests.Case.random(r, 4, 2, 64, 100, 50);
        try (QuestAttention quest = new QuestAttention(jvm, QuestOptions.of(0.2))) {
            assertEquals("quest: decode before any load",
                    assertThrows(IllegalStateException.class, () -> quest.decode(c.q(), 4, 10)).getMessage());
            quest.load(0, c.cache(50));
            assertEquals("visible tokens 51 outside [1, 50] (the cached length)",
                    assertThrows(IllegalArgumentException.class, () -> quest.decode(c.q(), 4, 51)).getMessage());
            assertEquals("query heads 3 must be a positive multiple of the cache's 2 key/value heads",
                    assertThrows(IllegalArgumentException.class, () -> quest.decode(new float[192], 3, 10)).getMessage());
            assertEquals("q holds 100 values, not hq*d = 256",
                    assertThrows(IllegalArgumentException.class, () -> quest.decode(new float[100], 4, 10)).getMessage());
        }
    }
}
