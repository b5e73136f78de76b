package sparse.engine.attention.oracle;

import sparse.engine.attention.TokenBudget;

/**
 * Oracle top-k's parameters: the budget (density or heavy count M, sink S, window W). Default
 * density 0.05 with sink and window 128 each, shrinking to T/16 on short contexts.
 */
public record OracleOptions(TokenBudget budget) {

    public static final double DEFAULT_DENSITY = 0.05;

    public OracleOptions {
        if (budget == null) {
            throw new IllegalArgumentException("budget is null");
        }
    }

    public static OracleOptions defaults() {
        return new OracleOptions(TokenBudget.ofDensity(DEFAULT_DENSITY));
    }
}
