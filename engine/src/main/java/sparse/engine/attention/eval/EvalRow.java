package sparse.engine.attention.eval;

import sparse.engine.attention.metrics.Summary;

/**
 * A method's accuracy at one requested density, each metric summarised over every query head,
 * layer and decode step of the workload.
 *
 * @param method           the method's name
 * @param densityRequested the density asked for
 * @param density          attended / visible keys
 * @param topkRecall       share of the oracle's top-M heavy keys selected
 * @param massRecall       softmax mass of the selected keys
 * @param outputError      ‖o_sparse − o_dense‖ / ‖o_dense‖
 */
public record EvalRow(String method, double densityRequested, Summary density, Summary topkRecall,
                      Summary massRecall, Summary outputError) {
}
