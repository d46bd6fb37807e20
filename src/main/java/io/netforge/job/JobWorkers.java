package io.netforge.job;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.netforge.system.DatabaseErrors;
import io.netforge.system.OutOfMemory;

/**
 * This instance's workers: for each {@link JobKind}, its {@link JobKind#workers()} threads that take its jobs from
 * {@link Jobs} in order and run them, plus one heartbeat thread that renews the leases of every running job,
 * publishes progress and relays cancellation and deletion. Records how each job ended; the only place that does.
 *
 * <p>On shutdown the running jobs are stopped and handed back to the queue, so that the next instance (or this one,
 * restarted) runs them again at once; after a crash they are taken over when their lease expires.
 */
@Component
public class JobWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobWorkers.class);

    /**
     * Worker threads (and the compute helpers they start, which inherit it) run at the lowest priority, so that
     * request threads get a core at once when they need one. The JVM passes Java priorities on to Linux only with
     * {@code -XX:ThreadPriorityPolicy=1}; {@code -XX:JavaPriority1_To_OSPriority=19} makes this one nice 19. Without
     * those flags priorities are ignored and nothing changes.
     */
    static final int WORKER_PRIORITY = Thread.MIN_PRIORITY;

    /** How long a job's final write is retried while the database is away, before the job is left to run again. */
    static final Duration FINAL_WRITE_RETRY = Duration.ofMinutes(2);

    private final Jobs jobs;
    private final ObjectProvider<JobKind> kindBeans;
    private final Map<String, JobKind> kinds = new java.util.LinkedHashMap<>();
    private final JobProperties properties;
    private final JobMetrics metrics;
    private final String owner;
    private final Map<UUID, JobRun> running = new ConcurrentHashMap<>();
    private final Map<String, Semaphore> wakeUps = new ConcurrentHashMap<>();
    private final CountDownLatch warmedUp = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    private ScheduledExecutorService heartbeat;
    private volatile boolean active;

    /** @param kinds every kind of job, looked up at start (a kind may itself use this engine) */
    JobWorkers(Jobs jobs, ObjectProvider<JobKind> kinds, JobProperties properties, JobMetrics metrics) {
        this.jobs = jobs;
        this.kindBeans = kinds;
        this.properties = properties;
        this.metrics = metrics;
        // Unique per process: host name and pid from the runtime, plus a random part for restarts that reuse a pid.
        this.owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Identifies this instance as a job owner. */
    public String owner() {
        return owner;
    }

    /** A job of {@code kind} is being queued in the current transaction: look for it as soon as it commits. */
    public void wakeUpAfterCommit(String kind) {
        Semaphore wakeUp = wakeUps.computeIfAbsent(kind, k -> new Semaphore(0));
        Runnable release = () -> wakeUp.release(threads.size() + 1);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    release.run();
                }
            });
        } else {
            release.run();
        }
    }

    /**
     * Cancels a queued job at once, or asks a running one to stop (at once here, within a heartbeat elsewhere) and
     * waits briefly until it has.
     */
    public Jobs.CancelOutcome cancel(UUID id) {
        Jobs.CancelOutcome outcome = jobs.cancel(id);
        if (outcome == Jobs.CancelOutcome.REQUESTED) {
            stopLocally(id, StopReason.CANCELLED);
            awaitTerminal(id);
        }
        return outcome;
    }

    /** Cancels every unfinished job of {@code ids}: queued ones at once, running ones within a heartbeat. */
    public void cancelAll(List<UUID> ids) {
        for (UUID id : jobs.cancelAll(ids)) {
            stopLocally(id, StopReason.CANCELLED);
        }
    }

    /**
     * Deletes jobs in any state, with their kinds' rows and the jobs that work for them; those running here stop at
     * once, elsewhere within a heartbeat.
     *
     * @return the jobs deleted
     */
    public List<UUID> delete(List<UUID> ids) {
        List<UUID> deleted = jobs.delete(ids);
        deleted.forEach(id -> stopLocally(id, StopReason.DELETED));
        return deleted;
    }

    /** Stops a job if this instance runs it; true when it did. */
    boolean stopLocally(UUID id, StopReason reason) {
        JobRun run = running.get(id);
        if (run == null) {
            return false;
        }
        run.stop(reason);
        return true;
    }

    /** Waits up to two seconds for a running job to acknowledge its cancellation. */
    private void awaitTerminal(UUID id) {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < deadline) {
            Optional<Jobs.State> state = jobs.find(id);
            if (state.isEmpty() || state.get().status().isTerminal()) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public synchronized void start() {
        if (active) {
            return;
        }
        active = true;
        kindBeans.orderedStream().forEach(kind -> {
            if (kinds.put(kind.id(), kind) != null) {
                throw new IllegalStateException("two kinds of job are named " + kind.id());
            }
            wakeUps.computeIfAbsent(kind.id(), k -> new Semaphore(0));
        });
        metrics.register(kinds.keySet());
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "netforge-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long period = properties.heartbeat().toMillis();
        heartbeat.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
        if (properties.warmUp() && kinds.values().stream().anyMatch(k -> k.workers() > 0)) {
            Thread warmUp = new Thread(this::warmUp, "netforge-warm-up");
            warmUp.setDaemon(true);
            warmUp.setPriority(WORKER_PRIORITY);
            warmUp.start();
        } else {
            warmedUp.countDown();
        }
        // Started (and so the service ready: readiness is UP once every lifecycle has started; the port is open and
        // answers meanwhile) only once the kinds are warmed up, so that the first job a client or load balancer sends
        // when the service is ready runs as fast as a warm one; bounded, as the workers' own wait.
        try {
            if (!warmedUp.await(1, TimeUnit.MINUTES)) {
                log.warn("The warm-up takes over a minute; starting without waiting for it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (JobKind kind : kinds.values()) {
            for (int i = 1; i <= kind.workers(); i++) {
                Thread thread = new Thread(() -> work(kind), "netforge-" + kind.id() + "-" + i);
                thread.setPriority(WORKER_PRIORITY);
                thread.start();
                threads.add(thread);
            }
        }
        log.info("Started job workers as {}: {}", owner, kinds.values().stream()
                .map(k -> k.id() + " x" + k.workers()).toList());
    }

    @Override
    public synchronized void stop() {
        if (!active) {
            return;
        }
        active = false;
        running.values().forEach(run -> run.stop(StopReason.SHUTDOWN));
        wakeUps.values().forEach(s -> s.release(threads.size()));
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        threads.clear();
        heartbeat.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return active;
    }

    /** Warms every kind up before the workers take their first job; the service reports ready after it. */
    private void warmUp() {
        try {
            for (JobKind kind : kinds.values()) {
                if (kind.workers() == 0) {
                    continue;
                }
                long start = System.nanoTime();
                try {
                    kind.warmUp();
                    log.info("Jobs of kind {} warmed up in {} ms", kind.id(), (System.nanoTime() - start) / 1_000_000);
                } catch (RuntimeException | LinkageError e) {
                    log.warn("Warming up jobs of kind {} failed; the first will run slower: {}", kind.id(), e.toString());
                }
            }
        } finally {
            warmedUp.countDown();
        }
    }

    private void work(JobKind kind) {
        try {
            // Bounded: a stuck warm-up must not keep jobs waiting.
            warmedUp.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        List<String> mine = List.of(kind.id());
        while (active) {
            try {
                Optional<Job> claimed = jobs.claimNext(owner, mine);
                if (claimed.isEmpty()) {
                    wakeUps.get(kind.id()).tryAcquire(properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    continue;
                }
                Job job = claimed.get();
                JobRun run = new JobRun(job);
                running.put(job.id(), run);
                try {
                    if (!active) {
                        run.stop(StopReason.SHUTDOWN);
                    }
                    run(kind, run);
                } finally {
                    running.remove(job.id());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The database is unreachable or similar: keep the worker alive and try again later.
                log.warn("Worker of {} jobs could not take a job: {}", kind.id(), e.toString());
                sleepQuietly(properties.pollInterval().toMillis());
            }
        }
    }

    /** Runs one claimed job from start to finish, and records how it ended if the job is still ours. */
    void run(JobKind kind, JobRun run) {
        Job job = run.job();
        metrics.claimed(job);
        try {
            if (!run.keepGoing()) {
                throw new JobStoppedException();
            }
            Outcome outcome = kind.run(run);
            Optional<StopReason> refused = succeedRetrying(run, outcome);
            if (refused.isEmpty()) {
                metrics.succeeded(job);
            } else {
                // stopped between the last heartbeat and the final write
                stopped(run, refused.get());
            }
        } catch (JobStoppedException e) {
            // stopped as asked; or, asked by nobody, because what the job works on is gone
            stopped(run, run.stopReason() != null ? run.stopReason()
                    : jobs.exists(job.id()) ? StopReason.CANCELLED : StopReason.DELETED);
        } catch (JobFailedException e) {
            jobs.fail(job.id(), owner, e.getMessage(), run.step(), run.measures());
            metrics.failed(job, e.reason());
        } catch (OutOfMemoryError e) {
            // the instance exits; the job is taken over when its lease expires, as after a crash
            OutOfMemory.exitIfOutOfMemory(e);
        } catch (RuntimeException e) {
            if (DatabaseErrors.unavailable(e)) {
                // not the job's fault: it stays RUNNING, and is run again (here or elsewhere) once its lease expires
                log.warn("Job {} ({}): the database is unavailable ({}); it runs again once its lease expires",
                        job.id(), job.kind(), e.toString());
                return;
            }
            metrics.failed(job, "internal");
            log.error("Job {} ({}) failed", job.id(), job.kind(), e);
            jobs.fail(job.id(), owner, "the job failed because of an internal error (" + e.getClass().getSimpleName()
                    + "); it has been logged", run.step(), run.measures());
        }
    }

    /**
     * Stores a job's outcome, retrying every second while the database is away (up to {@link #FINAL_WRITE_RETRY}):
     * finished work is not thrown away for an outage. If another instance took the job over meanwhile, the write is
     * refused (LOST) and nothing is stored twice.
     */
    private Optional<StopReason> succeedRetrying(JobRun run, Outcome outcome) {
        long deadline = System.nanoTime() + FINAL_WRITE_RETRY.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                return jobs.succeed(run.id(), owner, run.step(), run.measures(), outcome);
            } catch (RuntimeException e) {
                if (!DatabaseErrors.unavailable(e) || System.nanoTime() > deadline) {
                    throw e;
                }
                if (attempt == 1) {
                    log.warn("Job {}: the database is unavailable for its final write; retrying", run.id());
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** A run that stopped before it could store its outcome: record why, if the job is still ours. */
    private void stopped(JobRun run, StopReason reason) {
        Job job = run.job();
        switch (reason) {
            case SHUTDOWN -> {
                jobs.release(job.id(), owner);
                log.info("Job {} ({}) handed back to the queue at shutdown", job.id(), job.kind());
            }
            case CANCELLED -> {
                jobs.cancelled(job.id(), owner, run.step(), run.measures());
                log.info("Job {} ({}) cancelled at step {}", job.id(), job.kind(), run.step());
            }
            // nothing to write: the job is gone, or another worker owns it now
            case DELETED, LOST -> log.info("Job {} ({}) stopped: {}", job.id(), job.kind(), reason);
        }
    }

    private void beat() {
        for (JobRun run : running.values()) {
            try {
                jobs.heartbeat(run.id(), owner, run.step(), run.measures()).ifPresent(run::stop);
            } catch (RuntimeException e) {
                // Keep working through a short database outage; the lease covers it.
                log.warn("Heartbeat for job {} failed: {}", run.id(), e.toString());
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
