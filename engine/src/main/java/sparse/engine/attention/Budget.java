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
     * The budget of one decode step over {@code visible} keys: {@code round(density·visible)}
     * tokens, at least one. Sink and window are 128 tokens each, shrinking on contexts too
     * short for them to {@code visible/16} each, and on budgets too small for them to a
     * quarter of the budget each, so that heavy tokens always keep half of it.
     *
     * @throws IllegalArgumentException if density is outside (0, 1] or visible is not positive
     */
    public static Budget of(double density, int visible) {
        long total = total(density, visible);
        int side = autoSide(visible, total);
        return new Budget(side, side, (int) (total - 2L * side));
    }

    /**
     * Tokens a density keeps of {@code visible}: {@code round(density·visible)}, at least one.
     *
     * @throws IllegalArgumentException if density is outside (0, 1] or visible is not positive
     */
    public static long total(double density, int visible) {
        if (!(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("density must be in (0, 1], got " + density);
        }
        if (visible < 1) {
            throw new IllegalArgumentException("visible tokens must be positive, got " + visible);
        }
        return Math.max(1, Math.round(density * visible));
    }

    /**
     * The sink (or window) {@link #of} chooses: 128 tokens, at most {@code visible/16}, and at
     * most a quarter of {@code total} when a total is known ({@code total < 0}: none is).
     */
    public static int autoSide(int visible, long total) {
        int side = Math.min(MAX_SINK, visible / 16);
        return total < 0 ? side : (int) Math.min(side, total / 4);
    }

    /** Tokens attended in all: sink, window and heavy. */
    public int total() {
        return sink + window + heavy;
    }
}
