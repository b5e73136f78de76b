package sparse.tasks.kernels.score;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sparse.tasks.kernels.TestData;
import sparse.tasks.kernels.WorkGroups;
import sparse.tasks.kernels.hash.Hyperplanes;
import sparse.tasks.kernels.hash.SocketHashKernels;
import sparse.tasks.kernels.hash.SocketHashReference;

class ScoreKernelsTest {

    /**
     * Soft-collision scores from the same codes: the kernels' fp32 bucket tables and sums
     * against the float64 explicit-softmax tables (above 13 bits a table spans several of the
     * chunks the score kernel holds on chip).
     */
    @ParameterizedTest(name = "hq={0} hkv={1} d={2} n={3} bits={4} norms={5} sumOverGroup={6}")
    @CsvSource({"8,2,64,1000,8,1,0", "8,2,64,1000,10,0,0", "32,8,128,4096,10,1,0", "4,4,64,700,6,1,0",
            "8,2,64,1000,8,1,1", "32,8,128,4096,10,1,1", "12,3,64,500,10,0,1", "14,2,64,300,10,1,0", "14,2,64,300,8,1,1",
            "4,2,32,300,14,1,0", "4,1,32,301,16,1,1"})
    void softCollisionScoresMatchTheReference(int hq, int hkv, int d, int n, int bits, int norms, int sumOverGroup) {
        long seed = TestData.seed("softCollisionScores");
        SplittableRandom r = new SplittableRandom(seed);
        int capacity = n + 24, tables = 60;
        double tau = 0.4;
        float[] q = TestData.floats(r, hq * d, 1.0);
        float[] planes = Hyperplanes.gaussian(r.nextLong(), tables, bits, d);
        int[] codes = randomCodes(r, hkv * tables * capacity, bits);
        float[] valueNorms = randomNorms(r, hkv * capacity);
        double[] refNorms = toDoubles(valueNorms);

        int rows = sumOverGroup == 1 ? hkv : hq;
        float[] bucketTables = new float[rows * tables << bits];
        WorkGroups.run(rows * tables, 1, SocketHashKernels.TABLE_GROUP, ctx -> SocketHashKernels.bucketTables(ctx, q,
                planes, bucketTables, hq, rows, d, tables, bits, (float) (2 / (Math.sqrt(d) * tau)), 0));
        int[] words = SocketHashReference.packCodes(codes, hkv, tables, capacity, bits);
        float[] scores = TestData.poisonedFloats(rows * capacity);
        // spans of a few words, so that several groups share a row and the last is partial
        int wordsPerGroup = 3 * ScoreKernels.SOFT_GROUP / 2;
        int wordsUsed = Math.ceilDiv(n, SocketHashKernels.codesPerWord(bits));
        WorkGroups.run(Math.ceilDiv(wordsUsed, wordsPerGroup), rows, ScoreKernels.SOFT_GROUP,
                ctx -> ScoreKernels.softCollisionScores(ctx, words, valueNorms, bucketTables, scores, rows, hkv,
                        capacity, n, tables, bits, norms, wordsPerGroup));
        double[] prob = SocketHashReference.bucketProbabilities(q, planes, hq, d, tables, bits, tau);
        double[] ref = ScoreReference.softCollisionScores(codes, norms == 1 ? refNorms : null, prob, hq, hkv, capacity, n, tables, bits);
        if (sumOverGroup == 1) {
            ref = ScoreReference.sumOverGroup(ref, hq, hkv, n);
        }
        for (int row = 0; row < rows; row++) {
            double err = TestData.relativeError(scores, row * capacity, ref, row * n, n);
            assertTrue(err < 1e-5, "row " + row + ": relative error " + err);
            assertTrue(Float.isNaN(scores[row * capacity + n]), "wrote past n");
        }
    }

    /**
     * Scores from split tables through shuffles: the same codes and scores as above against the
     * float64 explicit-softmax tables, per query head, for byte and short codes, spans whose
     * last round is partial, value norms on and off, and groups of 1 to 4 heads (odd ones leave
     * a pair's second head absent).
     */
    @ParameterizedTest(name = "hq={0} hkv={1} d={2} n={3} bits={4} norms={5}")
    @CsvSource({"8,2,64,1000,8,1", "8,2,64,1000,10,0", "8,2,64,1000,10,1", "4,4,64,700,6,1", "6,3,64,301,7,1",
            "4,2,32,333,9,1", "4,1,32,1500,2,0", "6,2,64,500,8,1", "3,1,32,400,10,1", "2,2,32,300,1,1"})
    void splitTableScoresMatchTheReference(int hq, int hkv, int d, int n, int bits, int norms) {
        long seed = TestData.seed("splitTableScores");
        SplittableRandom r = new SplittableRandom(seed);
        int capacity = n + 24, tables = 60;
        double tau = 0.4;
        float[] q = TestData.floats(r, hq * d, 1.0);
        float[] planes = Hyperplanes.gaussian(r.nextLong(), tables, bits, d);
        int[] codes = randomCodes(r, hkv * tables * capacity, bits);
        float[] valueNorms = randomNorms(r, hkv * capacity);
        double[] refNorms = toDoubles(valueNorms);
        float[] splitTables = new float[hq * tables * SocketHashKernels.SPLIT_ENTRIES];
        WorkGroups.run(hq * tables, 1, SocketHashKernels.TABLE_GROUP, ctx -> SocketHashKernels.bucketTables(ctx, q,
                planes, splitTables, hq, hq, d, tables, bits, (float) (2 / (Math.sqrt(d) * tau)), 1));
        int[] words = SocketHashReference.packCodes(codes, hkv, tables, capacity, bits);
        float[] scores = TestData.poisonedFloats(hq * capacity);
        // spans of a few rounds, so that several groups share a row and the last round is partial
        int wordsPerGroup = 3 * ScoreKernels.SOFT_GROUP / 2;
        int wordsUsed = Math.ceilDiv(n, SocketHashKernels.codesPerWord(bits));
        WorkGroups.run(Math.ceilDiv(wordsUsed, wordsPerGroup), ScoreKernels.splitScoreRows(hq, hkv), ScoreKernels.SOFT_GROUP,
                ctx -> ScoreKernels.splitTableScores(ctx, words, valueNorms, splitTables, scores, hq, hkv, capacity, n,
                        tables, bits, norms, wordsPerGroup));
        double[] prob = SocketHashReference.bucketProbabilities(q, planes, hq, d, tables, bits, tau);
        double[] ref = ScoreReference.softCollisionScores(codes, norms == 1 ? refNorms : null, prob, hq, hkv, capacity, n,
                tables, bits);
        for (int row = 0; row < hq; row++) {
            double err = TestData.relativeError(scores, row * capacity, ref, row * n, n);
            assertTrue(err < 1e-5, "row " + row + ": relative error " + err);
            assertTrue(Float.isNaN(scores[row * capacity + n]), "wrote past n");
        }
    }

    @ParameterizedTest(name = "hq={0} hkv={1} d={2} n={3}")
    @CsvSource({"8,2,64,1000", "32,8,128,4096"})
    void exactScoresMatchTheReference(int hq, int hkv, int d, int n) {
        long seed = TestData.seed("exactScores");
        SplittableRandom r = new SplittableRandom(seed);
        int capacity = n + 8;
        float[] q = TestData.floats(r, hq * d, 1.0);
        short[] k = TestData.halfs(r, hkv * capacity * d, 1.0);
        float[] scores = TestData.poisonedFloats(hq * capacity);
        ScoreKernels.exactScores(q, k, scores, hq, hkv, d, capacity, n);
        double[] ref = ScoreReference.exactScores(q, k, hq, hkv, d, capacity, n);
        for (int h = 0; h < hq; h++) {
            double err = TestData.relativeError(scores, h * capacity, ref, h * n, n);
            assertTrue(err < 1e-5, "head " + h + ": relative error " + err);
        }
    }

    /** The float helpers behind the collision probability, over the whole range they see. */
    @Test
    void expm1Log1pAndArcCosAreAccurate() {
        for (double x = -200; x <= 1; x += 0.01357) {
            double ref = Math.expm1(x);
            assertTrue(Math.abs(ScoreKernels.expm1((float) x) - ref) <= 3e-7 * Math.abs(ref) + 1e-30, "expm1(" + x + ")");
        }
        for (double x = 1e-12; x < 1; x *= 1.7) {
            for (double v : new double[]{x, -x}) {
                double ref = Math.expm1((float) v);
                assertTrue(Math.abs(ScoreKernels.expm1((float) v) - ref) <= 3e-7 * Math.abs(ref), "expm1(" + v + ")");
                double lref = Math.log1p((float) v);
                assertTrue(Math.abs(ScoreKernels.log1p((float) v) - lref) <= 3e-7 * Math.abs(lref), "log1p(" + v + ")");
            }
        }
        assertTrue(ScoreKernels.log1p(-1f) == Float.NEGATIVE_INFINITY);
        for (double x = -1; x <= 1; x += 0.001) {
            assertTrue(Math.abs(ScoreKernels.arcCos((float) x) - Math.acos((float) x)) < 5e-7, "acos(" + x + ")");
        }
    }

    @Test
    void inverseCollisionLogWeightsMatchTheReference() {
        long seed = TestData.seed("inverseCollisionLogWeights");
        SplittableRandom r = new SplittableRandom(seed);
        int hq = 8, hkv = 2, d = 64, capacity = 1000, n = 1000, tables = 75, bits = 8, sink = 4, window = 16;
        int listStride = n;
        float[] q = TestData.floats(r, hq * d, 1.0);
        short[] k = TestData.halfs(r, hkv * capacity * d, 1.0);
        // keys that point along the query so that some collision probabilities are near 1
        for (int j = 0; j < 50; j++) {
            for (int i = 0; i < d; i++) {
                k[(j * 7) * d + i] = Float.floatToFloat16(q[i] * (1 + j % 3));
            }
        }
        float[] mean = new float[hkv * d];
        double[] refMean = new double[hkv * d];
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (float) (0.1 * r.nextGaussian());
            refMean[i] = mean[i];
        }
        int[] indices = new int[hq * listStride];
        int[] counts = new int[hq];
        for (int h = 0; h < hq; h++) {
            int c = 0;
            for (int j = 0; j < n; j++) {
                if (j < sink || j >= n - window || r.nextInt(4) == 0) {
                    indices[h * listStride + c++] = j;
                }
            }
            counts[h] = c;
        }
        float[] out = TestData.poisonedFloats(hq * listStride);
        ScoreKernels.inverseCollisionLogWeights(q, k, mean, indices, counts, out, hq, hkv, d, capacity, listStride, sink,
                window, tables, bits);
        for (int h = 0; h < hq; h++) {
            double[] ref = new double[counts[h]];
            for (int s = sink; s < counts[h] - window; s++) {
                ref[s] = ScoreReference.inverseCollisionLogWeight(q, k, refMean, h, indices[h * listStride + s], hq, hkv,
                        d, capacity, tables, bits);
            }
            double err = TestData.relativeError(out, h * listStride, ref, 0, counts[h]);
            assertTrue(err < 1e-4, "head " + h + ": relative error " + err);
            assertTrue(out[h * listStride] == 0f && out[h * listStride + counts[h] - 1] == 0f, "sink and window weigh 1");
            if (counts[h] < listStride) {
                assertTrue(Float.isNaN(out[h * listStride + counts[h]]), "wrote past the list");
            }
        }
    }

    static int[] randomCodes(SplittableRandom r, int n, int bits) {
        int[] codes = new int[n];
        for (int i = 0; i < n; i++) {
            codes[i] = r.nextInt(1 << bits);
        }
        return codes;
    }

    /** Value norms in [1, 4). */
    static float[] randomNorms(SplittableRandom r, int n) {
        float[] norms = new float[n];
        for (int i = 0; i < n; i++) {
            norms[i] = (float) (1 + r.nextDouble() * 3);
        }
        return norms;
    }

    static double[] toDoubles(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }
}
