package io.netforge.network;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.netforge.compute.Activation;
import io.netforge.compute.ClassWeights;
import io.netforge.compute.Initialization;
import io.netforge.compute.Objective;
import io.netforge.compute.Precision;
import io.netforge.compute.TrainingSettings;
import io.netforge.tabular.Calibration;
import io.netforge.tabular.ThresholdRule;
import tools.jackson.databind.JsonNode;

/**
 * A complete, validated network specification: what to train and how. Stored with every model, and shown by
 * {@code GET /models/{id}}, with every default filled in.
 *
 * <p>Specifications stored before a field existed read as that field's default (the article's behaviour), so
 * old models describe themselves as what they were: sigmoid units, N(0, 0.1²) initial values, full-batch
 * gradient descent.
 *
 * @param hiddenLayers   widths of the hidden layers, input side first; empty is logistic regression
 * @param learningRate   the optimizer's step size
 * @param maxIterations  epochs: passes over the training rows (for full batch, iterations)
 * @param threshold      binary models: a row is predicted positive when its probability is at least this
 * @param seed           seed of the weight initialisation, the train/test and validation splits and the shuffle
 * @param standardize    scale features by the training rows' mean and standard deviation
 * @param precision      arithmetic precision of training and prediction
 * @param activation     the activation of each hidden layer, one name per layer
 * @param initialization {@code normal}, {@code xavier} or {@code he}
 * @param optimizer      the update rule
 * @param batchSize      rows per mini-batch; 0 is full batch
 * @param l2             weight of the penalty (l2 / 2) sum W² in the loss
 * @param earlyStopping  early stopping, or null
 * @param classWeights   {@code "balanced"}, an object from label to weight, or null
 * @param thresholdRule  a binary model's threshold chosen on held-out rows by this rule (then {@code threshold} is
 *                       not used), or null
 * @param calibration    the calibration method fitted on held-out rows ({@link Calibration#METHODS}), or null
 */
public record NetworkSpec(List<Integer> hiddenLayers, double learningRate, int maxIterations, double threshold,
        long seed, boolean standardize, Precision precision, List<String> activation, String initialization,
        OptimizerSpec optimizer, Integer batchSize, Double l2, EarlyStoppingSpec earlyStopping, JsonNode classWeights,
        ThresholdRule thresholdRule, String calibration) {

    public static final List<Integer> DEFAULT_HIDDEN_LAYERS = List.of(8, 3);
    public static final double DEFAULT_LEARNING_RATE = 1.0;
    public static final int DEFAULT_MAX_ITERATIONS = 2000;
    public static final double DEFAULT_THRESHOLD = 0.5;
    public static final long DEFAULT_SEED = 0;
    public static final boolean DEFAULT_STANDARDIZE = true;
    public static final Precision DEFAULT_PRECISION = Precision.FLOAT64;
    public static final String DEFAULT_ACTIVATION = Activation.SIGMOID.id();
    public static final String DEFAULT_INITIALIZATION = Initialization.NORMAL.id();
    public static final String BALANCED = "balanced";

    public NetworkSpec {
        hiddenLayers = List.copyOf(hiddenLayers);
        activation = activation == null ? Collections.nCopies(hiddenLayers.size(), DEFAULT_ACTIVATION)
                : List.copyOf(activation);
        initialization = initialization == null ? DEFAULT_INITIALIZATION : initialization;
        optimizer = optimizer == null ? OptimizerSpec.DEFAULT : optimizer;
        batchSize = batchSize == null ? 0 : batchSize;
        l2 = l2 == null ? 0.0 : l2;
        classWeights = classWeights == null || classWeights.isNull() ? null : classWeights;
    }

    /** Whether the model is fitted further on held-out rows after training (a calibration or a threshold rule). */
    public boolean usesHeldOutRows() {
        return thresholdRule != null || calibration != null;
    }

    /**
     * What the compute core needs of this spec, for the objective of the model's task; {@code classes} are the
     * label's classes in class-code order (the keys of {@code classWeights}), empty for regression.
     */
    public TrainingSettings trainingSettings(Objective objective, List<String> classes) {
        List<Activation> activations = new ArrayList<>(activation.size());
        for (String id : activation) {
            activations.add(Activation.byId(id));
        }
        return new TrainingSettings(hiddenLayers, activations, objective, Initialization.byId(initialization),
                optimizer.optimizer(learningRate), batchSize, l2,
                earlyStopping == null ? null : earlyStopping.earlyStopping(), classWeights(classes), maxIterations, seed,
                precision);
    }

    private ClassWeights classWeights(List<String> classes) {
        if (classWeights == null) {
            return null;
        }
        if (classWeights.isString()) {
            return new ClassWeights.Balanced();
        }
        double[] perClass = new double[classes.size()];
        for (int c = 0; c < perClass.length; c++) {
            JsonNode weight = classWeights.get(classes.get(c));
            perClass[c] = weight == null ? 1.0 : weight.asDouble();
        }
        return new ClassWeights.Given(perClass);
    }
}
