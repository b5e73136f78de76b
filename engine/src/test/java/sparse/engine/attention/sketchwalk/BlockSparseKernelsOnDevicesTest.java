package sparse.engine.attention.sketchwalk;

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
import sparse.tasks.kernels.blocksparse.BlockSparseKernels;
import sparse.tasks.kernels.blocksparse.BlockSparseReference;

/**
 * The block-sparse prefill as translated, on every device, against a float64 dense attention
 * with a mask (FlashInfer-style), over a grid of lengths (multiples of the block and not),
 * block sizes, heads and head dims. Same fp16 keys and values on both sides: fp32's bound.
 */
class BlockSparseKernelsOnDevicesTest {

    static final double BOUND = 1e-5;

    /** tokens, block, hq, hkv, d, share of off-diagonal tiles kept */
    static final int[][] PREFILL = {
            {1, 64, 1, 1, 64, 50}, {64, 64, 2, 1, 128, 50}, {130, 64, 4, 2, 64, 30}, {200, 32, 2, 2, 128, 40},
            {333, 64, 4, 1, 64, 100}};

    static Stream<Arguments> prefillCases() {
        return MethodTests.onEveryDevice(PREFILL);
    }

    @ParameterizedTest(name = "{0} {1}", autoCloseArguments = false)
    @MethodSource("prefillCases")
    void prefill(Device device, int[] c) {
        int tokens = c[0], block = c[1], hq = c[2], hkv = c[3], d = c[4];
        SplittableRandom r = MethodTests.random("block-sparse prefill on " + device.id() + " " + Arrays.toString(c));
        int capacity = tokens + 5, blocks = (tokens + block - 1) / block;
        float[] q = floats(r, hq * tokens * d);
        short[] k = halves(r, hkv * capacity * d);
        short[] v = halves(r, hkv * capacity * d);
        int[] keep = new int[blocks * blocks];
        for (int i = 0; i < blocks; i++) {
            for (int j = 0; j < i; j++) {
                keep[i * blocks + j] = r.nextInt(100) < c[5] ? 1 : 0;
            }
            keep[i * blocks + i] = 1;
        }
        float[] out = new float[hq * tokens * d];
        Arrays.fill(out, Float.NaN);
        float scale = (float) (1 / Math.sqrt(d));
        TaskGraph g = new TaskGraph("blockSparse")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, q, k, v, keep, out)
                .task("prefill", BlockSparseKernels::prefill, q, k, v, capacity * d, keep, hq, hkv, tokens, d, block,
                        scale, out)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out);
        try (ExecutionPlan plan = new ExecutionPlan(device, g.snapshot())) {
            plan.withGrid("blockSparse.prefill", Grid.of((long) hq * tokens * 128, 128)).execute();
        }
        double[] ref = BlockSparseReference.prefill(q, k, v, hq, hkv, capacity, tokens, d, keep, block, scale);
        double err = SketchWalkAttentionTest.relativeError(out, ref);
        assertTrue(err < BOUND, "relative error " + err);
    }

    private static float[] floats(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    private static short[] halves(SplittableRandom r, int n) {
        short[] a = new short[n];
        for (int i = 0; i < n; i++) {
            a[i] = Float.floatToFloat16((float) r.nextGaussian());
        }
        return a;
    }
}
