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

    /**
     * Gradient descent with momentum m, {@code torch.optim.SGD(momentum=m, nesterov=...)} (no dampening): a velocity
     * {@code v = g} at the first step, then {@code v = m v + g}; the step is {@code theta -= learningRate * v}, or
     * with Nesterov's correction {@code theta -= learningRate * (g + m v)}.
     */
    record Momentum(double learningRate, double momentum, boolean nesterov) implements Optimizer {

        @Override
        public UpdateRule start() {
            return new UpdateRule.Momentum(learningRate, momentum, nesterov);
        }
    }

    /**
     * Adam, {@code torch.optim.Adam(betas=(beta1, beta2), eps=epsilon)}: at step t, {@code m = beta1 m + (1 - beta1) g},
     * {@code v = beta2 v + (1 - beta2) g²}, and
     * {@code theta -= (learningRate / (1 - beta1^t)) m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)}.
     */
    record Adam(double learningRate, double beta1, double beta2, double epsilon) implements Optimizer {

        @Override
        public UpdateRule start() {
            return new UpdateRule.Adam(learningRate, beta1, beta2, epsilon);
        }
    }
}
