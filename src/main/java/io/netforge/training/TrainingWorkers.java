package io.netforge.training;

import java.lang.management.ManagementFactory;
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
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.netforge.compute.Trainer;
import io.netforge.model.ModelDeletedEvent;

/**
 * This instance's training workers: a bounded pool of threads ({@code netforge.training.workers}) that
 * take jobs from the {@link JobQueue} in order, plus one heartbeat thread that renews their leases,
 * publishes progress and relays cancellation.
 *
 * <p>On shutdown the running jobs are stopped and handed back to the queue, so that the next instance
 * (or this one, restarted) runs them again at once; after a crash they are taken over when their lease
 * expires.
 */
@Component
class TrainingWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TrainingWorkers.class);

    /**
     * Training threads (and the compute helpers they start, which inherit it) run at the lowest priority, so
     * that request threads get a core at once when they need one. The JVM passes Java priorities on to Linux
     * only with {@code -XX:ThreadPriorityPolicy=1}; {@code -XX:JavaPriority1_To_OSPriority=19} makes this one
     * nice 19. Without those flags priorities are ignored and nothing changes.
     */
    static final int TRAINING_PRIORITY = Thread.MIN_PRIORITY;

    private final JobQueue queue;
    private final TrainingRunner runner;
    private final TrainingProperties properties;
    private final String owner;
    private final Map<UUID, RunningJob> running = new ConcurrentHashMap<>();
    private final Semaphore wakeUp = new Semaphore(0);
    private final CountDownLatch warmedUp = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    private ScheduledExecutorService heartbeat;
    private volatile boolean active;

    TrainingWorkers(JobQueue queue, TrainingRunner runner, TrainingProperties properties) {
        this.queue = queue;
        this.runner = runner;
        this.properties = properties;
        // Unique per process: host name and pid from the runtime, plus a random part for restarts that reuse a pid.
        this.owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Identifies this instance as a job owner. */
    String owner() {
        return owner;
    }

    /** A job is being queued in the current transaction: look for it as soon as it commits. */
    void wakeUpAfterCommit() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    wakeUp.release(properties.workers());
                }
            });
        } else {
            wakeUp.release(properties.workers());
        }
    }

    /** Stops a job if this instance runs it; true when it did. */
    boolean stopLocally(UUID id, JobQueue.StopReason reason) {
        RunningJob job = running.get(id);
        if (job == null) {
            return false;
        }
        job.stop(reason);
        return true;
    }

    @EventListener
    void onDeleted(ModelDeletedEvent event) {
        stopLocally(event.id(), JobQueue.StopReason.DELETED);
    }

    @Override
    public synchronized void start() {
        if (active) {
            return;
        }
        active = true;
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "netforge-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long period = properties.heartbeat().toMillis();
        heartbeat.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
        if (properties.workers() > 0 && properties.warmUp()) {
            Thread warmUp = new Thread(this::warmUp, "netforge-warm-up");
            warmUp.setDaemon(true);
            warmUp.setPriority(TRAINING_PRIORITY);
            warmUp.start();
        } else {
            warmedUp.countDown();
        }
        // Started (and so the service ready: readiness is UP once every lifecycle has started; the port is open and
        // answers meanwhile) only once the kernels are compiled, so that the first job a client or load balancer
        // sends when the service is ready trains as fast as a warm one; bounded, as the workers' own wait.
        try {
            if (!warmedUp.await(1, TimeUnit.MINUTES)) {
                log.warn("The training kernels' warm-up takes over a minute; starting without waiting for it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int i = 1; i <= properties.workers(); i++) {
            Thread thread = new Thread(this::work, "netforge-trainer-" + i);
            thread.setPriority(TRAINING_PRIORITY);
            thread.start();
            threads.add(thread);
        }
        log.info("Started {} training worker(s) as {}", properties.workers(), owner);
    }

    @Override
    public synchronized void stop() {
        if (!active) {
            return;
        }
        active = false;
        running.values().forEach(job -> job.stop(JobQueue.StopReason.SHUTDOWN));
        wakeUp.release(threads.size());
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

    /**
     * Compiles the kernels before the workers take their first job, so it trains at full speed; the service reports
     * ready after it.
     */
    private void warmUp() {
        long start = System.nanoTime();
        try {
            Trainer.warmUp();
            log.info("Training kernels warmed up in {} ms", (System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException | LinkageError e) {
            log.warn("Warming up the training kernels failed; the first job will train slower: {}", e.toString());
        } finally {
            warmedUp.countDown();
        }
    }

    private void work() {
        try {
            // Bounded: a stuck warm-up must not keep jobs waiting.
            warmedUp.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        while (active) {
            try {
                Optional<JobQueue.ClaimedJob> claimed = queue.claimNext(owner);
                if (claimed.isEmpty()) {
                    wakeUp.tryAcquire(properties.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    continue;
                }
                JobQueue.ClaimedJob job = claimed.get();
                RunningJob handle = new RunningJob(job.id());
                running.put(job.id(), handle);
                try {
                    if (!active) {
                        handle.stop(JobQueue.StopReason.SHUTDOWN);
                    }
                    runner.run(job, handle, owner);
                } finally {
                    running.remove(job.id());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // The database is unreachable or similar: keep the worker alive and try again later.
                log.warn("Training worker could not take a job: {}", e.toString());
                sleepQuietly(properties.pollInterval().toMillis());
            }
        }
    }

    private void beat() {
        for (RunningJob job : running.values()) {
            try {
                queue.heartbeat(job.id(), owner, job.iteration(), job.loss(), job.validationLoss()).ifPresent(job::stop);
            } catch (RuntimeException e) {
                // Keep training through a short database outage; the lease covers it.
                log.warn("Heartbeat for model {} failed: {}", job.id(), e.toString());
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
