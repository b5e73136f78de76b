package sparse.engine.attention.hardlsh;

import sparse.engine.attention.Budget;
import sparse.engine.attention.TokenBudget;

/**
 * Hard LSH sampling in the MagicPIG style (ALGORITHMS.md §3): SimHash with {@code bits} bits
 * in each of {@code tables} tables (defaults 8 × 75) on mean-centred keys. The budget is
 * whatever collides; sink and window are always kept, like every other selector here, with
 * the same default (128 each, shrinking to T/16 on short contexts; MagicPIG itself keeps 4 and 64).
 *
 * @param bits   K, bits per table (1..16)
 * @param tables L, hash tables (≥ 1)
 * @param sink   attention-sink tokens, or {@link TokenBudget#AUTO}
 * @param window local-window tokens, or {@link TokenBudget#AUTO}
 * @param seed   seed of the N(0, 1) hyperplanes, shared by all layers
 */
public record HardLshOptions(int bits, int tables, int sink, int window, long seed) {

    public static final int DEFAULT_BITS = 8;
    public static final int DEFAULT_TABLES = 75;
    public static final long DEFAULT_SEED = 42;

    public HardLshOptions {
        if (bits < 1 || bits > 16) {
            throw new IllegalArgumentException("bits per table K must be in [1, 16], got " + bits);
        }
        if (tables < 1) {
            throw new IllegalArgumentException("tables L must be ≥ 1, got " + tables);
        }
        if (sink < TokenBudget.AUTO) {
            throw new IllegalArgumentException("sink S must be ≥ 0, got " + sink);
        }
        if (window < TokenBudget.AUTO) {
            throw new IllegalArgumentException("window W must be ≥ 0, got " + window);
        }
    }

    public static HardLshOptions defaults() {
        return new HardLshOptions(DEFAULT_BITS, DEFAULT_TABLES, TokenBudget.AUTO, TokenBudget.AUTO, DEFAULT_SEED);
    }

    public HardLshOptions withBits(int bits) {
        return new HardLshOptions(bits, tables, sink, window, seed);
    }

    public HardLshOptions withTables(int tables) {
        return new HardLshOptions(bits, tables, sink, window, seed);
    }

    public HardLshOptions withSink(int sink) {
        return new HardLshOptions(bits, tables, sink, window, seed);
    }

    public HardLshOptions withWindow(int window) {
        return new HardLshOptions(bits, tables, sink, window, seed);
    }

    public HardLshOptions withSeed(long seed) {
        return new HardLshOptions(bits, tables, sink, window, seed);
    }

    /** Sink and window of a step over {@code visible} keys (heavy 0: the colliding keys come on top). */
    public Budget sinkAndWindow(int visible) {
        return TokenBudget.ofHeavy(0).withSink(sink).withWindow(window).resolve(visible);
    }
}
