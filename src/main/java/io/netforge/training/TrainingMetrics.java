package io.netforge.training;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netforge.model.ModelStatus;

/**
 * The training queue as metrics: {@code netforge_jobs{status}} (gauges, from the database, so every instance reports
 * the whole queue), {@code netforge_job_queue_wait_seconds} (queued to claimed), {@code netforge_training_seconds}
 * and {@code netforge_training_iterations_per_second} by kernel path and task, and
 * {@code netforge_job_failures_total{reason}}.
 */
@Component
class TrainingMetrics {

    /** The job counts are read at most this often, however often the registry is scraped. */
    static final Duration COUNTS_MAX_AGE = Duration.ofSeconds(5);

    private final MeterRegistry registry;
    private final JobQueue queue;
    private final Clock clock;
    private final Timer queueWait;
    private volatile Map<ModelStatus, Long> counts;
    private volatile long countedAt = Long.MIN_VALUE;

    TrainingMetrics(MeterRegistry registry, JobQueue queue, Clock clock) {
        this.registry = registry;
        this.queue = queue;
        this.clock = clock;
        for (ModelStatus status : ModelStatus.values()) {
            Gauge.builder("netforge.jobs", () -> count(status)).description("Training jobs by status")
                    .tag("status", status.name()).register(registry);
        }
        this.queueWait = Timer.builder("netforge.job.queue.wait").description("Time from queued to claimed by a worker")
                .publishPercentileHistogram().register(registry);
    }

    private double count(ModelStatus status) {
        long now = clock.millis();
        if (counts == null || now - countedAt > COUNTS_MAX_AGE.toMillis()) {
            try {
                counts = queue.countByStatus();
                countedAt = now;
            } catch (RuntimeException e) {
                // the database is away: report nothing rather than stale counts
                return Double.NaN;
            }
        }
        return counts.get(status);
    }

    void claimed(JobQueue.ClaimedJob job) {
        queueWait.record(Duration.between(job.createdAt(), clock.instant()).abs());
    }

    void trained(String path, String task, int iterations, double seconds) {
        Timer.builder("netforge.training").description("Wall time of training loops that finished")
                .tag("path", path).tag("task", task).register(registry)
                .record(Duration.ofNanos((long) (seconds * 1e9)));
        if (seconds > 0) {
            DistributionSummary.builder("netforge.training.iterations.per.second")
                    .description("Epochs (full-batch iterations) per second of finished trainings")
                    .tag("path", path).tag("task", task).register(registry).record(iterations / seconds);
        }
    }

    /** @param reason {@code non_finite_loss}, {@code data_unavailable}, {@code out_of_memory} or {@code internal} */
    void failed(String reason) {
        Counter.builder("netforge.job.failures").description("Training jobs that FAILED, by reason")
                .tag("reason", reason).register(registry).increment();
    }
}
