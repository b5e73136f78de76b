package sparse.engine.attention.dense;

import java.util.stream.IntStream;
import sparse.tasks.kernels.attention.DecodeAttentionReference;

/** Float64 dense decode attention over the first {@code visible} keys, per query head. */
public final class DenseReference {
    private DenseReference() {
    }

    /** Output {@code [hq][d]}. */
    public static double[][] decode(float[] q, short[] k, short[] v, int hq, int hkv, int d, int capacity, int visible) {
        int[] all = IntStream.range(0, visible).toArray();
        double[][] out = new double[hq][];
        for (int h = 0; h < hq; h++) {
            out[h] = DecodeAttentionReference.decode(q, k, v, h, hq, hkv, d, capacity, all, null);
        }
        return out;
    }
}
