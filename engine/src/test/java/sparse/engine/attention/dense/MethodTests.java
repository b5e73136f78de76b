package sparse.engine.attention.dense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import sparse.engine.attention.LayerCache;
import sparse.engine.backend.Backends;
import sparse.engine.backend.Device;

/** Shared by the attention-method tests: the devices, random caches, and comparisons. */
public final class MethodTests {
    private MethodTests() {
    }

    private static List<Device> devices;

    /** Every device of every backend present here (the jvm one at least). */
    public static synchronized List<Device> devices() {
        if (devices == null) {
            devices = Backends.devices();
        }
        return devices;
    }

    /** Every (device, case) pair: the arguments of a test run over each case on each device. */
    public static Stream<Arguments> onEveryDevice(int[][] cases) {
        return devices().stream().flatMap(dev -> Arrays.stream(cases).map(c -> Arguments.of(dev, c)));
    }

    public static SplittableRandom random(String test) {
        long seed = System.nanoTime();
        System.out.println(test + ": seed " + seed);
        return new SplittableRandom(seed);
    }

    /** One layer's random cache and query: keys and values N(0, 1) in fp16, unfilled capacity poisoned (NaN). */
    public record Case(int hq, int hkv, int d, int capacity, float[] q, short[] k, short[] v) {

        public static Case random(SplittableRandom r, int hq, int hkv, int d, int capacity, int length) {
            short[] k = new short[hkv * capacity * d];
            short[] v = new short[hkv * capacity * d];
            Arrays.fill(k, Float.floatToFloat16(Float.NaN));
            Arrays.fill(v, Float.floatToFloat16(Float.NaN));
            Case c = new Case(hq, hkv, d, capacity, new float[hq * d], k, v);
            c.fill(r, 0, length);
            c.newQuery(r);
            return c;
        }

        /** Writes random rows {@code [from, to)} of every head. */
        public void fill(SplittableRandom r, int from, int to) {
            for (int h = 0; h < hkv; h++) {
                for (int i = (h * capacity + from) * d; i < (h * capacity + to) * d; i++) {
                    k[i] = Float.floatToFloat16((float) r.nextGaussian());
                    v[i] = Float.floatToFloat16((float) r.nextGaussian());
                }
            }
        }

        public void newQuery(SplittableRandom r) {
            for (int i = 0; i < q.length; i++) {
                q[i] = (float) r.nextGaussian();
            }
        }

        public LayerCache cache(int length) {
            return new LayerCache(hkv, d, capacity, length, k, v);
        }
    }

    /** ‖out[h] − ref‖ / ‖ref‖ for one head of an {@code [hq][d]} output. */
    public static double relativeError(float[] out, int h, double[] ref) {
        int d = ref.length;
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < d; i++) {
            double e = out[h * d + i] - ref[i];
            diff += e * e;
            norm += ref[i] * ref[i];
        }
        return Math.sqrt(diff / norm);
    }

    /** The largest error over heads, asserting each below {@code bound}. */
    public static double assertOutputs(float[] out, double[][] ref, double bound, String what) {
        double worst = 0;
        for (int h = 0; h < ref.length; h++) {
            double err = relativeError(out, h, ref[h]);
            assertTrue(err < bound, what + ", head " + h + ": relative error " + err);
            worst = Math.max(worst, err);
        }
        return worst;
    }

    /**
     * A top-M list from fp32 scores against the float64 one: same length, same sink and window,
     * and any key in one heavy part but not the other scores within {@code tolerance} (relative
     * to the largest |score|) of the reference's M-th score. Returns how many keys differ.
     */
    public static int assertTopMAgrees(int[] got, int[] ref, double[] refScores, int sink, int window, double tolerance,
                                       String what) {
        return assertTopMAgrees(got, ref, refScores, sink, window, tolerance, j -> false, what);
    }

    /**
     * As above; a key for which {@code excused} holds may differ whatever its score (its score
     * is not exact in fp32). Each excused key the list lacks leaves its place to the next
     * candidate, and each excused key it has takes the place of the reference's lowest: so a key
     * the list has in the reference's stead is judged against the reference's (M + e)-th score,
     * and one it lacks against the min(M, M − a + 1)-th, e and a the numbers of such excused keys.
     */
    public static int assertTopMAgrees(int[] got, int[] ref, double[] refScores, int sink, int window, double tolerance,
                                       java.util.function.IntPredicate excused, String what) {
        assertEquals(ref.length, got.length, what + ": list length");
        for (int i = 0; i < sink; i++) {
            assertEquals(i, got[i], what + ": sink");
        }
        int visible = refScores.length;
        for (int i = 0; i < window; i++) {
            assertEquals(visible - window + i, got[got.length - window + i], what + ": window");
        }
        for (int i = 1; i < got.length; i++) {
            assertTrue(got[i - 1] < got[i], what + ": not ascending at " + i);
        }
        int[] gotHeavy = Arrays.copyOfRange(got, sink, got.length - window);
        int[] refHeavy = Arrays.copyOfRange(ref, sink, ref.length - window);
        if (refHeavy.length == 0) {
            return 0;
        }
        double threshold = Arrays.stream(refHeavy).mapToDouble(j -> refScores[j]).min().orElseThrow();
        double scale = Arrays.stream(refScores).map(Math::abs).max().orElseThrow();
        int[] added = IntStream.of(gotHeavy).filter(j -> Arrays.binarySearch(refHeavy, j) < 0).toArray();
        int[] missing = IntStream.of(refHeavy).filter(j -> Arrays.binarySearch(gotHeavy, j) < 0).toArray();
        int excusedMissing = (int) IntStream.of(missing).filter(excused::test).count();
        int excusedAdded = (int) IntStream.of(added).filter(excused::test).count();
        // the candidates' scores between sink and window, ascending; rank r (1 = largest) at length - r
        double[] candidates = IntStream.range(sink, visible - window).mapToDouble(j -> refScores[j]).sorted().toArray();
        double replacement = candidates[candidates.length - Math.min(refHeavy.length + excusedMissing, candidates.length)];
        int lowestDisplaced = Math.min(refHeavy.length, refHeavy.length - excusedAdded + 1);
        double displaced = candidates[candidates.length - Math.max(1, lowestDisplaced)];
        for (int j : missing) {
            assertTrue(excused.test(j) || refScores[j] <= displaced + tolerance * scale, what + ": key " + j
                    + " with score " + refScores[j] + " is missing from the selection (M-th score " + threshold
                    + ", displaced by " + excusedAdded + " excused keys down from " + displaced + ")");
        }
        for (int j : added) {
            assertTrue(excused.test(j) || refScores[j] >= replacement - tolerance * scale, what + ": key " + j
                    + " with score " + refScores[j] + " differs from the reference selection (M-th score " + threshold
                    + ", the next " + excusedMissing + " candidates down to " + replacement + ")");
        }
        return added.length + missing.length;
    }

    /** |a ∩ b| / |b| for ascending lists. */
    public static double recall(int[] a, int[] b) {
        if (b.length == 0) {
            return 1;
        }
        return (double) IntStream.of(b).filter(j -> Arrays.binarySearch(a, j) >= 0).count() / b.length;
    }
}
