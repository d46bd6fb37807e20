package io.netforge.search;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.netforge.job.JobStatus;
import io.netforge.job.Jobs;
import io.netforge.tabular.Task;

/**
 * A search as the API shows it.
 *
 * @param status       its coordinating job's: QUEUED, RUNNING while rungs train, SUCCEEDED once the best candidate's
 *                     refit is queued (as {@code model}), FAILED (every candidate of the first rung failed) or
 *                     CANCELLED
 * @param evaluation   {@code validation} (ranked on early stopping's validation rows) or {@code folds}
 * @param schedule     the rungs: epochs and candidates of each, as scikit-learn's {@code n_resources_} and
 *                     {@code n_candidates_}
 * @param rungs        each rung's progress and, once it has finished, its best candidate
 * @param best         the leaderboard's first line once it has a value of the metric
 * @param model        the refitted best candidate, an ordinary model of the search's name; null until queued
 * @param endedBy      {@code completed}, {@code deadline} (the wall-clock limit stopped it) or {@code failures} (a
 *                     rung's every candidate failed, the previous rung's best was refitted); null while it runs
 * @param reproducible false when a wall-clock limit was given: where it stops depends on the machine
 * @param leaderboard  the candidates, best first: the furthest rung reached, then the metric there (a function of
 *                     the request: the same bytes each time)
 * @param timings      per candidate, seconds of training and microseconds of prediction per row (measurements)
 */
record SearchView(UUID id, String name, JobStatus status, Task task, String metric, String evaluation, Integer folds,
        long seed, Schedule schedule, List<SearchLeaderboard.Rung> rungs, SearchLeaderboard.Entry best, UUID model,
        String endedBy, boolean reproducible, Long wallClockSeconds, int attempts, String error, Instant createdAt,
        Instant startedAt, Instant finishedAt, List<SearchLeaderboard.Entry> leaderboard,
        List<SearchLeaderboard.Timing> timings) {

    /** The rung schedule and the settings it came from. */
    record Schedule(double factor, long minResources, long maxResources, boolean aggressiveElimination,
            List<Long> resources, List<Integer> candidates, long runs, long epochs) {
    }

    static SearchView of(SearchRepository.Stored s, Jobs.State job, SearchLeaderboard.Result result, boolean validation) {
        HalvingSchedule h = s.plan().schedule();
        SearchRequest r = s.request();
        int perRun = r.folds() == null ? 1 : r.folds();
        Schedule schedule = new Schedule(h.factor(), h.minResources(), h.maxResources(),
                Boolean.TRUE.equals(r.aggressiveElimination()), h.resources(), h.candidates(), h.runs() * perRun,
                h.epochs() * perRun);
        List<SearchLeaderboard.Entry> leaderboard = result.leaderboard();
        SearchLeaderboard.Entry best = leaderboard.isEmpty() || leaderboard.get(0).metric() == null ? null
                : leaderboard.get(0);
        return new SearchView(s.id(), s.name(), job.status(), s.task(), s.metric(),
                validation ? "validation" : "folds", r.folds(), r.seed(), schedule, result.rungs(), best, s.modelId(),
                s.endedBy(), r.wallClockSeconds() == null, r.wallClockSeconds(), job.attempts(), job.error(),
                s.createdAt(), job.startedAt(), job.finishedAt(), leaderboard, result.timings());
    }
}
