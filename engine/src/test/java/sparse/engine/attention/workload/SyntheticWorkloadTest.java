package sparse.engine.attention.workload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import sparse.engine.attention.metrics.Concentration;
import sparse.engine.attention.metrics.StepReference;

class SyntheticWorkloadTest {

    private final long seed = new Random().nextLong();

    @BeforeEach
    void printSeed(TestInfo test) {
        System.out.println(getClass().getSimpleName() + "." + test.getDisplayName() + " seed = " + seed);
    }

    @Test
    void sameSeedSameWorkloadAndShapesAsAsked() {
        SyntheticParams p = SyntheticParams.defaults(seed).withContext(300).withQueries(5).withLayers(3).withHeads(6, 2, 16);
        Workload a = SyntheticWorkload.generate(p);
        Workload b = SyntheticWorkload.generate(p);
        Workload c = SyntheticWorkload.generate(SyntheticParams.defaults(seed + 1).withContext(300).withQueries(5)
                .withLayers(3).withHeads(6, 2, 16));
        assertEquals(3, a.layers().size());
        for (int l = 0; l < 3; l++) {
            WorkloadLayer x = a.layers().get(l);
            assertEquals(6, x.hq());
            assertEquals(2, x.hkv());
            assertEquals(16, x.d());
            assertEquals(300, x.t());
            assertEquals(5, x.tq());
            assertArrayEquals(x.k(), b.layers().get(l).k());
            assertArrayEquals(x.v(), b.layers().get(l).v());
            assertArrayEquals(x.q(), b.layers().get(l).q());
            assertFalse(Arrays.equals(x.k(), c.layers().get(l).k()));
            for (short h : x.k()) {
                assertTrue(Float.isFinite(Float.float16ToFloat(h)));
            }
        }
        assertFalse(Arrays.equals(a.layers().get(0).k(), a.layers().get(1).k()), "layers differ");
    }

    @Test
    void sinksAndRecentKeysScoreAboveTheRest() {
        Workload w = SyntheticWorkload.generate(SyntheticParams.defaults(seed).withContext(2048).withLayers(1)
                .withHeads(8, 2, 64));
        WorkloadLayer l = w.layers().get(0);
        StepReference ref = new StepReference(l, l.tq() - 1, new double[0]);
        int visible = ref.visible();
        double sink = 0;
        double recent = 0;
        double middle = 0;
        for (int h = 0; h < l.hq(); h++) {
            for (int j = 0; j < 4; j++) {
                sink += ref.score(h, j) / (4.0 * l.hq());
            }
            recent += ref.score(h, visible - 1) / l.hq();
            for (int j = 256; j < visible - 256; j++) {
                middle += ref.score(h, j) / ((visible - 512.0) * l.hq());
            }
        }
        assertTrue(sink > middle + 5, "sink " + sink + " vs middle " + middle);
        assertTrue(recent > middle + 4, "recent " + recent + " vs middle " + middle);
    }

    @Test
    void attentionIsConcentratedButNotJustSinkAndWindowAt16K() {
        Workload w = SyntheticWorkload.generate(SyntheticParams.defaults(seed).withLayers(1));
        Concentration c = Concentration.measure(w, 0.05);
        System.out.printf("T=16K top-5%% mass %.3f (p10 %.3f), sink+window %.3f (p10 %.3f, p90 %.3f), oracle %.3f%n",
                c.topMass().mean(), c.topMass().p10(), c.sinkWindowMass().mean(), c.sinkWindowMass().p10(),
                c.sinkWindowMass().p90(), c.oracleMass().mean());
        assertTrue(c.topMass().mean() > 0.8 && c.topMass().mean() < 0.97, "top-5% mass " + c.topMass().mean());
        assertTrue(c.sinkWindowMass().mean() < c.topMass().mean() - 0.2, "sink+window " + c.sinkWindowMass().mean());
    }

    @Test
    void badKnobsAreOneLineErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SyntheticParams.defaults(seed).withHeads(30, 8, 128));
        assertEquals("synthetic workload: query heads 30 must be a positive multiple of key/value heads 8", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SyntheticParams.defaults(seed).withContext(4));
        assertTrue(e.getMessage().startsWith("synthetic workload: queries 8 must be in [1, context 4]"), e.getMessage());
    }
}
