package sparse.tasks.kernels.blocksparse;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
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

    @ParameterizedTest(name = "visible={0} block={1} hq={2} hkv={3} d={4} chunk={5} shared={6} local={7}")
    @CsvSource({
            "1,64,1,1,64,1,1,32", "100,64,4,2,128,1,1,64", "1000,64,4,1,64,3,0,32", "1000,16,8,2,128,4,0,128",
            "333,16,2,2,64,100,0,16", "4096,64,2,1,128,8,1,128", "4000,64,2,2,64,2,0,64"})
    void decodeMatchesMaskedDenseAttention(int visible, int block, int hq, int hkv, int d, int chunkBlocks,
                                           int shared, int local) {
        long seed = TestData.seed("blockSparseDecode");
        SplittableRandom r = new SplittableRandom(seed);
        int capacity = visible + 70, blocks = (visible + block - 1) / block;
        float[] q = TestData.floats(r, hq * d, 1.0);
        short[] k = TestData.halfs(r, hkv * capacity * d, 1.0);
        short[] v = TestData.halfs(r, hkv * capacity * d, 1.0);
        int lists = shared == 1 ? 1 : hq;
        int[][] kept = new int[lists][];
        for (int h = 0; h < lists; h++) {
            List<Integer> l = new ArrayList<>();
            for (int b = 0; b < blocks; b++) {
                if (b == blocks - 1 || r.nextDouble() < 0.3) {
                    l.add(b);
                }
            }
            kept[h] = l.stream().mapToInt(Integer::intValue).toArray();
        }
        int stride = blocks + 1;
        int[] blockList = TestData.poisonedInts(lists * stride);
        int[] spans = new int[2 * hq];
        int[][] positions = new int[hq][];
        int maxCount = 0;
        for (int h = 0; h < hq; h++) {
            int[] mine = kept[shared == 1 ? 0 : h];
            spans[2 * h] = shared == 1 ? 0 : h * stride;
            spans[2 * h + 1] = mine.length;
            System.arraycopy(mine, 0, blockList, spans[2 * h], mine.length);
            positions[h] = BlockSparseReference.blockPositions(mine, block, visible);
            maxCount = Math.max(maxCount, mine.length);
        }
        int chunks = (maxCount + chunkBlocks - 1) / chunkBlocks;
        float scale = (float) (1 / Math.sqrt(d));
        float[] partialAcc = TestData.poisonedFloats(hq * chunks * d);
        float[] partialStats = TestData.poisonedFloats(hq * chunks * 2);
        float[] out = TestData.poisonedFloats(hq * d);
        WorkGroups.run(hq * chunks, 1, local, ctx -> BlockSparseKernels.decodePartial(ctx, q, k, v, capacity * d,
                blockList, spans, hq, hkv, d, block, visible, chunkBlocks, chunks, scale, partialAcc, partialStats));
        BlockSparseKernels.decodeMerge(partialAcc, partialStats, spans, chunkBlocks, hq, d, chunks, out);
        double[] ref = BlockSparseReference.decode(q, k, v, hq, hkv, capacity, d, positions, scale);
        double err = TestData.relativeError(out, ref);
        assertTrue(err < 1e-5, "relative error " + err);
    }
}
