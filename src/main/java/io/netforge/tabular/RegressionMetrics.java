package io.netforge.tabular;

import java.util.List;

import io.netforge.compute.RegressionEvaluation;

/** A regression's metrics, in the target's units: root mean squared error, mean absolute error and R². */
public record RegressionMetrics(long rows, double rmse, double mae, double r2) implements Metrics {

    /** The scores an experiment may rank regressions by. */
    static final List<Score> SCORES = List.of(
            Score.of("rmse", false, RegressionMetrics.class, RegressionMetrics::rmse),
            Score.of("mae", false, RegressionMetrics.class, RegressionMetrics::mae),
            Score.of("r2", true, RegressionMetrics.class, RegressionMetrics::r2));

    static RegressionMetrics of(RegressionEvaluation e) {
        return new RegressionMetrics(e.rows(), e.rmse(), e.mae(), e.r2());
    }

    @Override
    public String problem() {
        return Metrics.first(rows < 0 ? "rows must not be negative" : null,
                Metrics.range("rmse", rmse, 0, Double.MAX_VALUE), Metrics.range("mae", mae, 0, Double.MAX_VALUE),
                Metrics.range("r2", r2, -Double.MAX_VALUE, 1));
    }

    @Override
    public Confusion confusionTable(List<String> classNames) {
        return null;
    }
}
