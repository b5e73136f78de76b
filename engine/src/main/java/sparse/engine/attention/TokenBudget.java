package sparse.engine.attention;

/**
 * A token selector's budget as asked for: a density (the total fraction of visible keys, sink
 * and window included) or a fixed number of heavy tokens, with a sink and a window that are
 * either given or {@link #AUTO} (128 each, shrinking to visible/16 on short contexts, as
 * {@link Budget#of} does). {@link #resolve} turns it into one decode step's {@link Budget}.
 *
 * @param density fraction of visible keys to attend, in (0, 1]; NaN when {@code heavy} is given
 * @param heavy   heavy tokens per step, ≥ 0; {@link #AUTO} when {@code density} is given
 * @param sink    attention-sink tokens, or {@link #AUTO}
 * @param window  local-window tokens, or {@link #AUTO}
 */
public record TokenBudget(double density, int heavy, int sink, int window) {

    /** Sink or window: the default rule. Heavy: taken from the density. */
    public static final int AUTO = -1;

    public TokenBudget {
        if (Double.isNaN(density) == (heavy == AUTO)) {
            throw new IllegalArgumentException("a budget takes either a density or a number of heavy tokens, not "
                    + (heavy == AUTO ? "neither" : "both"));
        }
        if (!Double.isNaN(density) && !(density > 0 && density <= 1)) {
            throw new IllegalArgumentException("density must be in (0, 1], got " + density);
        }
        if (heavy < AUTO) {
            throw new IllegalArgumentException("heavy tokens M must be ≥ 0, got " + heavy);
        }
        if (sink < AUTO) {
            throw new IllegalArgumentException("sink S must be ≥ 0, got " + sink);
        }
        if (window < AUTO) {
            throw new IllegalArgumentException("window W must be ≥ 0, got " + window);
        }
    }

    /** {@code density} of the visible keys, default sink and window. */
    public static TokenBudget ofDensity(double density) {
        return new TokenBudget(density, AUTO, AUTO, AUTO);
    }

    /** {@code heavy} tokens besides default sink and window. */
    public static TokenBudget ofHeavy(int heavy) {
        return ofDensity(1).withHeavy(heavy);
    }

    /** This sink and window with a density instead. */
    public TokenBudget withDensity(double density) {
        return new TokenBudget(density, AUTO, sink, window);
    }

    /** This sink and window with a fixed number of heavy tokens instead. */
    public TokenBudget withHeavy(int heavy) {
        if (heavy == AUTO) {
            throw new IllegalArgumentException("heavy tokens M must be ≥ 0, got " + heavy);
        }
        return new TokenBudget(Double.NaN, heavy, sink, window);
    }

    public TokenBudget withSink(int sink) {
        return new TokenBudget(density, heavy, sink, window);
    }

    public TokenBudget withWindow(int window) {
        return new TokenBudget(density, heavy, sink, window);
    }

    /**
     * The split for one step over {@code visible} keys. A fixed heavy count larger than the
     * candidates between sink and window keeps every candidate.
     *
     * @throws IllegalArgumentException if sink and window do not fit in the context, or the
     *                                  density keeps fewer tokens than sink and window
     */
    public Budget resolve(int visible) {
        if (sink == AUTO && window == AUTO && heavy == AUTO) {
            return Budget.of(density, visible);
        }
        long total = heavy == AUTO ? Budget.total(density, visible) : -1;
        if (visible < 1) {
            throw new IllegalArgumentException("visible tokens must be positive, got " + visible);
        }
        int s = sink == AUTO ? Budget.autoSide(visible, total) : sink;
        int w = window == AUTO ? Budget.autoSide(visible, total) : window;
        if (s + w > visible) {
            throw new IllegalArgumentException("sink " + s + " + window " + w + " > context " + visible);
        }
        if (heavy != AUTO) {
            return new Budget(s, w, Math.min(heavy, visible - s - w));
        }
        if (total < s + w) {
            throw new IllegalArgumentException("density " + density + " keeps " + total + " of " + visible
                    + " tokens, fewer than the sink (" + s + ") and window (" + w + ") it must include");
        }
        return new Budget(s, w, (int) (total - s - w));
    }
}
