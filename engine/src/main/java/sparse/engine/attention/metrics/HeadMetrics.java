package sparse.engine.attention.metrics;

/**
 * The metrics of one query head at one decode step (ALGORITHMS.md §4).
 *
 * @param density     attended positions / visible positions, sink and window included
 * @param topkRecall  |selected ∩ oracle top-M| / M, the oracle over the non-sink, non-window
 *                    positions by exact q·k; 1 when M = 0
 * @param massRecall  Σ over selected j of softmax(q·K/√d)_j
 * @param outputError ‖o_sparse − o_dense‖ / ‖o_dense‖
 */
public record HeadMetrics(double density, double topkRecall, double massRecall, double outputError) {
}
