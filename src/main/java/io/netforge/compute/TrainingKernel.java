package io.netforge.compute;

/**
 * One training run's forward and backward passes over a fixed batch, with every working buffer allocated
 * once. {@link Trainer} drives any implementation the same way:
 * <pre>
 *   loop: J = lossAndGradients();  check J;  step(learningRate);
 *   end:  writeParameters()  (the network then holds the trained parameters)
 * </pre>
 * Implementations must compute the article's full-batch gradient (see {@link Backprop}) and be
 * deterministic: the same network and data give the same bits whatever the thread count or the load.
 */
interface TrainingKernel extends AutoCloseable {

    /** The name recorded in {@link TrainingResult#trainer()}. */
    String name();

    /**
     * Loss J of the current parameters (the stable mean log-loss of {@link Backprop}). When J is finite the
     * mean gradients are computed too and kept for {@link #step}; when it is not, they are not.
     */
    double lossAndGradients();

    /** theta -= learningRate * dJ/dtheta for every weight and bias, from the last {@link #lossAndGradients}. */
    void step(double learningRate);

    /** Copies of the mean gradients of the last {@link #lossAndGradients}, as ND4J arrays (for tests). */
    Gradients gradients(double loss);

    /** Makes the network hold the kernel's current parameters (a no-op for kernels working on it in place). */
    void writeParameters();

    /** Frees the working buffers; never the network or the caller's data. */
    @Override
    void close();
}
