package io.netforge.job;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The job queue as metrics, by kind of job: {@code netforge_jobs{kind,status}} (gauges, from the database, so every
 * instance reports the whole queue), {@code netforge_job_queue_wait_seconds{kind}} (queued to claimed),
 * {@code netforge_job_seconds{kind}} (claimed to stored, for jobs that succeeded) and
 * {@code netforge_job_failures_total{kind,reason}}.
 */
@Component
class JobMetrics {

    /** The job counts are read at most this often, however often the registry is scraped. */
    static final Duration COUNTS_MAX_AGE = Duration.ofSeconds(5);

    private final MeterRegistry registry;
    private final Jobs jobs;
    private final Clock clock;
    private volatile Map<String, Map<JobStatus, Long>> counts;
    private volatile long countedAt = Long.MIN_VALUE;

    JobMetrics(MeterRegistry registry, Jobs jobs, Clock clock) {
        this.registry = registry;
        this.jobs = jobs;
        this.clock = clock;
    }

    /** Reports the counts of these kinds of job. */
    void register(java.util.Collection<String> kinds) {
        for (String kind : kinds) {
            for (JobStatus status : JobStatus.values()) {
                Gauge.builder("netforge.jobs", () -> count(kind, status)).description("Jobs by kind and status")
                        .tag("kind", kind).tag("status", status.name()).register(registry);
            }
        }
    }

    private double count(String kind, JobStatus status) {
        long now = clock.millis();
        if (counts == null || now - countedAt > COUNTS_MAX_AGE.toMillis()) {
            try {
                counts = jobs.countByKindAndStatus();
                countedAt = now;
            } catch (RuntimeException e) {
                // the database is away: report nothing rather than stale counts
                return Double.NaN;
            }
        }
        return counts.getOrDefault(kind, Map.of()).getOrDefault(status, 0L);
    }

    void claimed(Job job) {
        Timer.builder("netforge.job.queue.wait").description("Time from queued to claimed by a worker")
                .tag("kind", job.kind()).publishPercentileHistogram().register(registry)
                .record(Duration.between(job.createdAt(), clock.instant()).abs());
    }

    void succeeded(Job job) {
        Counter.builder("netforge.job.successes").description("Jobs that SUCCEEDED, by kind").tag("kind", job.kind())
                .register(registry).increment();
    }

    /** @param reason the kind's reason, or {@code out_of_memory} or {@code internal} */
    void failed(Job job, String reason) {
        Counter.builder("netforge.job.failures").description("Jobs that FAILED, by kind and reason")
                .tag("kind", job.kind()).tag("reason", reason).register(registry).increment();
    }
}
