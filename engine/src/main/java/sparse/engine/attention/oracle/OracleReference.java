package sparse.engine.attention.oracle;

import sparse.engine.attention.Budget;
import sparse.tasks.kernels.attention.DecodeAttentionReference;
import sparse.tasks.kernels.score.ScoreReference;
import sparse.tasks.kernels.select.SelectReference;

/** Oracle top-k in float64: exact logits, a sort for the top M, exact attention over the list. */
public final class OracleReference {
    private OracleReference() {
    }

    /**
     * @param scores per query head, the logit of each of the first visible keys
     * @param lists  per query head, the attended positions
     * @param output per query head, {@code [d]}
     */
    public record Result(double[][] scores, int[][] lists, double[][] output) {
    }

    public static Result decode(OracleOptions o, float[] q, short[] k, short[] v, int hq, int hkv, int d, int capacity,
                                int visible) {
        double[] all = ScoreReference.exactScores(q, k, hq, hkv, d, capacity, visible);
        Budget b = o.budget().resolve(visible);
        double[][] scores = new double[hq][];
        int[][] lists = new int[hq][];
        double[][] output = new double[hq][];
        for (int h = 0; h < hq; h++) {
            scores[h] = java.util.Arrays.copyOfRange(all, h * visible, (h + 1) * visible);
            lists[h] = SelectReference.topM(all, h * visible, visible, b.sink(), b.window(), b.heavy());
            output[h] = DecodeAttentionReference.decode(q, k, v, h, hq, hkv, d, capacity, lists[h], null);
        }
        return new Result(scores, lists, output);
    }
}
