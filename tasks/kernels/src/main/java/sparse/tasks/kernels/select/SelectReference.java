package sparse.tasks.kernels.select;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Float64 reference of {@link SelectKernels}, by sorting: the list of one row, ascending,
 * {@code sink [0, S)}, the selected candidates of {@code [S, n − W)}, {@code window [n − W, n)}.
 */
public final class SelectReference {
    private SelectReference() {
    }

    /** Sink, window and every position between them: the list StreamingLLM attends. */
    public static int[] sinkAndWindow(int n, int sink, int window) {
        return IntStream.concat(IntStream.range(0, sink), IntStream.range(n - window, n)).toArray();
    }

    /**
     * Sink, window and the {@code heavy} candidates of highest score, ties to the lower
     * position ({@link Double#compare} order, so −0 ranks below +0), from
     * {@code scores[offset + j]}.
     */
    public static int[] topM(double[] scores, int offset, int n, int sink, int window, int heavy) {
        int take = Math.min(heavy, n - sink - window);
        Integer[] candidates = IntStream.range(sink, n - window).boxed().toArray(Integer[]::new);
        Arrays.sort(candidates, (a, b) -> {
            int c = Double.compare(scores[offset + b], scores[offset + a]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] top = new int[take];
        for (int i = 0; i < take; i++) {
            top[i] = candidates[i];
        }
        Arrays.sort(top);
        return IntStream.concat(IntStream.concat(IntStream.range(0, sink), Arrays.stream(top)),
                IntStream.range(n - window, n)).toArray();
    }

    /**
     * Sink, window and every candidate whose code equals the query's in some table; codes
     * {@code [hkv][tables][capacity]}, query codes {@code [hq][tables]}.
     */
    public static int[] colliding(int[] keyCodes, int[] queryCodes, int h, int hq, int hkv, int capacity, int tables,
                                  int n, int sink, int window) {
        int kv = h / (hq / hkv);
        IntStream hits = IntStream.range(sink, n - window).filter(j -> {
            for (int l = 0; l < tables; l++) {
                if (keyCodes[(kv * tables + l) * capacity + j] == queryCodes[h * tables + l]) {
                    return true;
                }
            }
            return false;
        });
        return IntStream.concat(IntStream.concat(IntStream.range(0, sink), hits), IntStream.range(n - window, n))
                .toArray();
    }
}
