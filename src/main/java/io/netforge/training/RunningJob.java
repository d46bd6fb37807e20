package io.netforge.training;

import java.util.UUID;

import io.netforge.compute.TrainingMonitor;

/**
 * A job this instance is training: the bridge between the training thread, which reports progress
 * every epoch (and looks for a stop between mini-batches), and the heartbeat and request threads, which may ask it
 * to stop.
 */
final class RunningJob implements TrainingMonitor {

    private final UUID id;
    private volatile int iteration;
    private volatile double loss = Double.NaN;
    private volatile double validationLoss = Double.NaN;
    private volatile JobQueue.StopReason stopReason;

    RunningJob(UUID id) {
        this.id = id;
    }

    UUID id() {
        return id;
    }

    @Override
    public boolean onIteration(int iteration, double loss) {
        this.iteration = iteration;
        this.loss = loss;
        return stopReason == null;
    }

    @Override
    public boolean keepGoing() {
        return stopReason == null;
    }

    @Override
    public void onValidation(int iteration, double validationLoss) {
        this.validationLoss = validationLoss;
    }

    int iteration() {
        return iteration;
    }

    /** The last reported validation loss (early stopping), or null. */
    Double validationLoss() {
        double value = validationLoss;
        return Double.isNaN(value) ? null : value;
    }

    /** The last reported loss, or null before the first iteration. */
    Double loss() {
        double value = loss;
        return Double.isNaN(value) ? null : value;
    }

    /** Asks the run to stop at its next iteration; the first reason given wins. */
    void stop(JobQueue.StopReason reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
    }

    JobQueue.StopReason stopReason() {
        return stopReason;
    }
}
