package sparse.engine.attention.streaming;

import sparse.engine.attention.Budget;
import sparse.tasks.kernels.attention.DecodeAttentionReference;
import sparse.tasks.kernels.select.SelectReference;

/** StreamingLLM in float64: exact attention over sink and window. */
public final class StreamingReference {
    private StreamingReference() {
    }

    /** @param list the attended positions (the same for every head); output per query head, {@code [d]} */
    public record Result(int[] list, double[][] output) {
    }

    public static Result decode(StreamingOptions o, float[] q, short[] k, short[] v, int hq, int hkv, int d,
                                int capacity, int visible) {
        Budget b = StreamingAttention.sinkAndWindow(o, visible);
        int[] list = SelectReference.sinkAndWindow(visible, b.sink(), b.window());
        double[][] output = new double[hq][];
        for (int h = 0; h < hq; h++) {
            output[h] = DecodeAttentionReference.decode(q, k, v, h, hq, hkv, d, capacity, list, null);
        }
        return new Result(list, output);
    }
}
