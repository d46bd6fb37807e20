package io.netforge.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.netforge.job.JobStatus;
import io.netforge.model.ModelRepository;
import io.netforge.tabular.MetricSummary;
import io.netforge.tabular.Score;

/**
 * A search's results, read from its runs: each rung's progress, the ranking of a finished rung (what the next rung
 * and the refit follow), and the leaderboard. Everything here but {@link Timing} is a function of the runs' metrics,
 * so the same request gives the same leaderboard, byte for byte.
 */
final class SearchLeaderboard {

    private SearchLeaderboard() {
    }

    /** How a candidate did in one rung: its ranking metric and the tie-breaking loss, over its runs (folds). */
    record Ranked(int candidate, MetricSummary metric, MetricSummary tieBreak) {
    }

    /**
     * The candidates of a finished rung, best first: those whose every run succeeded with a value of the metric,
     * by the metric, then the lower tie-breaking loss, then the earlier candidate. The others are left out.
     *
     * @param validation rank on the runs' validation rows (else on their test rows: the held-out fold)
     */
    static List<Ranked> rank(List<ModelRepository.Run> rungRuns, Score metric, Score tieBreak, boolean validation) {
        Map<Integer, List<ModelRepository.Run>> byCandidate = new TreeMap<>();
        for (ModelRepository.Run run : rungRuns) {
            byCandidate.computeIfAbsent(run.configuration(), k -> new ArrayList<>()).add(run);
        }
        List<Ranked> ranked = new ArrayList<>();
        for (Map.Entry<Integer, List<ModelRepository.Run>> e : byCandidate.entrySet()) {
            MetricSummary m = summary(e.getValue(), metric, validation);
            if (m != null) {
                ranked.add(new Ranked(e.getKey(), m, tieBreak == null ? null : summary(e.getValue(), tieBreak, validation)));
            }
        }
        Comparator<Ranked> order = Comparator.comparingDouble(
                (Ranked r) -> metric.higherIsBetter() ? -r.metric().mean() : r.metric().mean());
        if (tieBreak != null) {
            order = order.thenComparingDouble(r -> r.tieBreak() == null ? Double.POSITIVE_INFINITY
                    : tieBreak.higherIsBetter() ? -r.tieBreak().mean() : r.tieBreak().mean());
        }
        ranked.sort(order.thenComparingInt(Ranked::candidate));
        return ranked;
    }

    /** The metric over every run, or null when one did not succeed or could not give it. */
    private static MetricSummary summary(List<ModelRepository.Run> runs, Score score, boolean validation) {
        List<Double> values = new ArrayList<>();
        for (ModelRepository.Run run : runs) {
            Double v = run.status() == JobStatus.SUCCEEDED ? score.of(validation ? run.validation() : run.metrics()) : null;
            if (v == null || !Double.isFinite(v)) {
                return null;
            }
            values.add(v);
        }
        return values.isEmpty() ? null : MetricSummary.of(values);
    }

    /**
     * A rung's progress.
     *
     * @param epochs     each run's epochs
     * @param candidates how many the rung trains (planned; fewer when candidates failed before it)
     * @param best       its best candidate once it has finished
     */
    record Rung(int rung, long epochs, int candidates, int runs, int queued, int running, int succeeded, int failed,
            int cancelled, Integer best) {
    }

    /**
     * One candidate's line.
     *
     * @param settings   what it trains with: hidden layers, activation, optimizer, learning rate, batch size, L2
     * @param rung       the last rung it was trained in
     * @param epochs     that rung's epochs
     * @param metric     the ranking metric there, over its runs (folds); null until they have all succeeded
     * @param metrics    every metric of the task there, on the same rows
     * @param parameters the network's weights and biases
     * @param failed     its runs that failed, in any rung
     */
    record Entry(int candidate, SearchSpace.Candidate settings, int rung, long epochs, MetricSummary metric,
            Map<String, MetricSummary> metrics, Long parameters, int failed) {
    }

    /**
     * What a candidate cost on the machines that trained it: seconds of training over all its runs, and the forward
     * pass per row of its last rung's runs (their mean). Measurements, so not part of the leaderboard's bytes.
     */
    record Timing(int candidate, double trainingSeconds, Double predictMicrosPerRow) {
    }

    record Result(List<Rung> rungs, List<Entry> leaderboard, List<Timing> timings) {
    }

    static Result of(SearchRepository.Plan plan, List<ModelRepository.Run> runs, List<Score> scores, Score metric,
            Score tieBreak, boolean validation) {
        HalvingSchedule schedule = plan.schedule();
        List<List<ModelRepository.Run>> byRung = new ArrayList<>();
        for (int r = 0; r < schedule.rungs(); r++) {
            byRung.add(new ArrayList<>());
        }
        for (ModelRepository.Run run : runs) {
            if (run.rung() != null && run.rung() < byRung.size()) {
                byRung.get(run.rung()).add(run);
            }
        }
        List<Rung> rungs = new ArrayList<>();
        for (int r = 0; r < schedule.rungs(); r++) {
            List<ModelRepository.Run> mine = byRung.get(r);
            int[] counts = new int[JobStatus.values().length];
            mine.forEach(run -> counts[run.status().ordinal()]++);
            boolean done = !mine.isEmpty() && counts[JobStatus.QUEUED.ordinal()] + counts[JobStatus.RUNNING.ordinal()] == 0;
            List<Ranked> ranked = done ? rank(mine, metric, tieBreak, validation) : List.of();
            int candidates = (int) mine.stream().mapToInt(ModelRepository.Run::configuration).distinct().count();
            rungs.add(new Rung(r, schedule.resources().get(r), mine.isEmpty() ? schedule.candidates().get(r) : candidates,
                    mine.size(), counts[JobStatus.QUEUED.ordinal()], counts[JobStatus.RUNNING.ordinal()],
                    counts[JobStatus.SUCCEEDED.ordinal()], counts[JobStatus.FAILED.ordinal()],
                    counts[JobStatus.CANCELLED.ordinal()], ranked.isEmpty() ? null : ranked.get(0).candidate()));
        }
        Map<Integer, List<ModelRepository.Run>> byCandidate = new TreeMap<>();
        for (ModelRepository.Run run : runs) {
            byCandidate.computeIfAbsent(run.configuration(), k -> new ArrayList<>()).add(run);
        }
        List<Entry> entries = new ArrayList<>();
        List<Timing> timings = new ArrayList<>();
        for (Map.Entry<Integer, List<ModelRepository.Run>> e : byCandidate.entrySet()) {
            int candidate = e.getKey();
            List<ModelRepository.Run> mine = e.getValue();
            int last = mine.stream().mapToInt(ModelRepository.Run::rung).max().orElse(0);
            List<ModelRepository.Run> lastRuns = mine.stream().filter(run -> run.rung() == last).toList();
            MetricSummary m = summary(lastRuns, metric, validation);
            Map<String, MetricSummary> all = new LinkedHashMap<>();
            if (m != null) {
                for (Score score : scores) {
                    MetricSummary s = summary(lastRuns, score, validation);
                    if (s != null) {
                        all.put(score.id(), s);
                    }
                }
            }
            int failed = (int) mine.stream().filter(run -> run.status() == JobStatus.FAILED).count();
            entries.add(new Entry(candidate, plan.candidates().get(candidate), last, schedule.resources().get(last), m,
                    all, lastRuns.stream().map(ModelRepository.Run::parameters).filter(java.util.Objects::nonNull)
                    .findFirst().orElse(null), failed));
            double seconds = mine.stream().map(ModelRepository.Run::trainingSeconds).filter(java.util.Objects::nonNull)
                    .mapToDouble(Double::doubleValue).sum();
            List<Double> predict = lastRuns.stream().map(ModelRepository.Run::predictMicrosPerRow)
                    .filter(java.util.Objects::nonNull).toList();
            timings.add(new Timing(candidate, seconds, predict.isEmpty() ? null
                    : predict.stream().mapToDouble(Double::doubleValue).sum() / predict.size()));
        }
        Comparator<Entry> order = Comparator.comparingInt((Entry en) -> -(en.metric() == null ? -1 : en.rung()))
                .thenComparingDouble(en -> en.metric() == null ? 0
                        : metric.higherIsBetter() ? -en.metric().mean() : en.metric().mean());
        if (tieBreak != null) {
            order = order.thenComparingDouble(en -> {
                MetricSummary t = en.metrics().get(tieBreak.id());
                return t == null ? Double.POSITIVE_INFINITY : tieBreak.higherIsBetter() ? -t.mean() : t.mean();
            });
        }
        entries.sort(order.thenComparingInt(Entry::candidate));
        return new Result(rungs, entries, timings);
    }
}
