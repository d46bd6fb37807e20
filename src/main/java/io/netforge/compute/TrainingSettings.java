package io.netforge.compute;

import java.util.List;

/**
 * The hyper-parameters of one training run, as the compute core sees them.
 *
 * @param hiddenLayers   widths of the hidden layers, input side first; empty is logistic regression
 * @param activations    one {@link Activation} per hidden layer, or one for all of them
 * @param initialization how the initial weights and biases are drawn
 * @param optimizer      the update rule and its step size
 * @param maxIterations  number of iterations (forward pass, backward pass, update), &gt;= 1
 * @param seed           seed of the initialisation
 * @param precision      arithmetic precision of the run
 */
public record TrainingSettings(List<Integer> hiddenLayers, List<Activation> activations, Initialization initialization,
        Optimizer optimizer, int maxIterations, long seed, Precision precision) {

    public TrainingSettings {
        hiddenLayers = List.copyOf(hiddenLayers);
        activations = List.copyOf(activations);
    }

    /** The article's run: sigmoid units, N(0, 0.1²) initial values, full-batch gradient descent. */
    public static TrainingSettings article(List<Integer> hiddenLayers, double learningRate, int maxIterations,
            long seed, Precision precision) {
        return new TrainingSettings(hiddenLayers, List.of(Activation.SIGMOID), Initialization.NORMAL,
                new Optimizer.GradientDescent(learningRate), maxIterations, seed, precision);
    }

    /** The network these settings train on {@code inputs} features. */
    public Architecture architecture(int inputs) {
        return Architecture.of(inputs, hiddenLayers, activations, Objective.SIGMOID_CROSS_ENTROPY);
    }

    public TrainingSettings withActivations(List<Activation> activations) {
        return new TrainingSettings(hiddenLayers, activations, initialization, optimizer, maxIterations, seed, precision);
    }

    public TrainingSettings withInitialization(Initialization initialization) {
        return new TrainingSettings(hiddenLayers, activations, initialization, optimizer, maxIterations, seed, precision);
    }

    public TrainingSettings withOptimizer(Optimizer optimizer) {
        return new TrainingSettings(hiddenLayers, activations, initialization, optimizer, maxIterations, seed, precision);
    }
}
