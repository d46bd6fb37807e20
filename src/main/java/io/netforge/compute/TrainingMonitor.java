package io.netforge.compute;

/**
 * Watches a training run from inside its loop; called on the training thread after each iteration,
 * so implementations must be cheap (a few volatile writes) and must not block.
 */
@FunctionalInterface
public interface TrainingMonitor {

    /** A monitor that never stops a run. */
    TrainingMonitor NONE = (iteration, loss) -> true;

    /**
     * @param iteration the 1-based number of the iteration just done
     * @param loss      the loss of the epoch (see {@link TrainingResult#losses()})
     * @return {@code false} to stop the run: the trainer then throws {@link TrainingCancelledException}
     */
    boolean onIteration(int iteration, double loss);

    /**
     * Called after every mini-batch step (often: keep it to a volatile read), so that a long epoch can be stopped
     * within it; returning {@code false} stops the run as {@link #onIteration} does.
     */
    default boolean keepGoing() {
        return true;
    }

    /** With early stopping: the validation loss after epoch {@code iteration}, just before {@link #onIteration}. */
    default void onValidation(int iteration, double validationLoss) {
    }
}
