package io.netforge.job;

import java.util.Map;
import java.util.UUID;

/**
 * A job this instance runs: the bridge between the thread doing the work, which reports progress (cheaply: the
 * heartbeat publishes it) and looks whether to go on, and the heartbeat and request threads, which may ask it to stop.
 */
public final class JobRun {

    /**
     * Where a run's progress is read from when the heartbeat publishes it: for work that reports often (every epoch)
     * a source of its own, cheap to update, read only when published.
     */
    public interface Progress {
        /** Steps done: epochs, rows, candidates. */
        long step();

        /** The kind's measures of them (a loss, ...); absent ones left out. */
        Map<String, Double> measures();
    }

    private record Snapshot(long step, Map<String, Double> measures) implements Progress {
    }

    private final Job job;
    private volatile Progress progress = new Snapshot(0, Map.of());
    private volatile StopReason stopReason;

    JobRun(Job job) {
        this.job = job;
    }

    public Job job() {
        return job;
    }

    public UUID id() {
        return job.id();
    }

    /**
     * Reports progress: steps done (epochs, rows, ...) and the kind's measures of them (a loss, ...); the heartbeat
     * publishes the latest.
     */
    public void progress(long step, Map<String, Double> measures) {
        this.progress = new Snapshot(step, Map.copyOf(measures));
    }

    /** Reads progress from {@code source} from now on, whenever it is published. */
    public void follow(Progress source) {
        this.progress = source;
    }

    public long step() {
        return progress.step();
    }

    public Map<String, Double> measures() {
        return progress.measures();
    }

    /** False once the job was asked to stop; the kind then throws {@link JobStoppedException}. */
    public boolean keepGoing() {
        return stopReason == null;
    }

    /** Why it must stop, or null while it may go on. */
    public StopReason stopReason() {
        return stopReason;
    }

    /** Asks the run to stop; the first reason given wins. */
    void stop(StopReason reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
    }
}
