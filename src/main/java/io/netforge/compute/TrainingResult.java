package io.netforge.compute;

/**
 * The outcome of a completed training run. Owns its network: close the result (or the network) when done.
 *
 * @param network    the trained network
 * @param losses     losses[t-1] is the loss of iteration t: the mean log-loss of the parameters that
 *                   iteration started from
 * @param iterations number of iterations done
 * @param seconds    wall time of the training: laying out the data for the chosen kernel, the loop and writing
 *                   the parameters back (not validation or the network's initialisation)
 * @param trainer    which implementation of the forward and backward passes ran, for provenance
 */
public record TrainingResult(Network network, double[] losses, int iterations, double seconds, String trainer)
        implements AutoCloseable {

    @Override
    public void close() {
        network.close();
    }
}
