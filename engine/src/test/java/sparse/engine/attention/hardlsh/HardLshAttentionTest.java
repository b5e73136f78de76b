package sparse.engine.attention.hardlsh;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sparse.engine.attention.Budget;
import sparse.engine.attention.DecodeResult;
import sparse.engine.attention.dense.MethodTests;
import sparse.engine.backend.Device;
import sparse.tasks.kernels.attention.DecodeAttentionReference;
import sparse.tasks.kernels.hash.Hyperplanes;
import sparse.tasks.kernels.hash.SimHashReference;
import sparse.tasks.kernels.score.ScoreReference;

class HardLshAttentionTest {

    static List<Device> devices() {
        return MethodTests.devices();
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void collidingListsAndWeightsMatchTheReference(Device device) {
        SplittableRandom r = MethodTests.random("hardlsh on " + device.id());
        int hq = 8, hkv = 2, d = 64, capacity = 1024;
        MethodTests.Case c = MethodTests.Case.random(r, hq, hkv, d, capacity, 600);
        HardLshOptions o = HardLshOptions.defaults().withTables(20).withBits(6);
        try (HardLshAttention method = new HardLshAttention(device, o)) {
            method.load(0, c.cache(600));
            check(o, method.decode(c.q(), hq, 500), c, 500, 500);
            // rows appended later are centred by the first step's mean
            c.fill(r, 600, 1000);
            c.newQuery(r);
            method.load(0, c.cache(1000));
            check(o, method.decode(c.q(), hq, 1000), c, 1000, 500);
        }
    }

    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("devices")
    void defaultsAtLlamaShape(Device device) {
        SplittableRandom r = MethodTests.random("hardlsh GQA on " + device.id());
        MethodTests.Case c = MethodTests.Case.random(r, 32, 8, 128, 4096, 4096);
        HardLshOptions o = HardLshOptions.defaults();
        try (HardLshAttention method = new HardLshAttention(device, o)) {
            method.load(0, c.cache(4096));
            check(o, method.decode(c.q(), 32, 4096), c, 4096, 4096);
        }
    }

    static void check(HardLshOptions o, DecodeResult result, MethodTests.Case c, int visible, int meanOver) {
        int hq = c.hq(), hkv = c.hkv(), d = c.d();
        HardLshReference.Result ref = HardLshReference.decode(o, c.q(), c.k(), c.v(), hq, hkv, d, c.capacity(), visible,
                meanOver);
        double[] mean = SimHashReference.keyMean(c.k(), hkv, c.capacity(), d, meanOver);
        Budget b = o.sinkAndWindow(visible);
        double worst = 0;
        long kept = 0;
        float[] planes = Hyperplanes.gaussian(o.seed(), o.tables(), o.bits(), d);
        for (int h = 0; h < hq; h++) {
            int[] got = result.selected()[h];
            // codes are the signs of fp32 projections: a key whose float64 projection lies within
            // rounding of 0 may flip a bit, and with it whether it collides (seen in one run of
            // many, among 19.7 M key projections at the Llama shape); every other key must agree
            int kv = h / (hq / hkv);
            Set<Integer> expected = Arrays.stream(ref.lists()[h]).boxed().collect(Collectors.toSet());
            Set<Integer> actual = Arrays.stream(got).boxed().collect(Collectors.toSet());
            for (int i = 1; i < got.length; i++) {
                assertTrue(got[i - 1] < got[i], "head " + h + ": positions not ascending at " + i);
            }
            for (int j : symmetricDifference(expected, actual)) {
                double nearest = nearestProjection(c, mean, planes, kv, j, o);
                assertTrue(nearest < BORDERLINE, "head " + h + ": key " + j + (expected.contains(j) ? " missed" : " added")
                        + ", though its nearest projection to 0 is " + nearest);
            }
            double[] weights = new double[got.length];
            for (int i = b.sink(); i < got.length - b.window(); i++) {
                weights[i] = ScoreReference.inverseCollisionLogWeight(c.q(), c.k(), mean, h, got[i], hq, hkv, d,
                        c.capacity(), o.tables(), o.bits());
            }
            double[] own = DecodeAttentionReference.decode(c.q(), c.k(), c.v(), h, hq, hkv, d, c.capacity(), got, weights);
            double err = MethodTests.relativeError(result.output(), h, own);
            assertTrue(err < 1e-4, "head " + h + ": relative error " + err);
            worst = Math.max(worst, err);
            kept += got.length;
        }
        System.out.printf("  visible %d: density %.3f, worst relative error %.2e%n", visible,
                (double) kept / hq / visible, worst);
    }

    /** |⟨k − μ, w⟩| below this may have the other sign in fp32 (terms of order 1, d ≤ 128). */
    static final double BORDERLINE = 1e-3;

    static Set<Integer> symmetricDifference(Set<Integer> a, Set<Integer> b) {
        Set<Integer> d = new TreeSet<>(a);
        d.addAll(b);
        Set<Integer> both = new HashSet<>(a);
        both.retainAll(b);
        d.removeAll(both);
        return d;
    }

    /** The smallest |⟨k_j − μ, w_{l,p}⟩| over every table and bit, in float64. */
    static double nearestProjection(MethodTests.Case c, double[] mean, float[] planes, int kv, int j, HardLshOptions o) {
        double nearest = Double.POSITIVE_INFINITY;
        for (int l = 0; l < o.tables(); l++) {
            for (int p = 0; p < o.bits(); p++) {
                nearest = Math.min(nearest, Math.abs(SimHashReference.centredProjection(c.k(), mean, kv, j, planes, l, p,
                        c.capacity(), c.d(), o.bits())));
            }
        }
        return nearest;
    }
}
