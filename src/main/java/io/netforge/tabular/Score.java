package io.netforge.tabular;

import java.util.function.Function;

/**
 * A measure of a task's metrics that models can be ranked by (an experiment's metric): its name in the metrics'
 * JSON, which way is better, and how it is read from a task's metrics record.
 */
public record Score(String id, boolean higherIsBetter, Function<Metrics, Double> reader) {

    /** A score of metrics records of {@code type}; other records have none. */
    static <M extends Metrics> Score of(String id, boolean higherIsBetter, Class<M> type, Function<M, Double> read) {
        return new Score(id, higherIsBetter, m -> type.isInstance(m) ? read.apply(type.cast(m)) : null);
    }

    /** The value in a run's metrics, or null when the rows could not give it (an AUC of one class) or none. */
    public Double of(Metrics metrics) {
        return metrics == null ? null : reader.apply(metrics);
    }
}
