package io.netforge.compute;

/**
 * The outcome of a completed training run.
 *
 * @param network    the trained network, owned by the caller (close it when done)
 * @param losses     losses[t-1] is the loss of iteration t: the mean log-loss of the parameters that
 *                   iteration started from
 * @param iterations number of iterations done
 * @param seconds    wall time of the training loop only (no validation, allocation or initialisation)
 */
public record TrainingResult(Network network, double[] losses, int iterations, double seconds) {
}
