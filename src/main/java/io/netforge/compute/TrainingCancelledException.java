package io.netforge.compute;

/** A {@link TrainingMonitor} asked the run to stop. */
public class TrainingCancelledException extends RuntimeException {

    private final int iteration;

    public TrainingCancelledException(int iteration) {
        super("training was cancelled after iteration " + iteration);
        this.iteration = iteration;
    }

    public int iteration() {
        return iteration;
    }
}
