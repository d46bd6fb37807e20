package io.netforge.compute;

/**
 * The outcome of a completed training run. Owns its network: close the result (or the network) when done.
 *
 * @param network      the trained network (with early stopping, the parameters of the best epoch)
 * @param losses       losses[t-1] is the loss of epoch t: for full batch the loss of the parameters that iteration
 *                     started from, for mini-batches the mean of the epoch's batch losses, each taken before its
 *                     step; with L2 the penalty is included
 * @param iterations   number of epochs done (fewer than asked when early stopping ended the run)
 * @param seconds      wall time of the training: laying out the data for the chosen kernel, the loop and writing
 *                     the parameters back (not validation or the network's initialisation)
 * @param trainer      which implementation of the forward and backward passes ran, for provenance
 * @param validation   early stopping's validation rows and losses; null without early stopping
 * @param stoppedBy    why the run ended
 * @param classWeights the weight each class (index = class code) had in the loss; null when all weighed 1
 */
public record TrainingResult(Network network, double[] losses, int iterations, double seconds, String trainer,
        Validation validation, StoppedBy stoppedBy, double[] classWeights) implements AutoCloseable {

    /** Why a run ended. */
    public enum StoppedBy {
        /** It ran the epochs it was given. */
        MAX_ITERATIONS("maxIterations"),
        /** Early stopping: the validation loss stopped improving. */
        EARLY_STOPPING("earlyStopping");

        private final String id;

        StoppedBy(String id) {
            this.id = id;
        }

        /** The name the API uses. */
        public String id() {
            return id;
        }
    }

    /**
     * @param rows          indices (into the training rows given to the trainer) of the held-out rows, ascending
     * @param losses        losses[t-1]: the validation loss after epoch t
     * @param bestIteration the epoch whose parameters the network holds
     */
    public record Validation(int[] rows, double[] losses, int bestIteration) {
    }

    @Override
    public void close() {
        network.close();
    }
}
