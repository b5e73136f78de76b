package sparse.engine.attention.socket;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import sparse.engine.attention.dense.MethodTests;
import sparse.engine.backend.Device;
import sparse.engine.backend.Grid;
import sparse.engine.graph.DataTransferMode;
import sparse.engine.graph.ExecutionPlan;
import sparse.engine.graph.TaskGraph;
import sparse.tasks.kernels.hash.Hyperplanes;
import sparse.tasks.kernels.hash.SocketHashKernels;
import sparse.tasks.kernels.hash.SocketHashReference;
import sparse.tasks.kernels.score.ScoreKernels;
import sparse.tasks.kernels.score.ScoreReference;
import sparse.tasks.lang.KernelSpec;

/**
 * SOCKET's two ways to score, as translated, on every device: the bucket tables and their
 * look-ups in local memory, and the split tables and their look-ups by shuffles (which
 * SocketAttention picks only where shuffles are registers, so only this test runs them on
 * OpenCL and the JVM). Both against the float64 explicit-softmax tables: fp32's bound.
 */
class SocketScoreKernelsOnDevicesTest {

    static final double BOUND = 1e-5;

    /** hq, hkv, d, n, bits, value norms, split */
    static final int[][] CASES = {
            {8, 2, 64, 1000, 8, 1, 0}, {8, 2, 64, 1000, 8, 1, 1}, {4, 2, 128, 3000, 10, 0, 1}, {4, 1, 64, 777, 10, 1, 0},
            {6, 3, 32, 301, 7, 1, 1}, {6, 2, 64, 500, 9, 1, 1}, {32, 8, 128, 4096, 10, 1, 1}};

    static Stream<Arguments> cases() {
        return MethodTests.onEveryDevice(CASES);
    }

    @ParameterizedTest(name = "{0} {1}", autoCloseArguments = false)
    @MethodSource("cases")
    void scoresMatchTheReference(Device device, int[] c) {
        int hq = c[0], hkv = c[1], d = c[2], n = c[3], bits = c[4], norms = c[5];
        boolean split = c[6] == 1;
        SplittableRandom r = MethodTests.random("SOCKET scores on " + device.id() + " " + Arrays.toString(c));
        int capacity = n + 24, tables = 60;
        double tau = 0.4;
        float[] q = new float[hq * d];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) r.nextGaussian();
        }
        float[] planes = Hyperplanes.gaussian(r.nextLong(), tables, bits, d);
        int[] codes = new int[hkv * tables * capacity];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = r.nextInt(1 << bits);
        }
        float[] valueNorms = new float[hkv * capacity];
        double[] refNorms = new double[valueNorms.length];
        for (int i = 0; i < valueNorms.length; i++) {
            valueNorms[i] = (float) (1 + 3 * r.nextDouble());
            refNorms[i] = valueNorms[i];
        }
        int[] words = SocketHashReference.packCodes(codes, hkv, tables, capacity, bits);
        float[] tablesOut = new float[hq * tables * (split ? SocketHashKernels.SPLIT_ENTRIES : 1 << bits)];
        float[] scores = new float[hq * capacity];
        Arrays.fill(scores, Float.NaN);
        int wordsUsed = Math.ceilDiv(n, SocketHashKernels.codesPerWord(bits));
        // spans of a round and a half, so that several groups share a row and the last round is partial
        int wordsPerGroup = 3 * ScoreKernels.SOFT_GROUP / 2;
        TaskGraph g = new TaskGraph("socket")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, q, planes, words, valueNorms, scores)
                .task("tables", KernelSpec.lookup(SocketHashKernels.class, "bucketTables"), q, planes, tablesOut, hq, hq,
                        d, tables, bits, (float) (2 / (Math.sqrt(d) * tau)), split ? 1 : 0)
                .task("scores", KernelSpec.lookup(ScoreKernels.class, split ? "splitTableScores" : "softCollisionScores"),
                        words, valueNorms, tablesOut, scores, hq, hkv, capacity, n, tables, bits, norms, wordsPerGroup)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, scores);
        try (ExecutionPlan plan = new ExecutionPlan(device, g.snapshot())) {
            plan.withGrid("socket.tables", Grid.of((long) hq * tables * SocketHashKernels.TABLE_GROUP,
                            SocketHashKernels.TABLE_GROUP))
                    .withGrid("socket.scores", Grid.of((long) Math.ceilDiv(wordsUsed, wordsPerGroup) * ScoreKernels.SOFT_GROUP,
                            split ? ScoreKernels.splitScoreRows(hq, hkv) : hq, ScoreKernels.SOFT_GROUP, 1))
                    .execute();
        }
        double[] prob = SocketHashReference.bucketProbabilities(q, planes, hq, d, tables, bits, tau);
        double[] ref = ScoreReference.softCollisionScores(codes, norms == 1 ? refNorms : null, prob, hq, hkv, capacity, n,
                tables, bits);
        for (int row = 0; row < hq; row++) {
            double diff = 0, norm = 0;
            for (int j = 0; j < n; j++) {
                double e = scores[row * capacity + j] - ref[row * n + j];
                diff += e * e;
                norm += ref[row * n + j] * ref[row * n + j];
            }
            double err = Math.sqrt(diff / norm);
            assertTrue(err < BOUND, "row " + row + ": relative error " + err);
            assertTrue(Float.isNaN(scores[row * capacity + n]), "row " + row + " written past n");
        }
    }
}
