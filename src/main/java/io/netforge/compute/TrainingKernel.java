package io.netforge.compute;

/**
 * One training run's forward and backward passes, with every working buffer allocated once, and its
 * {@link UpdateRule}. {@link Trainer} drives any implementation the same way:
 * <pre>
 *   each step:  J = lossAndGradients()  (full batch)  or  lossAndGradients(order, from, to)  (a mini-batch);
 *               J += addL2(l2) when asked;  check J;  step()
 *   each epoch: validationLoss(), and keepBest() when it is the best so far   (early stopping)
 *   end:        restoreBest() (early stopping), writeParameters()  (the network then holds the parameters)
 * </pre>
 * Implementations must compute the gradient of {@link Backprop} (the network's activations and objective) and be
 * deterministic: the same network and data give the same bits whatever the thread count or the load.
 */
interface TrainingKernel extends AutoCloseable {

    /** The name recorded in {@link TrainingResult#trainer()}. */
    String name();

    /**
     * Loss J of the current parameters over all the training rows (the mean of the objective's loss, weighted when
     * the rows have weights, as {@link Backprop}). When J is finite the mean gradients are computed too and kept
     * for {@link #step}; when it is not, they are not. Only for a kernel made for full-batch training.
     */
    double lossAndGradients();

    /**
     * The same over the training rows {@code order[from..to)}, a mini-batch of the kernel's batch size (or, the last
     * of an epoch, smaller). Only for a kernel made for mini-batches.
     */
    double lossAndGradients(int[] order, int from, int to);

    /**
     * Adds the gradient of the penalty (l2 / 2) sum W², l2 W, to the weights' gradients of the last
     * {@link #lossAndGradients} (not the biases'), and returns the penalty.
     */
    double addL2(double l2);

    /** The loss of the current parameters on the validation rows: forward passes only. */
    double validationLoss();

    /** Keeps a copy of the current parameters. */
    void keepBest();

    /** Puts the parameters of the last {@link #keepBest()} back. */
    void restoreBest();

    /** One step of the update rule for every weight and bias, from the gradients of the last {@link #lossAndGradients}. */
    void step();

    /** Copies of the mean gradients of the last {@link #lossAndGradients}, as ND4J arrays (for tests). */
    Gradients gradients(double loss);

    /** Makes the network hold the kernel's current parameters (a no-op for kernels working on it in place). */
    void writeParameters();

    /** Frees the working buffers; never the network or the caller's data. */
    @Override
    void close();
}
