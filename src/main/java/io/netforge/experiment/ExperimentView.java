package io.netforge.experiment;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.netforge.job.JobStatus;
import io.netforge.tabular.Task;

/**
 * An experiment as the API shows it.
 *
 * @param status      as a model's: QUEUED until a run starts, RUNNING until every run has finished, then SUCCEEDED
 *                    (some run succeeded), FAILED (none did) or CANCELLED
 * @param progress    its runs by status
 * @param leaderboard the configurations, best first by {@code metric}
 * @param best        the leaderboard's first configuration once it has a value of the metric, else null
 * @param series      {@code metric} against total hidden nodes, one point per configuration
 */
record ExperimentView(UUID id, String name, JobStatus status, Task task, String metric, Integer folds,
        int configurations, List<Long> seeds, Progress progress, boolean cancelRequested, Instant createdAt,
        Instant finishedAt, List<Leaderboard.Entry> leaderboard, Leaderboard.Entry best,
        List<Leaderboard.Point> series) {

    record Progress(int runs, int queued, int running, int succeeded, int failed, int cancelled) {
    }
}
