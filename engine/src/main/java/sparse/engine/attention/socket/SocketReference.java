package sparse.engine.attention.socket;

import sparse.engine.attention.Budget;
import sparse.tasks.kernels.attention.DecodeAttentionReference;
import sparse.tasks.kernels.hash.Hyperplanes;
import sparse.tasks.kernels.hash.SocketHashReference;
import sparse.tasks.kernels.score.ScoreReference;
import sparse.tasks.kernels.select.SelectReference;

/**
 * SOCKET in float64, from the definitions (ALGORITHMS.md §1): codes bit by bit, bucket
 * probabilities as the explicit softmax over all corners, scores, a sort for the top M, exact
 * attention over the list. Same planes as {@link SocketAttention} for the same options.
 */
public final class SocketReference {
    private SocketReference() {
    }

    /**
     * One step's outcome.
     *
     * @param scores per list row (query head, or group when shared), the score of each of the first visible keys
     * @param lists  per query head, the attended positions
     * @param output per query head, {@code [d]}
     */
    public record Result(double[][] scores, int[][] lists, double[][] output) {
    }

    public static Result decode(SocketOptions o, float[] q, short[] k, short[] v, int hq, int hkv, int d, int capacity,
                                int visible) {
        int bits = o.bits(), tables = o.tables();
        float[] planes = Hyperplanes.gaussian(o.seed(), tables, bits, d);
        int[] codes = SocketHashReference.keyCodes(k, planes, hkv, capacity, d, tables, bits, visible);
        double[] norms = o.valueNorms() ? SocketHashReference.valueNorms(v, hkv, capacity, d, visible) : null;
        double[] prob = SocketHashReference.bucketProbabilities(q, planes, hq, d, tables, bits, o.tau());
        double[] perHead = ScoreReference.softCollisionScores(codes, norms, prob, hq, hkv, capacity, visible, tables, bits);
        int rows = o.sharedPerGroup() ? hkv : hq;
        double[] rowScores = o.sharedPerGroup() ? ScoreReference.sumOverGroup(perHead, hq, hkv, visible) : perHead;
        Budget b = o.budget().resolve(visible);
        double[][] scores = new double[rows][];
        int[][] rowLists = new int[rows][];
        for (int r = 0; r < rows; r++) {
            scores[r] = java.util.Arrays.copyOfRange(rowScores, r * visible, (r + 1) * visible);
            rowLists[r] = SelectReference.topM(rowScores, r * visible, visible, b.sink(), b.window(), b.heavy());
        }
        int[][] lists = new int[hq][];
        double[][] output = new double[hq][];
        for (int h = 0; h < hq; h++) {
            lists[h] = rowLists[h / (hq / rows)];
            output[h] = DecodeAttentionReference.decode(q, k, v, h, hq, hkv, d, capacity, lists[h], null);
        }
        return new Result(scores, lists, output);
    }

    /**
     * Whether some bit of key j of KV head kv has a projection within {@code margin · ‖k‖‖w‖}
     * of zero: there fp32 may set the bit the other way than float64, and the key's code and
     * score differ by design. {@code planes} as {@link Hyperplanes#gaussian} makes them for {@code o}.
     */
    public static boolean hasNearZeroBit(SocketOptions o, float[] planes, short[] k, int kv, int j, int capacity, int d,
                                         double margin) {
        int bits = o.bits();
        double keyNorm = 0;
        for (int i = 0; i < d; i++) {
            double x = Float.float16ToFloat(k[(kv * capacity + j) * d + i]);
            keyNorm += x * x;
        }
        keyNorm = Math.sqrt(keyNorm);
        for (int l = 0; l < o.tables(); l++) {
            for (int p = 0; p < bits; p++) {
                double planeNorm = 0;
                for (int i = 0; i < d; i++) {
                    planeNorm += (double) planes[(l * bits + p) * d + i] * planes[(l * bits + p) * d + i];
                }
                double z = SocketHashReference.projection(k, kv, j, planes, l, p, capacity, d, bits);
                if (Math.abs(z) < margin * keyNorm * Math.sqrt(planeNorm)) {
                    return true;
                }
            }
        }
        return false;
    }
}
