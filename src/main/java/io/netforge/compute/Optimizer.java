package io.netforge.compute;

/**
 * How a training moves the parameters once a batch's gradient is known, as configured; {@link #start()} makes the
 * {@link UpdateRule} of one run, which holds its state (momentum buffers, moment estimates). The rules are
 * PyTorch's {@code torch.optim} ones, so that a run can be checked against {@code torch_reference.py}.
 */
public sealed interface Optimizer {

    /** The step size. */
    double learningRate();

    /** A new rule for one training run, its state at zero. */
    UpdateRule start();

    /** Plain gradient descent, {@code theta -= learningRate * g} ({@code torch.optim.SGD}); the article's. */
    record GradientDescent(double learningRate) implements Optimizer {

        @Override
        public UpdateRule start() {
            return new UpdateRule.GradientDescent(learningRate);
        }
    }
}
