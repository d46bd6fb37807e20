package io.netforge.compute;

import java.util.List;

/**
 * The hyper-parameters of one training run, as the compute core sees them.
 *
 * @param hiddenLayers   widths of the hidden layers, input side first; empty is logistic regression
 * @param activations    one {@link Activation} per hidden layer, or one for all of them
 * @param objective      the output layer's function and the loss: sigmoid cross-entropy (binary), softmax
 *                       cross-entropy (multi-class: one output per class) or squared error (regression)
 * @param initialization how the initial weights and biases are drawn
 * @param optimizer      the update rule and its step size
 * @param batchSize      rows per mini-batch; 0 for full batch (one step per epoch over all rows in their order).
 *                       Mini-batches visit the rows of each epoch in a seeded shuffle ({@link RowOrder}); a batch
 *                       size of at least the training rows is full batch
 * @param l2             weight of the penalty (l2 / 2) sum W² added to the loss (biases excluded); 0 for none
 * @param earlyStopping  hold out validation rows and stop when their loss stops improving; null for none
 * @param classWeights   each row's loss weighted by its class's weight; null for equal weights
 * @param maxIterations  epochs (passes over the training rows), &gt;= 1; for full batch, iterations
 * @param seed           seed of the initialisation, of the validation split and of the mini-batch shuffle
 * @param precision      arithmetic precision of the run
 */
public record TrainingSettings(List<Integer> hiddenLayers, List<Activation> activations, Objective objective,
        Initialization initialization, Optimizer optimizer, int batchSize, double l2, EarlyStopping earlyStopping,
        ClassWeights classWeights, int maxIterations, long seed, Precision precision) {

    public TrainingSettings {
        hiddenLayers = List.copyOf(hiddenLayers);
        activations = List.copyOf(activations);
    }

    /** The article's run: sigmoid units, N(0, 0.1²) initial values, full-batch gradient descent, nothing else. */
    public static TrainingSettings article(List<Integer> hiddenLayers, double learningRate, int maxIterations,
            long seed, Precision precision) {
        return new TrainingSettings(hiddenLayers, List.of(Activation.SIGMOID), Objective.SIGMOID_CROSS_ENTROPY,
                Initialization.NORMAL, new Optimizer.GradientDescent(learningRate), 0, 0, null, null, maxIterations, seed,
                precision);
    }

    /** The network these settings train on {@code inputs} features, with one output. */
    public Architecture architecture(int inputs) {
        return architecture(inputs, 1);
    }

    /** The network these settings train on {@code inputs} features, with {@code outputs} outputs (a softmax's K). */
    public Architecture architecture(int inputs, int outputs) {
        return Architecture.of(inputs, hiddenLayers, activations, objective, outputs);
    }

    public TrainingSettings withObjective(Objective objective) {
        return new TrainingSettings(hiddenLayers, activations, objective, initialization, optimizer, batchSize, l2,
                earlyStopping, classWeights, maxIterations, seed, precision);
    }

    public TrainingSettings withActivations(List<Activation> activations) {
        return new TrainingSettings(hiddenLayers, activations, objective, initialization, optimizer, batchSize, l2,
                earlyStopping, classWeights, maxIterations, seed, precision);
    }

    public TrainingSettings withInitialization(Initialization initialization) {
        return new TrainingSettings(hiddenLayers, activations, objective, initialization, optimizer, batchSize, l2,
                earlyStopping, classWeights, maxIterations, seed, precision);
    }

    public TrainingSettings withOptimizer(Optimizer optimizer) {
        return new TrainingSettings(hiddenLayers, activations, objective, initialization, optimizer, batchSize, l2,
                earlyStopping, classWeights, maxIterations, seed, precision);
    }

    public TrainingSettings withHiddenLayers(List<Integer> hiddenLayers) {
        return new TrainingSettings(hiddenLayers, activations, objective, initialization, optimizer, batchSize, l2,
                earlyStopping, classWeights, maxIterations, seed, precision);
    }

    public TrainingSettings withMaxIterations(int maxIterations) {
        return new TrainingSettings(hiddenLayers, activations, objective, initialization, optimizer, batchSize, l2,
                earlyStopping, classWeights, maxIterations, seed, precision);
    }

    public TrainingSettings withBatchSize(int batchSize) {
        return new TrainingSettings(hiddenLayers, activations, objective, initialization, optimizer, batchSize, l2,
                earlyStopping, classWeights, maxIterations, seed, precision);
    }

    public TrainingSettings withL2(double l2) {
        return new TrainingSettings(hiddenLayers, activations, objective, initialization, optimizer, batchSize, l2,
                earlyStopping, classWeights, maxIterations, seed, precision);
    }

    public TrainingSettings withEarlyStopping(EarlyStopping earlyStopping) {
        return new TrainingSettings(hiddenLayers, activations, objective, initialization, optimizer, batchSize, l2,
                earlyStopping, classWeights, maxIterations, seed, precision);
    }

    public TrainingSettings withClassWeights(ClassWeights classWeights) {
        return new TrainingSettings(hiddenLayers, activations, objective, initialization, optimizer, batchSize, l2,
                earlyStopping, classWeights, maxIterations, seed, precision);
    }

    /** Whether a run on {@code rows} training rows takes more than one step per epoch. */
    public boolean miniBatches(long rows) {
        return batchSize > 0 && batchSize < rows;
    }
}
