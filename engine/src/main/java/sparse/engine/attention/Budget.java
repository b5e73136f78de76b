package sparse.engine.attention;

/**
 * How a requested density splits into attention-sink tokens, a local window and heavy tokens
 * (ALGORITHMS.md §4): the density is the total fraction of visible keys attended, sink and
 * window included, so {@code heavy = round(density·visible) − sink − window}. Every method and
 * every metric takes its split from {@link #of}, so they agree on it.
 *
 * @param sink   attention-sink tokens, positions {@code [0, sink)}
 * @param window local-window tokens, positions {@code [visible − window, visible)}
 * @param heavy  tokens chosen from the rest, {@code [sink, visible − window)}
 */
public record Budget(int sink, int window, int heavy) {

    /** Sink and window size on long contexts (the papers' S = W = 128). */
    public static final int MAX_SINK = 128;
    public static final int MAX_WINDOW = 128;

    public Budget {
        if (sink < 0 || window < 0 || heavy < 0) {
            throw new IllegalArgumentException("sink, window and heavy must be ≥ 0, got " + sink + ", " + window + ", " + heavy);
        }
    }

    /**
     * The budget of one decode step over {@code visible} keys. Sink and window are 128 tokens
     * each, shrinking to {@code visible/16} each on contexts too short for them.
     *
     * @throws IllegalArgumentException if density is outside (0, 1], visible is not positive,
     *                                  or the density keeps fewer tokens than sink and window
     */
    public static Budget of(double density, int visible) {
        if (!(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("density must be in (0, 1], got " + density);
        }
        if (visible < 1) {
            throw new IllegalArgumentException("visible tokens must be positive, got " + visible);
        }
        int sink = defaultSink(visible);
        int window = defaultWindow(visible);
        long total = Math.round(density * visible);
        if (total < sink + window) {
            throw new IllegalArgumentException("density " + density + " keeps " + total + " of " + visible
                    + " tokens, fewer than the sink (" + sink + ") and window (" + window + ") it must include");
        }
        return new Budget(sink, window, (int) (total - sink - window));
    }

    /** The sink of {@link #of}: 128 tokens, or {@code visible/16} on short contexts. */
    public static int defaultSink(int visible) {
        return Math.min(MAX_SINK, visible / 16);
    }

    /** The window of {@link #of}: 128 tokens, or {@code visible/16} on short contexts. */
    public static int defaultWindow(int visible) {
        return Math.min(MAX_WINDOW, visible / 16);
    }

    /** Tokens attended in all: sink, window and heavy. */
    public int total() {
        return sink + window + heavy;
    }
}
