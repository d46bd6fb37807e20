package io.netforge.tabular;

/**
 * A task's evaluation of a network's outputs on some rows, computed once from the outputs.
 *
 * @param metrics the task's metrics
 * @param roc     a classifier's ROC curves (a curve is left out for a class the rows lack or fill); null for a
 *                regression
 */
public record Evaluated(Metrics metrics, Roc roc) {
}
