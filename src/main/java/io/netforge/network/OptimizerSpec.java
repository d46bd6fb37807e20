package io.netforge.network;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.netforge.compute.Optimizer;

/**
 * A resolved optimizer: its {@code type} and the hyper-parameters that type uses (the others are absent).
 *
 * @param type     {@code gd}, {@code momentum}, {@code nesterov} or {@code adam}
 * @param momentum for momentum and nesterov
 * @param beta1    for adam: decay of the first moment
 * @param beta2    for adam: decay of the second moment
 * @param epsilon  for adam: added to the denominator
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OptimizerSpec(String type, Double momentum, Double beta1, Double beta2, Double epsilon) {

    public static final String GD = "gd";
    public static final String MOMENTUM = "momentum";
    public static final String NESTEROV = "nesterov";
    public static final String ADAM = "adam";
    public static final java.util.List<String> TYPES = java.util.List.of(GD, MOMENTUM, NESTEROV, ADAM);

    public static final double DEFAULT_MOMENTUM = 0.9;
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_EPSILON = 1e-8;

    /** The article's: plain gradient descent. */
    public static final OptimizerSpec DEFAULT = new OptimizerSpec(GD, null, null, null, null);

    /**
     * The learning rate a type gets when the request gives none: the article's 1.0 for gradient descent; 0.1 with
     * momentum (whose velocity builds up to 1 / (1 - 0.9) = 10 gradients, the same long-run step); PyTorch's and
     * scikit-learn's 0.001 for Adam.
     */
    public static double defaultLearningRate(String type) {
        return switch (type) {
            case MOMENTUM, NESTEROV -> 0.1;
            case ADAM -> 0.001;
            default -> NetworkSpec.DEFAULT_LEARNING_RATE;
        };
    }

    /** The compute core's optimizer with this step size. */
    Optimizer optimizer(double learningRate) {
        return switch (type) {
            case GD -> new Optimizer.GradientDescent(learningRate);
            case MOMENTUM -> new Optimizer.Momentum(learningRate, momentum, false);
            case NESTEROV -> new Optimizer.Momentum(learningRate, momentum, true);
            case ADAM -> new Optimizer.Adam(learningRate, beta1, beta2, epsilon);
            default -> throw new IllegalStateException("unknown optimizer type " + type);
        };
    }
}
