package sparse.engine.attention.socket;

import sparse.engine.attention.TokenBudget;

/**
 * SOCKET's parameters (ALGORITHMS.md §1). Defaults, the paper's RULER-32K setting:
 * {@code P = 10} bits, {@code L = 60} tables, {@code tau = 0.4}, sink and window 128 each
 * (shrinking to T/16 on short contexts), density 0.05, value norms on, a list per query head.
 *
 * @param bits           P, bits per table (1..16; codes take a byte per table up to 8, a short above)
 * @param tables         L, hash tables (≥ 1)
 * @param tau            softmax temperature of the bucket probabilities (> 0)
 * @param budget         density or heavy count M, sink S and window W
 * @param seed           seed of the N(0, 1) hyperplanes, shared by all layers
 * @param sharedPerGroup one list per KV-head group, from the scores summed over the group
 *                       (the fast variant; its accuracy is reported separately)
 * @param valueNorms     weigh each key's score by {@code ‖v‖₂}
 */
public record SocketOptions(int bits, int tables, double tau, TokenBudget budget, long seed, boolean sharedPerGroup,
                            boolean valueNorms) {

    public static final int DEFAULT_BITS = 10;
    public static final int DEFAULT_TABLES = 60;
    public static final double DEFAULT_TAU = 0.4;
    public static final double DEFAULT_DENSITY = 0.05;
    public static final long DEFAULT_SEED = 42;

    public SocketOptions {
        if (bits < 1 || bits > 16) {
            throw new IllegalArgumentException("bits per table P must be in [1, 16], got " + bits);
        }
        if (tables < 1) {
            throw new IllegalArgumentException("tables L must be ≥ 1, got " + tables);
        }
        if (!(tau > 0) || Double.isInfinite(tau)) {
            throw new IllegalArgumentException("temperature tau must be positive and finite, got " + tau);
        }
        if (budget == null) {
            throw new IllegalArgumentException("budget is null");
        }
    }

    public static SocketOptions defaults() {
        return new SocketOptions(DEFAULT_BITS, DEFAULT_TABLES, DEFAULT_TAU, TokenBudget.ofDensity(DEFAULT_DENSITY),
                DEFAULT_SEED, false, true);
    }

    public SocketOptions withBits(int bits) {
        return new SocketOptions(bits, tables, tau, budget, seed, sharedPerGroup, valueNorms);
    }

    public SocketOptions withTables(int tables) {
        return new SocketOptions(bits, tables, tau, budget, seed, sharedPerGroup, valueNorms);
    }

    public SocketOptions withTau(double tau) {
        return new SocketOptions(bits, tables, tau, budget, seed, sharedPerGroup, valueNorms);
    }

    public SocketOptions withBudget(TokenBudget budget) {
        return new SocketOptions(bits, tables, tau, budget, seed, sharedPerGroup, valueNorms);
    }

    /** Density of the visible keys, keeping this budget's sink and window. */
    public SocketOptions withDensity(double density) {
        return withBudget(budget.withDensity(density));
    }

    /** A fixed number M of heavy tokens, keeping this budget's sink and window. */
    public SocketOptions withHeavy(int heavy) {
        return withBudget(budget.withHeavy(heavy));
    }

    public SocketOptions withSink(int sink) {
        return withBudget(budget.withSink(sink));
    }

    public SocketOptions withWindow(int window) {
        return withBudget(budget.withWindow(window));
    }

    public SocketOptions withSeed(long seed) {
        return new SocketOptions(bits, tables, tau, budget, seed, sharedPerGroup, valueNorms);
    }

    public SocketOptions withSharedPerGroup(boolean shared) {
        return new SocketOptions(bits, tables, tau, budget, seed, shared, valueNorms);
    }

    public SocketOptions withValueNorms(boolean on) {
        return new SocketOptions(bits, tables, tau, budget, seed, sharedPerGroup, on);
    }

    /** Whether codes take one byte per table (else a short). */
    public boolean byteCodes() {
        return bits <= 8;
    }
}
