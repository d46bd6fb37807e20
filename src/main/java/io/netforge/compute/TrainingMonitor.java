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
     * @param loss      mean log-loss of the parameters that iteration started from (its forward pass)
     * @return {@code false} to stop the run: the trainer then throws {@link TrainingCancelledException}
     */
    boolean onIteration(int iteration, double loss);
}
