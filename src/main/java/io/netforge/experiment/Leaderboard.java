package io.netforge.experiment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.netforge.job.JobStatus;
import io.netforge.model.ModelRepository;
import io.netforge.tabular.MetricSummary;
import io.netforge.tabular.Score;
import tools.jackson.databind.JsonNode;

/**
 * An experiment's results: per configuration the mean and sample standard deviation of each test metric over its
 * succeeded runs (seeds x folds), ranked by the chosen metric; and that metric against the configurations' total
 * hidden nodes (the article's figure).
 */
final class Leaderboard {

    private Leaderboard() {
    }

    /**
     * One configuration's line.
     *
     * @param settings    the grid's values for it (seed left out)
     * @param hiddenNodes the units of all its hidden layers
     * @param runs        its runs (seeds x folds); {@code succeeded} and {@code failed} of them so far
     * @param metrics     each test metric of the task over its succeeded runs; a metric a run could not give (AUC
     *                    of a test fold with one class) is left out of that metric's mean
     */
    record Entry(int configuration, Map<String, JsonNode> settings, List<Integer> hiddenLayers, int hiddenNodes,
            int runs, int succeeded, int failed, Map<String, MetricSummary> metrics) {
    }

    /** A point of the figure: a configuration's chosen metric against its hidden nodes. */
    record Point(int configuration, int hiddenNodes, List<Integer> hiddenLayers, Map<String, JsonNode> settings,
            double mean, Double sd, int n) {
    }

    record Result(List<Entry> entries, List<Point> series) {
    }

    static Result of(List<Map<String, JsonNode>> configurations, List<List<Integer>> hiddenLayers,
            List<ModelRepository.Run> runs, List<Score> metrics, Score rankBy) {
        int count = configurations.size();
        List<List<ModelRepository.Run>> byConfiguration = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            byConfiguration.add(new ArrayList<>());
        }
        for (ModelRepository.Run run : runs) {
            byConfiguration.get(run.configuration()).add(run);
        }
        List<Entry> entries = new ArrayList<>();
        for (int c = 0; c < count; c++) {
            List<ModelRepository.Run> mine = byConfiguration.get(c);
            int succeeded = 0;
            int failed = 0;
            Map<String, MetricSummary> summaries = new LinkedHashMap<>();
            for (ModelRepository.Run run : mine) {
                succeeded += run.status() == JobStatus.SUCCEEDED ? 1 : 0;
                failed += run.status() == JobStatus.FAILED ? 1 : 0;
            }
            for (Score metric : metrics) {
                List<Double> values = new ArrayList<>();
                for (ModelRepository.Run run : mine) {
                    Double value = run.status() == JobStatus.SUCCEEDED ? metric.of(run.metrics()) : null;
                    if (value != null && Double.isFinite(value)) {
                        values.add(value);
                    }
                }
                if (!values.isEmpty()) {
                    summaries.put(metric.id(), MetricSummary.of(values));
                }
            }
            List<Integer> layers = hiddenLayers.get(c);
            entries.add(new Entry(c, configurations.get(c), layers, layers.stream().mapToInt(Integer::intValue).sum(),
                    mine.size(), succeeded, failed, summaries));
        }
        List<Point> series = entries.stream()
                .filter(e -> e.metrics().containsKey(rankBy.id()))
                .map(e -> {
                    MetricSummary s = e.metrics().get(rankBy.id());
                    return new Point(e.configuration(), e.hiddenNodes(), e.hiddenLayers(), e.settings(), s.mean(),
                            s.sd(), s.n());
                })
                .sorted(Comparator.comparingInt(Point::hiddenNodes).thenComparingInt(Point::configuration))
                .toList();
        Comparator<Entry> best = Comparator.comparing((Entry e) -> !e.metrics().containsKey(rankBy.id()))
                .thenComparingDouble(e -> {
                    MetricSummary s = e.metrics().get(rankBy.id());
                    return s == null ? 0 : rankBy.higherIsBetter() ? -s.mean() : s.mean();
                })
                .thenComparingInt(Entry::configuration);
        return new Result(entries.stream().sorted(best).toList(), series);
    }
}
