package sparse.engine.attention.sketchwalk;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sparse.engine.attention.DecodeResult;
import sparse.engine.attention.dense.MethodTests;
import sparse.engine.backend.Device;
import sparse.engine.backend.jvm.JvmBackend;

/**
 * The density Sketch&amp;Walk lands at with the default options, measured rather than assumed:
 * prefill from the float64 selection (the device's agrees up to threshold ties), decode from
 * the method on the jvm device. Random data; the density is set mostly by the structure (sink,
 * window, diagonal, dense last blocks, the top 12.5 % of candidates). With a requested
 * density, decode keeps it to within one block.
 */
class SketchWalkDensityTest {

    @ParameterizedTest(name = "T={0}")
    @CsvSource({"4096", "16384", "32768"})
    void prefillDensity(int tokens) {
        SplittableRandom r = MethodTests.random("sketchwalk prefill density");
        int hq = 8, hkv = 2, d = 128;
        SketchWalkOptions o = SketchWalkOptions.defaults().withSeed(r.nextLong());
        SketchWalkAttentionTest.Layer l = SketchWalkAttentionTest.Layer.random(r, hq, hkv, d, tokens, tokens);
        SketchWalkReference.Prefill ref = SketchWalkReference.prefill(l.q(), hq, l.cache(), 2, o, null, 0);
        int[] keep = new int[ref.keep().length];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = ref.keep()[i] ? 1 : 0;
        }
        double density = SketchWalkPrefill.density(keep, ref.blocks(), tokens, o.blockSize());
        System.out.printf("sketchwalk prefill density at T=%d: %.3f%n", tokens, density);
        assertTrue(density > 0.1 && density < 0.5, "density " + density);
    }

    @ParameterizedTest(name = "T={0}")
    @CsvSource({"4096", "32768"})
    void decodeDensity(int tokens) {
        SplittableRandom r = MethodTests.random("sketchwalk decode density");
        int hq = 8, hkv = 2, d = 128;
        Device jvm = JvmBackend.open().getFirst();
        SketchWalkOptions o = SketchWalkOptions.defaults().withSeed(r.nextLong());
        SketchWalkAttentionTest.Layer l = SketchWalkAttentionTest.Layer.random(r, hq, hkv, d, tokens, tokens);
        try (SketchWalkAttention method = new SketchWalkAttention(jvm, o)) {
            method.load(2, l.cache());
            double sum = 0;
            int steps = 4;
            for (int step = 0; step < steps; step++) {
                float[] q = new float[hq * d];
                for (int i = 0; i < q.length; i++) {
                    q[i] = (float) (4 * r.nextGaussian());
                }
                int visible = tokens - steps + step + 1;
                DecodeResult got = method.decode(q, hq, visible);
                sum += got.density(visible);
            }
            double density = sum / steps;
            System.out.printf("sketchwalk decode density at T=%d: %.3f%n", tokens, density);
            assertTrue(density > 0.1 && density < 0.5, "density " + density);
        }
    }

    @ParameterizedTest(name = "T={0}, density={1}")
    @CsvSource({"4096, 0.1", "4133, 0.2", "16384, 0.2", "16411, 0.5", "2000, 0.09"})
    void decodeKeepsARequestedDensityToWithinOneBlock(int tokens, double requested) {
        SplittableRandom r = MethodTests.random("sketchwalk requested density " + tokens + " " + requested);
        int hq = 4, hkv = 2, d = 64;
        Device jvm = JvmBackend.open().getFirst();
        SketchWalkOptions o = SketchWalkOptions.defaults().withSeed(r.nextLong()).withDensity(requested);
        SketchWalkAttentionTest.Layer l = SketchWalkAttentionTest.Layer.random(r, hq, hkv, d, tokens, tokens);
        try (SketchWalkAttention method = new SketchWalkAttention(jvm, o)) {
            method.load(2, l.cache());
            for (int visible = tokens - 2; visible <= tokens; visible++) {
                float[] q = new float[hq * d];
                for (int i = 0; i < q.length; i++) {
                    q[i] = (float) (4 * r.nextGaussian());
                }
                DecodeResult got = method.decode(q, hq, visible);
                double attended = got.density(visible) * visible;
                assertTrue(Math.abs(attended - requested * visible) <= o.blockSize(),
                        "T=" + visible + ": " + attended + " keys attended for a requested " + requested * visible);
            }
        }
    }
}
