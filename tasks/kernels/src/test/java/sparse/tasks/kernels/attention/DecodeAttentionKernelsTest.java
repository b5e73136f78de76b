package sparse.tasks.kernels.attention;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sparse.tasks.kernels.TestData;
import sparse.tasks.kernels.WorkGroups;

class DecodeAttentionKernelsTest {

    /** fp32 accumulation over the same fp16 inputs as the float64 reference. */
    static final double BOUND = 1e-5;

    /** How the lists are shared: one per query head, one per KV-head group, one for all (dense). */
    enum Lists { PER_HEAD, PER_GROUP, ALL_POSITIONS }

    @ParameterizedTest(name = "hq={0} hkv={1} d={2} n={3} {4} chunk={5} weights={6}")
    @CsvSource({
            "8,2,64,1000,PER_HEAD,256,false",
            "8,2,64,1000,PER_HEAD,128,true",
            "8,2,64,1000,PER_GROUP,192,false",
            "8,2,64,1000,ALL_POSITIONS,512,false",
            "32,8,128,4096,PER_HEAD,512,false",
            "32,8,128,4096,PER_GROUP,256,true",
            "32,8,128,4096,ALL_POSITIONS,1024,false",
            "32,8,128,3000,ALL_POSITIONS,64,false",
            "16,2,128,700,PER_GROUP,128,false",
            "14,2,75,500,PER_GROUP,128,true",
            "14,2,75,500,ALL_POSITIONS,256,false",
            "4,2,32,90,ALL_POSITIONS,64,false",
            "8,4,8,200,ALL_POSITIONS,32,false",
            "8,4,8,200,PER_HEAD,64,true",
            "4,1,80,333,PER_HEAD,128,true"})
    void partialsMergedByChunkEqualTheReference(int hq, int hkv, int d, int n, Lists lists, int chunk,
                                                boolean weights) {
        long seed = TestData.seed("grouped kernel, " + lists);
        SplittableRandom r = new SplittableRandom(seed);
        int capacity = n + 16;
        float[] q = TestData.floats(r, hq * d, 1.0);
        short[] k = TestData.halfs(r, hkv * capacity * d, 1.0);
        short[] v = TestData.halfs(r, hkv * capacity * d, 1.0);
        int rows = switch (lists) {
            case PER_HEAD -> hq;
            case PER_GROUP -> hkv;
            case ALL_POSITIONS -> 1;
        };
        int headsPerList = hq / rows;
        int listStride = n;
        int[] indices = TestData.poisonedInts(rows * listStride);
        int[] counts = new int[rows];
        float[] logWeights = TestData.poisonedFloats(rows * listStride);
        for (int row = 0; row < rows; row++) {
            // a random subset (about a fifth) in ascending order; every position when dense
            int c = 0;
            for (int j = 0; j < n; j++) {
                if (lists == Lists.ALL_POSITIONS || r.nextInt(5) == 0) {
                    indices[row * listStride + c] = j;
                    logWeights[row * listStride + c] = (float) (3 * r.nextDouble());
                    c++;
                }
            }
            counts[row] = c;
        }
        if (lists != Lists.ALL_POSITIONS && rows > 1) {
            counts[1] = 0;  // an empty list gives 0
        }
        int chunks = (listStride + chunk - 1) / chunk;
        float[] partialMax = TestData.poisonedFloats(hq * chunks);
        float[] partialSum = TestData.poisonedFloats(hq * chunks);
        float[] partialAcc = TestData.poisonedFloats(hq * chunks * d);
        float[] out = TestData.poisonedFloats(hq * d);
        int withWeights = weights ? 1 : 0;
        // the cache as packed pairs; every position, with the identity list neither read nor written
        int rowInts = DecodeAttentionKernels.rowInts(d);
        int[] kPairs = TestData.poisonedInts(hkv * capacity * rowInts);
        int[] vPairs = TestData.poisonedInts(hkv * capacity * rowInts);
        DecodeAttentionKernels.packHalfPairs(k, v, kPairs, vPairs, hkv, capacity, d, 0, capacity);
        int allPositions = lists == Lists.ALL_POSITIONS ? 1 : 0;
        int[] listIndices = allPositions == 1 ? TestData.poisonedInts(indices.length) : indices;
        int[] listCounts = allPositions == 1 ? TestData.poisonedInts(counts.length) : counts;
        WorkGroups.run(chunks, DecodeAttentionKernels.headBlocks(hq, hkv, headsPerList),
                DecodeAttentionKernels.GROUP_SIZE, ctx -> DecodeAttentionKernels.decodeGroupOverIndexList(ctx,
                        q, kPairs, vPairs, listIndices, listCounts, logWeights, partialMax, partialSum, partialAcc,
                        hq, hkv, d, capacity, listStride, headsPerList, chunks, chunk, withWeights, allPositions));
        // lanes of the merge: fewer than the chunks, and as many as there can be
        int local = chunks < 4 ? 2 * DecodeAttentionKernels.MERGE_CHANNELS : 4 * DecodeAttentionKernels.MERGE_CHANNELS;
        WorkGroups.run((d + DecodeAttentionKernels.MERGE_CHANNELS - 1) / DecodeAttentionKernels.MERGE_CHANNELS, hq,
                local, ctx -> DecodeAttentionKernels.mergeChunkPartials(ctx, partialMax, partialSum, partialAcc, out,
                        hq, d, chunks));

        double worst = 0;
        for (int h = 0; h < hq; h++) {
            int row = h / headsPerList;
            int[] list = java.util.Arrays.copyOfRange(indices, row * listStride, row * listStride + counts[row]);
            double[] w = null;
            if (weights) {
                w = new double[list.length];
                for (int i = 0; i < w.length; i++) {
                    w[i] = logWeights[row * listStride + i];
                }
            }
            double[] ref = DecodeAttentionReference.decode(q, k, v, h, hq, hkv, d, capacity, list, w);
            if (list.length == 0) {
                for (int c = 0; c < d; c++) {
                    assertTrue(out[h * d + c] == 0f, "empty list of head " + h + " gives " + out[h * d + c]);
                }
                continue;
            }
            double err = TestData.relativeError(out, h * d, ref, 0, d);
            worst = Math.max(worst, err);
            assertTrue(err < BOUND, "head " + h + ": relative error " + err);
        }
        System.out.println("  worst relative error " + worst);
    }
}
