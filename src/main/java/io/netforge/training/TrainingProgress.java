package io.netforge.training;

import java.util.HashMap;
import java.util.Map;

import io.netforge.compute.TrainingMonitor;
import io.netforge.job.JobRun;
import io.netforge.model.ModelRepository;

/**
 * A training job's progress, as the trainer reports it from inside its loop (a few volatile writes per epoch) and as
 * the job engine's heartbeat publishes it (epochs done, the last loss and validation loss); and the trainer's way to
 * learn that the job must stop.
 */
final class TrainingProgress implements TrainingMonitor, JobRun.Progress {

    private final JobRun run;
    private volatile int iteration;
    private volatile double loss = Double.NaN;
    private volatile double validationLoss = Double.NaN;
    /** The first epoch's loss: where a loss curve drawn from progress starts, whenever one starts following it. */
    private volatile double firstLoss = Double.NaN;

    TrainingProgress(JobRun run) {
        this.run = run;
    }

    @Override
    public boolean onIteration(int iteration, double loss) {
        if (iteration == 1) {
            this.firstLoss = loss;
        }
        this.loss = loss;
        this.iteration = iteration;
        return run.keepGoing();
    }

    @Override
    public boolean keepGoing() {
        return run.keepGoing();
    }

    @Override
    public void onValidation(int iteration, double validationLoss) {
        this.validationLoss = validationLoss;
    }

    /** What the finished run ends with, as the job's last progress. */
    void finished(int iterations, double lastLoss, Double lastValidationLoss) {
        this.loss = lastLoss;
        this.validationLoss = lastValidationLoss == null ? Double.NaN : lastValidationLoss;
        this.iteration = iterations;
    }

    @Override
    public long step() {
        return iteration;
    }

    @Override
    public Map<String, Double> measures() {
        Map<String, Double> measures = new HashMap<>(4);
        double l = loss;
        double v = validationLoss;
        double f = firstLoss;
        if (!Double.isNaN(f)) {
            measures.put(ModelRepository.FIRST_LOSS, f);
        }
        if (!Double.isNaN(l)) {
            measures.put(ModelRepository.LOSS, l);
        }
        if (!Double.isNaN(v)) {
            measures.put(ModelRepository.VALIDATION_LOSS, v);
        }
        return measures;
    }
}
