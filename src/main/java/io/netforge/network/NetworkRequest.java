package io.netforge.network;

import java.util.List;

import io.netforge.compute.Precision;
import tools.jackson.databind.JsonNode;

/**
 * The {@code network} object of a training request as the client sent it: every field optional.
 * {@link NetworkSpecValidator} checks it and fills in the defaults.
 *
 * @param activation   one name for every hidden layer, or an array of one per hidden layer
 * @param classWeights {@code "balanced"}, or an object from label to weight
 */
public record NetworkRequest(List<Long> hiddenLayers, Double learningRate, Long maxIterations, Double threshold,
        Long seed, Boolean standardize, Precision precision, JsonNode activation, String initialization,
        OptimizerRequest optimizer, Long batchSize, Double l2, EarlyStoppingRequest earlyStopping,
        JsonNode classWeights) {

    /** All defaults. */
    public static NetworkRequest defaults() {
        return new NetworkRequest(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The {@code optimizer} object: its type and the hyper-parameters of that type. */
    public record OptimizerRequest(String type, Double momentum, Double beta1, Double beta2, Double epsilon) {
    }

    /** The {@code earlyStopping} object; {@code {}} asks for early stopping with every default. */
    public record EarlyStoppingRequest(Double validationFraction, Long patience, Double minDelta) {
    }
}
