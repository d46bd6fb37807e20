package io.netforge.compute;

import java.util.List;

/**
 * The hyper-parameters of one full-batch gradient-descent run, as the compute core sees them.
 *
 * @param hiddenLayers  widths of the hidden layers, input side first; empty is logistic regression
 * @param learningRate  step size of gradient descent on the mean log-loss, &gt; 0
 * @param maxIterations number of full-batch iterations (forward pass, backward pass, update), &gt;= 1
 * @param seed          seed of the N(0, 0.1²) initialisation of all weights and biases
 * @param precision     arithmetic precision of the run
 */
public record TrainingSettings(List<Integer> hiddenLayers, double learningRate, int maxIterations, long seed,
        Precision precision) {

    public TrainingSettings {
        hiddenLayers = List.copyOf(hiddenLayers);
    }
}
