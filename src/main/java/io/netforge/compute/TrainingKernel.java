package io.netforge.compute;

/**
 * One training run's forward and backward passes over a fixed batch, with every working buffer allocated
 * once, and its {@link UpdateRule}. {@link Trainer} drives any implementation the same way:
 * <pre>
 *   loop: J = lossAndGradients();  check J;  step();
 *   end:  writeParameters()  (the network then holds the trained parameters)
 * </pre>
 * Implementations must compute the gradient of {@link Backprop} (the network's activations and objective) and be
 * deterministic: the same network and data give the same bits whatever the thread count or the load.
 */
interface TrainingKernel extends AutoCloseable {

    /** The name recorded in {@link TrainingResult#trainer()}. */
    String name();

    /**
     * Loss J of the current parameters (the mean of the objective's loss over the rows, as {@link Backprop}).
     * When J is finite the mean gradients are computed too and kept for {@link #step}; when it is not, they are not.
     */
    double lossAndGradients();

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
