package io.netforge.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.netforge.plot.Charts;
import io.netforge.problem.DomainException;
import io.netforge.tabular.Score;
import tools.jackson.databind.JsonNode;

/** The data of an experiment's figure: per setting of the grid's fields other than hiddenLayers, a line of points. */
final class ExperimentPlot {

    private ExperimentPlot() {
    }

    static List<Charts.Bars> groups(ExperimentView view, String metricId) {
        Score metric = view.task().score(metricId).orElseThrow(() ->
                DomainException.notFound("plot", metricId + ": the test metrics of a " + view.task().id() + " experiment"
                        + " are " + view.task().scores().stream().map(Score::id).collect(Collectors.joining(", "))));
        Map<String, List<Leaderboard.Entry>> byOther = new LinkedHashMap<>();
        // in configuration order, so the lines and their points come out as the grid lists them
        List<Leaderboard.Entry> entries = new ArrayList<>(view.leaderboard());
        entries.sort(java.util.Comparator.comparingInt(Leaderboard.Entry::configuration));
        for (Leaderboard.Entry entry : entries) {
            if (!entry.metrics().containsKey(metric.id())) {
                continue;
            }
            byOther.computeIfAbsent(label(entry.settings()), k -> new ArrayList<>()).add(entry);
        }
        if (byOther.isEmpty()) {
            throw DomainException.conflict("experiment " + view.id() + " is " + view.status() + " and no run of it has a "
                    + "test " + metric.id() + " yet");
        }
        List<Charts.Bars> groups = new ArrayList<>();
        byOther.forEach((label, points) -> {
            points.sort(java.util.Comparator.comparingInt(Leaderboard.Entry::hiddenNodes));
            double[] x = new double[points.size()];
            double[] mean = new double[points.size()];
            double[] sd = new double[points.size()];
            for (int i = 0; i < points.size(); i++) {
                io.netforge.tabular.MetricSummary s = points.get(i).metrics().get(metric.id());
                x[i] = points.get(i).hiddenNodes();
                mean[i] = s.mean();
                sd[i] = s.sd() == null ? Double.NaN : s.sd();
            }
            groups.add(new Charts.Bars(label, x, mean, sd));
        });
        return groups;
    }

    /** The settings but hiddenLayers, as {@code learningRate=0.5, activation="relu"}; "all runs" when none. */
    private static String label(Map<String, JsonNode> settings) {
        String label = settings.entrySet().stream().filter(e -> !e.getKey().equals("hiddenLayers"))
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        return label.isEmpty() ? "mean ± sd" : label;
    }
}
