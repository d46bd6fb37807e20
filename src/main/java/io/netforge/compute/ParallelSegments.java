package io.netforge.compute;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the segments of one pass on the calling thread and, when the work is large enough, on helpers from one
 * JVM-wide pool of (cores - 1) daemon threads shared by every training. Threads claim segments one at a time
 * from a counter, so a helper that starts late (the pool is busy with another training, or the machine is
 * loaded) only means the caller does more of the work. A helper stays with a kernel while its passes follow
 * each other closely, and returns to the pool when they stop. Which thread computes a segment never changes a bit of
 * the result: each segment writes only its own partial sums, in its own order (see {@link RowBlocks}).
 */
final class ParallelSegments {

    /** Helper threads in the shared pool; with the caller, one thread per core. */
    static final int HELPERS = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);

    private static final ExecutorService POOL = HELPERS == 0 ? null : newPool();

    /** The work of one segment; {@code worker} (0 .. workers()-1) picks scratch no other thread uses meanwhile. */
    @FunctionalInterface
    interface SegmentWork {
        void run(int segment, int worker);
    }

    /**
     * How long a helper waits for this kernel's next pass before it goes back to the pool. Between two passes
     * the caller adds up partial sums, applies an activation or the objective, or steps (tens to a few hundred
     * microseconds); waking a parked pool thread costs tens, and the caller does the pass alone meanwhile. At 100 us
     * a full-batch pass of 100000 x 100, [256, 256], sigmoid, found its helper gone at one product in five and the
     * helper did 31% of the segments; at 1 ms, one in fifty and 43%. The helper yields while it waits, so any other
     * runnable thread gets its core.
     */
    private static final long LINGER_NANOS = 1_000_000;

    private final int helpers;
    private final AtomicInteger attached = new AtomicInteger();
    private volatile Round current;

    /**
     * @param helpers how many pool threads may join each pass (0 keeps it on the caller); at most {@link #HELPERS}
     */
    ParallelSegments(int helpers) {
        this.helpers = Math.max(0, Math.min(helpers, HELPERS));
    }

    /** Number of distinct worker indices {@link SegmentWork#run} may see. */
    int workers() {
        return helpers + 1;
    }

    /** Runs {@code work} for segments 0 .. count-1 and returns when all are done; rethrows a helper's failure. */
    void run(int count, SegmentWork work) {
        Round round = new Round(count, work);
        current = round;
        int joining = Math.min(helpers, count - 1);
        while (attached.get() < joining) {
            attached.incrementAndGet();
            POOL.execute(this::help);
        }
        round.work(0);
        round.awaitAll();
    }

    /** A pool thread's stint with this kernel: every pass it sees, until none comes for LINGER_NANOS. */
    private void help() {
        try {
            Round seen = null;
            while (true) {
                Round round = current;
                if (round != seen) {
                    round.help();
                    seen = round;
                    continue;
                }
                // yield rather than spin: on a loaded machine this thread may share a core with the caller
                long deadline = System.nanoTime() + LINGER_NANOS;
                while (current == seen && System.nanoTime() < deadline) {
                    Thread.yield();
                }
                if (current == seen) {
                    return;
                }
            }
        } finally {
            attached.decrementAndGet();
        }
    }

    /** One pass: its own counters, so a helper that arrives after the pass has ended finds nothing to do. */
    private static final class Round {
        private final int count;
        private final SegmentWork work;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicInteger workerIds = new AtomicInteger(1);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Round(int count, SegmentWork work) {
            this.count = count;
            this.work = work;
        }

        void help() {
            if (next.get() < count) {
                work(workerIds.getAndIncrement());
            }
        }

        void work(int worker) {
            for (int segment = next.getAndIncrement(); segment < count; segment = next.getAndIncrement()) {
                try {
                    work.run(segment, worker);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.incrementAndGet();
                }
            }
        }

        void awaitAll() {
            // A helper is at most one segment (microseconds) from done, unless the OS took its core: spin very
            // briefly, then yield (the helper may be waiting for this very core), then sleep.
            long start = System.nanoTime();
            for (int spins = 0; done.get() < count; spins++) {
                if (spins < 100) {
                    Thread.onSpinWait();
                } else if (System.nanoTime() - start < 1_000_000) {
                    Thread.yield();
                } else {
                    LockSupport.parkNanos(50_000);
                }
            }
            Throwable t = failure.get();
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException(t);
            }
        }
    }

    private static ExecutorService newPool() {
        AtomicInteger ids = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(HELPERS, HELPERS, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "netforge-compute-" + ids.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
