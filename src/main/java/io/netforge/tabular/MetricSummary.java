package io.netforge.tabular;

import java.util.List;

/**
 * A metric over several runs (seeds, folds): its mean and sample standard deviation (null for one value), as
 * experiments' and searches' leaderboards show it.
 */
public record MetricSummary(double mean, Double sd, int n) {

    /** The summary of at least one value. */
    public static MetricSummary of(List<Double> values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / values.size();
        if (values.size() < 2) {
            return new MetricSummary(mean, null, values.size());
        }
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return new MetricSummary(mean, Math.sqrt(squares / (values.size() - 1)), values.size());
    }
}
