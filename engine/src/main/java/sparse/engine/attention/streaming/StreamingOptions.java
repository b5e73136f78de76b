package sparse.engine.attention.streaming;

import sparse.engine.attention.TokenBudget;

/**
 * StreamingLLM's parameters: a budget like the token selectors' (default density 0.05, sink
 * and window 128 each, shrinking to T/16 on short contexts). StreamingLLM has no heavy tokens:
 * it spends the heavy part of the budget on a longer window, so that it attends as many keys
 * as a selector at the same budget. With {@code TokenBudget.ofHeavy(0)} it keeps exactly the
 * sink and the window.
 */
public record StreamingOptions(TokenBudget budget) {

    public static final double DEFAULT_DENSITY = 0.05;

    public StreamingOptions {
        if (budget == null) {
            throw new IllegalArgumentException("budget is null");
        }
    }

    public static StreamingOptions defaults() {
        return new StreamingOptions(TokenBudget.ofDensity(DEFAULT_DENSITY));
    }
}
