package sparse.engine.attention.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import sparse.engine.attention.AttentionMethod;
import sparse.engine.attention.Budget;
import sparse.engine.attention.DecodeResult;
import sparse.engine.attention.LayerCache;
import sparse.engine.attention.dense.MethodTests;
import sparse.engine.attention.metrics.BruteForce;
import sparse.engine.attention.sketchwalk.SketchWalkAttention;
import sparse.engine.attention.sketchwalk.SketchWalkOptions;
import sparse.engine.attention.workload.SyntheticParams;
import sparse.engine.attention.workload.SyntheticWorkload;
import sparse.engine.attention.workload.Workload;
import sparse.engine.attention.workload.WorkloadLayer;
import sparse.engine.backend.Device;

class EvalRunnerTest {

    private final long seed = new Random().nextLong();

    @BeforeEach
    void printSeed(TestInfo test) {
        System.out.println(getClass().getSimpleName() + "." + test.getDisplayName() + " seed = " + seed);
    }

    /** Exact attention over the positions {@link #select} names, computed in float64. */
    private abstract static class Float64Method implements AttentionMethod {
        LayerCache cache;
        int loads;
        boolean closed;

        abstract int[] select(int visible);

        @Override
        public void load(int layer, LayerCache cache) {
            assertEquals(loads++, layer, "layers in order");
            this.cache = cache;
        }

        @Override
        public DecodeResult decode(float[] q, int hq, int visible) {
            int d = cache.d();
            int group = hq / cache.hkv();
            int[] sel = select(visible);
            int[][] selected = new int[hq][];
            float[] out = new float[hq * d];
            for (int h = 0; h < hq; h++) {
                selected[h] = sel.clone();
                int g = h / group;
                double[] s = new double[sel.length];
                double max = Double.NEGATIVE_INFINITY;
                for (int n = 0; n < sel.length; n++) {
                    for (int i = 0; i < d; i++) {
                        s[n] += (double) q[h * d + i] * Float.float16ToFloat(cache.k()[(g * cache.capacity() + sel[n]) * d + i]);
                    }
                    s[n] /= Math.sqrt(d);
                    max = Math.max(max, s[n]);
                }
                double z = 0;
                double[] o = new double[d];
                for (int n = 0; n < sel.length; n++) {
                    double w = Math.exp(s[n] - max);
                    z += w;
                    for (int i = 0; i < d; i++) {
                        o[i] += w * Float.float16ToFloat(cache.v()[(g * cache.capacity() + sel[n]) * d + i]);
                    }
                }
                for (int i = 0; i < d; i++) {
                    out[h * d + i] = (float) (o[i] / z);
                }
            }
            return new DecodeResult(selected, out);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static class Dense extends Float64Method {
        @Override
        public String name() {
            return "dense";
        }

        @Override
        int[] select(int visible) {
            return IntStream.range(0, visible).toArray();
        }
    }

    /** The first {@code round(density·visible)} tokens. */
    private static final class FirstTokens extends Float64Method {
        final double density;

        FirstTokens(double density) {
            this.density = density;
        }

        @Override
        public String name() {
            return "first";
        }

        @Override
        int[] select(int visible) {
            return IntStream.range(0, (int) Math.round(density * visible)).toArray();
        }
    }

    private Workload small() {
        return SyntheticWorkload.generate(SyntheticParams.defaults(seed).withContext(512).withQueries(3).withLayers(2)
                .withHeads(4, 2, 32));
    }

    @Test
    void denseIsExactAndAKnownSelectionHasKnownMetrics() {
        Workload w = small();
        List<Float64Method> made = new ArrayList<>();
        BiFunction<String, Double, AttentionMethod> factory = (name, density) -> {
            Float64Method m = name.equals("dense") ? new Dense() : new FirstTokens(density);
            made.add(m);
            return m;
        };
        List<long[]> progress = new ArrayList<>();
        List<EvalRow> rows = EvalRunner.run(w, List.of(new EvalCase("dense", 1.0), new EvalCase("first", 0.25)), factory,
                (stage, done, total) -> progress.add(new long[] {done, total}));

        assertEquals(2, rows.size());
        EvalRow dense = rows.get(0);
        assertEquals("dense", dense.method());
        assertEquals(1.0, dense.density().mean());
        assertEquals(1.0, dense.density().min());
        assertEquals(1.0, dense.topkRecall().min());
        assertEquals(1.0, dense.massRecall().mean(), 1e-12);
        assertTrue(dense.outputError().max() < 1e-6, "float rounding only: " + dense.outputError().max());
        assertEquals(2 * 3 * 4, dense.density().count(), "heads × layers × steps samples");

        // first-tokens, recomputed by brute force: density, mass and output error per head
        EvalRow first = rows.get(1);
        List<Double> density = new ArrayList<>();
        List<Double> mass = new ArrayList<>();
        List<Double> recall = new ArrayList<>();
        List<Double> error = new ArrayList<>();
        for (WorkloadLayer l : w.layers()) {
            for (int s = 0; s < l.tq(); s++) {
                int visible = l.visible(s);
                int n = (int) Math.round(0.25 * visible);
                int[] sel = IntStream.range(0, n).toArray();
                Budget b = Budget.of(0.25, visible);
                for (int h = 0; h < l.hq(); h++) {
                    double[] p = BruteForce.probabilities(l, l.query(s), h, visible);
                    density.add((double) n / visible);
                    mass.add(IntStream.range(0, n).mapToDouble(j -> p[j]).sum());
                    recall.add(BruteForce.recall(p, sel, b));
                    double[] o = BruteForce.output(l, p, h, sel);
                    double[] ref = BruteForce.output(l, p, h, null);
                    double diff = 0;
                    double norm = 0;
                    for (int i = 0; i < l.d(); i++) {
                        diff += (o[i] - ref[i]) * (o[i] - ref[i]);
                        norm += ref[i] * ref[i];
                    }
                    error.add(Math.sqrt(diff / norm));
                }
            }
        }
        assertEquals(mean(density), first.density().mean(), 1e-15);
        assertEquals(mean(mass), first.massRecall().mean(), 1e-12);
        assertEquals(mean(recall), first.topkRecall().mean(), 1e-15);
        assertEquals(mean(error), first.outputError().mean(), 1e-6);
        assertTrue(first.massRecall().mean() > 0 && first.massRecall().mean() < 1);

        // every method loaded both layers and was closed; progress counted every step
        assertEquals(2, made.size());
        for (Float64Method m : made) {
            assertEquals(2, m.loads);
            assertTrue(m.closed);
        }
        long total = 2 * 3 * 3;
        assertEquals(total, progress.size());
        assertEquals(total, progress.get(progress.size() - 1)[0]);
        assertEquals(total, progress.get(0)[1]);
    }

    /**
     * With prefill queries in the workload, Sketch&amp;Walk's decode starts from its prefill
     * selection, as a manual prefill then decode does; without them, from an empty state,
     * which selects otherwise.
     */
    @Test
    void sketchWalkDecodesAfterItsPrefillWhereTheWorkloadHasOne() {
        Device jvm = MethodTests.devices().stream().filter(d -> d.id().equals("jvm")).findFirst().orElseThrow();
        SketchWalkOptions o = SketchWalkOptions.defaults().withDenseLayers(Set.of()).withQuantile(0.85f);
        Workload w = SyntheticWorkload.generate(SyntheticParams.defaults(seed).withContext(1500).withQueries(3)
                .withLayers(2).withHeads(4, 2, 32).withPrefillQueries(true));
        Workload cold = new Workload("cold", w.layers().stream().map(l -> new WorkloadLayer(l.hq(), l.hkv(), l.d(), l.t(),
                l.tq(), l.k(), l.v(), l.q())).toList());
        assertTrue(EvalRunner.prefills(w));
        assertFalse(EvalRunner.prefills(cold));
        List<EvalCase> cases = List.of(new EvalCase("sketchwalk", 0.2));
        EvalRow warm = EvalRunner.run(w, cases, (m, d) -> new SketchWalkAttention(jvm, o), (s, done, total) -> { })
                .getFirst();
        EvalRow empty = EvalRunner.run(cold, cases, (m, d) -> new SketchWalkAttention(jvm, o), (s, done, total) -> { })
                .getFirst();

        List<Double> density = new ArrayList<>();
        try (SketchWalkAttention manual = new SketchWalkAttention(jvm, o)) {
            for (int l = 0; l < w.layers().size(); l++) {
                WorkloadLayer layer = w.layers().get(l);
                manual.prefillSelection(l, layer.prefillQ(), layer.hq(), layer.prefixCache());
                manual.load(l, layer.cache());
                for (int s = 0; s < layer.tq(); s++) {
                    DecodeResult r = manual.decode(layer.query(s), layer.hq(), layer.visible(s));
                    for (int h = 0; h < layer.hq(); h++) {
                        density.add((double) r.selected()[h].length / layer.visible(s));
                    }
                }
            }
        }
        System.out.printf("sketchwalk density after prefill %.4f (manual %.4f), from empty %.4f%n",
                warm.density().mean(), mean(density), empty.density().mean());
        assertEquals(mean(density), warm.density().mean(), 1e-15);
        assertNotEquals(warm.massRecall().mean(), empty.massRecall().mean());
    }

    @Test
    void anImpossibleDensityIsRefusedWhenTheCaseIsMade() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new EvalCase("first", 1.5));
        assertTrue(e.getMessage().startsWith("density must be in (0, 1]"), e.getMessage());
    }

    @Test
    void aMalformedSelectionIsReportedAndTheMethodClosed() {
        Workload w = small();
        Float64Method bad = new Dense() {
            @Override
            int[] select(int visible) {
                return new int[] {0, 5, 5};
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> EvalRunner.run(w, List.of(new EvalCase("bad", 0.5)), (n, d) -> bad, (s, done, total) -> { }));
        assertEquals("bad@0.5: layer 0 step 0 head 0: positions not ascending and distinct at index 2 (5, 5)",
                e.getMessage());
        assertTrue(bad.closed);

        Float64Method outOfRange = new Dense() {
            @Override
            int[] select(int visible) {
                return new int[] {visible};
            }
        };
        e = assertThrows(IllegalStateException.class,
                () -> EvalRunner.run(w, List.of(new EvalCase("far", 0.5)), (n, d) -> outOfRange, (s, done, total) -> { }));
        assertTrue(e.getMessage().contains("outside the 510 visible keys"), e.getMessage());
    }

    private static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }
}
