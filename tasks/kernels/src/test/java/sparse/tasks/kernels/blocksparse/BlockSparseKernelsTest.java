package sparse.tasks.kernels.blocksparse;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sparse.tasks.kernels.TestData;
import sparse.tasks.kernels.WorkGroups;

/**
 * The block-sparse kernels against a dense attention with a mask (FlashInfer-style), over a
 * grid of lengths (multiples of the block and not), block sizes, heads and head dims, on the
 * same fp16 keys and values: the bound is fp32 arithmetic's.
 */
class BlockSparseKernelsTest {

    @ParameterizedTest(name = "tokens={0} block={1} hq={2} hkv={3} d={4} local={5} kept={6}")
    @CsvSource({
            "1,64,1,1,64,32,0.5", "64,64,2,1,64,64,0.5", "100,64,4,2,128,128,0.3", "130,64,2,2,64,32,0.3",
            "257,64,4,1,128,64,0.4", "200,32,2,1,64,16,0.5", "200,64,2,1,128,128,1.0", "300,64,1,1,64,64,0.0"})
    void prefillMatchesMaskedDenseAttention(int tokens, int block, int hq, int hkv, int d, int local, double kept) {
        long seed = TestData.seed("blockSparsePrefill");
        SplittableRandom r = new SplittableRandom(seed);
        int capacity = tokens + 10, blocks = (tokens + block - 1) / block;
        float[] q = TestData.floats(r, hq * tokens * d, 1.0);
        short[] k = TestData.halfs(r, hkv * capacity * d, 1.0);
        short[] v = TestData.halfs(r, hkv * capacity * d, 1.0);
        int[] keep = new int[blocks * blocks];
        for (int i = 0; i < blocks; i++) {
            for (int j = 0; j < i; j++) {
                keep[i * blocks + j] = r.nextDouble() < kept ? 1 : 0;
            }
            keep[i * blocks + i] = 1;   // every row attends at least its own tile
        }
        float scale = (float) (1 / Math.sqrt(d));
        float[] out = TestData.poisonedFloats(hq * tokens * d);
        WorkGroups.run(hq * tokens, 1, local, ctx -> BlockSparseKernels.prefill(ctx, q, k, v, capacity * d, keep,
                hq, hkv, tokens, d, block, scale, out));
        double[] ref = BlockSparseReference.prefill(q, k, v, hq, hkv, capacity, tokens, d, keep, block, scale);
        double err = TestData.relativeError(out, ref);
        assertTrue(err < 1e-5, "relative error " + err);
    }
}
