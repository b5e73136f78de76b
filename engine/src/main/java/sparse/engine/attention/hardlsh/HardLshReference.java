package sparse.engine.attention.hardlsh;

import sparse.engine.attention.Budget;
import sparse.tasks.kernels.attention.DecodeAttentionReference;
import sparse.tasks.kernels.hash.Hyperplanes;
import sparse.tasks.kernels.hash.SimHashReference;
import sparse.tasks.kernels.score.ScoreReference;
import sparse.tasks.kernels.select.SelectReference;

/**
 * Hard LSH in float64: the mean over the first {@code meanOver} keys (the context visible at
 * the layer's first step), centred codes, the colliding list, and attention with each sampled
 * key's logit offset by {@code −ln u}.
 */
public final class HardLshReference {
    private HardLshReference() {
    }

    /** @param lists per query head, the attended positions; output per query head, {@code [d]} */
    public record Result(int[][] lists, double[][] output) {
    }

    public static Result decode(HardLshOptions o, float[] q, short[] k, short[] v, int hq, int hkv, int d, int capacity,
                                int visible, int meanOver) {
        int bits = o.bits(), tables = o.tables();
        float[] planes = Hyperplanes.gaussian(o.seed(), tables, bits, d);
        double[] mean = SimHashReference.keyMean(k, hkv, capacity, d, meanOver);
        int[] keyCodes = SimHashReference.centredKeyCodes(k, mean, planes, hkv, capacity, d, tables, bits, visible);
        int[] queryCodes = SimHashReference.queryCodes(q, planes, hq, d, tables, bits);
        Budget b = o.sinkAndWindow(visible);
        int[][] lists = new int[hq][];
        double[][] output = new double[hq][];
        for (int h = 0; h < hq; h++) {
            int[] list = SelectReference.colliding(keyCodes, queryCodes, h, hq, hkv, capacity, tables, visible,
                    b.sink(), b.window());
            double[] weights = new double[list.length];
            for (int i = b.sink(); i < list.length - b.window(); i++) {
                weights[i] = ScoreReference.inverseCollisionLogWeight(q, k, mean, h, list[i], hq, hkv, d, capacity,
                        tables, bits);
            }
            lists[h] = list;
            output[h] = DecodeAttentionReference.decode(q, k, v, h, hq, hkv, d, capacity, list, weights);
        }
        return new Result(lists, output);
    }
}
