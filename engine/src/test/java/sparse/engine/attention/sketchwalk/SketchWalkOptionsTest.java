package sparse.engine.attention.sketchwalk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import sparse.engine.attention.LayerCache;
import sparse.engine.backend.Device;
import sparse.engine.backend.jvm.JvmBackend;

class SketchWalkOptionsTest {

    @Test
    void defaultsAreTheSpecs() {
        SketchWalkOptions o = SketchWalkOptions.defaults();
        assertEquals(64, o.blockSize());
        assertEquals(0, o.sketchDim());
        assertEquals(0.25f, o.beta());
        assertEquals(3, o.hops());
        assertEquals(100f, o.temperature());
        assertEquals(0.875f, o.quantile());
        assertEquals(0.025, o.sinkFraction());
        assertEquals(0.05, o.windowFraction());
        assertEquals(Set.of(0, 1), o.denseLayers());
        assertEquals(4, o.denseLastQueryBlocks());
        assertEquals(32, o.decodeQueries());
    }

    @Test
    void sinkAndWindowBlocksRoundUp() {
        SketchWalkOptions o = SketchWalkOptions.defaults();
        assertEquals(13, o.sinkBlocks(32768));      // ⌈819.2 / 64⌉
        assertEquals(26, o.windowBlocks(32768));    // ⌈1638.4 / 64⌉
        assertEquals(1, o.windowBlocks(1280));      // exactly one block, not two by rounding
        assertEquals(1, o.sinkBlocks(10));
        assertEquals(0, o.withSinkFraction(0).sinkBlocks(4096));
    }

    @Test
    void rejectsBadValuesInOneLineNamingTheParameter() {
        SketchWalkOptions o = SketchWalkOptions.defaults();
        expect("blockSize must be ≥ 1, got 0", () -> o.withBlockSize(0));
        expect("sketchDim must be ≥ 0 (0: the padded head dimension), got -1", () -> o.withSketchDim(-1));
        expect("beta must be in [0, 1], got 1.5", () -> o.withBeta(1.5f));
        expect("hops must be ≥ 1, got 0", () -> o.withHops(0));
        expect("temperature must be positive, got 0.0", () -> o.withTemperature(0));
        expect("quantile must be in [0, 1], got 1.2", () -> o.withQuantile(1.2f));
        expect("sinkFraction must be in [0, 1], got -0.1", () -> o.withSinkFraction(-0.1));
        expect("windowFraction must be in [0, 1], got 2.0", () -> o.withWindowFraction(2));
        expect("denseLayers must hold layer numbers ≥ 0, got [-1]", () -> o.withDenseLayers(Set.of(-1)));
        expect("denseLastQueryBlocks must be ≥ 0, got -1", () -> o.withDenseLastQueryBlocks(-1));
        expect("decodeQueries must be ≥ 1, got 0", () -> o.withDecodeQueries(0));
        expect("density must be in (0, 1], or 0 for the quantile rule, got 1.5", () -> o.withDensity(1.5));
    }

    @Test
    void sketchDimAbovePaddedHeadDimIsRejectedWhenALayerRuns() {
        Device jvm = JvmBackend.open().getFirst();
        int d = 80;  // pads to 128
        LayerCache cache = new LayerCache(1, d, 64, 64, new short[64 * d], new short[64 * d]);
        SketchWalkPrefill prefill = new SketchWalkPrefill(jvm, SketchWalkOptions.defaults().withSketchDim(256));
        expect("sketchDim m = 256 must be in [1, 128] (the head dimension 80 padded to a power of two), or 0 for 128",
                () -> prefill.run(2, new float[64 * d], 1, cache));
    }

    private static void expect(String message, Supplier<?> action) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, action::get).getMessage());
    }
}
