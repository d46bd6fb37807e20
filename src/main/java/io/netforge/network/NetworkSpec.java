package io.netforge.network;

import java.util.List;

import io.netforge.compute.Precision;
import io.netforge.compute.TrainingSettings;

/**
 * A complete, validated network specification: what to train and how. Stored with every model.
 *
 * @param hiddenLayers  widths of the hidden layers, input side first; empty is logistic regression
 * @param learningRate  gradient-descent step on the mean log-loss
 * @param maxIterations full-batch iterations
 * @param threshold     a row is predicted positive when its probability is at least this
 * @param seed          seed of the weight initialisation (and of the train/test split)
 * @param standardize   scale features by the training rows' mean and standard deviation
 * @param precision     arithmetic precision of training and prediction
 */
public record NetworkSpec(List<Integer> hiddenLayers, double learningRate, int maxIterations, double threshold,
        long seed, boolean standardize, Precision precision) {

    public static final List<Integer> DEFAULT_HIDDEN_LAYERS = List.of(8, 3);
    public static final double DEFAULT_LEARNING_RATE = 1.0;
    public static final int DEFAULT_MAX_ITERATIONS = 2000;
    public static final double DEFAULT_THRESHOLD = 0.5;
    public static final long DEFAULT_SEED = 0;
    public static final boolean DEFAULT_STANDARDIZE = true;
    public static final Precision DEFAULT_PRECISION = Precision.FLOAT64;

    public NetworkSpec {
        hiddenLayers = List.copyOf(hiddenLayers);
    }

    /** What the compute core needs of this spec. */
    public TrainingSettings trainingSettings() {
        return TrainingSettings.article(hiddenLayers, learningRate, maxIterations, seed, precision);
    }
}
