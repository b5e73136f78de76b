package sparse.tasks.kernels.blocksparse;

import java.util.stream.IntStream;

/**
 * Float64 reference of {@link BlockSparseKernels}: dense softmax attention of each query row
 * over an explicit set of key positions (a dense attention with a mask), two-pass softmax.
 * Caches are (hkv, capacity, d) fp16.
 */
public final class BlockSparseReference {
    private BlockSparseReference() {
    }

    /** The attended key positions of prefill query t under a block mask (blocks × blocks). */
    public static int[] prefillPositions(int[] keep, int tokens, int block, int t) {
        int blocks = (tokens + block - 1) / block;
        int qb = t / block;
        return IntStream.rangeClosed(0, t).filter(s -> keep[qb * blocks + s / block] != 0).toArray();
    }

    /** The key positions of a block list, cut at {@code visible}. */
    public static int[] blockPositions(int[] blockList, int block, int visible) {
        return IntStream.of(blockList)
                .flatMap(b -> IntStream.range(b * block, Math.min(b * block + block, visible)))
                .toArray();
    }

    /** Prefill output (hq, tokens, d) of queries (hq, tokens, d) under the block mask. */
    public static double[] prefill(float[] q, short[] k, short[] v, int hq, int hkv, int capacity, int tokens, int d,
                                   int[] keep, int block, double scale) {
        double[] out = new double[hq * tokens * d];
        for (int h = 0; h < hq; h++) {
            for (int t = 0; t < tokens; t++) {
                double[] o = attend(q, (h * tokens + t) * d, k, v, (h / (hq / hkv)) * capacity * d, d,
                        prefillPositions(keep, tokens, block, t), scale);
                System.arraycopy(o, 0, out, (h * tokens + t) * d, d);
            }
        }
        return out;
    }

    /** Decode output (hq, d) of queries (hq, d), head h over key positions {@code positions[h]}. */
    public static double[] decode(float[] q, short[] k, short[] v, int hq, int hkv, int capacity, int d,
                                  int[][] positions, double scale) {
        double[] out = new double[hq * d];
        for (int h = 0; h < hq; h++) {
            double[] o = attend(q, h * d, k, v, (h / (hq / hkv)) * capacity * d, d, positions[h], scale);
            System.arraycopy(o, 0, out, h * d, d);
        }
        return out;
    }

    /** softmax(scale · q·kᵀ) · v over the given key rows. */
    public static double[] attend(float[] q, int qBase, short[] k, short[] v, int kvBase, int d, int[] positions,
                                  double scale) {
        double[] s = new double[positions.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < positions.length; i++) {
            double dot = 0;
            for (int c = 0; c < d; c++) {
                dot += (double) q[qBase + c] * Float.float16ToFloat(k[kvBase + positions[i] * d + c]);
            }
            s[i] = scale * dot;
            max = Math.max(max, s[i]);
        }
        double sum = 0;
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.exp(s[i] - max);
            sum += s[i];
        }
        double[] o = new double[d];
        for (int i = 0; i < positions.length; i++) {
            for (int c = 0; c < d; c++) {
                o[c] += s[i] / sum * Float.float16ToFloat(v[kvBase + positions[i] * d + c]);
            }
        }
        return o;
    }
}
