package io.netforge.network;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;

import io.netforge.compute.Precision;
import tools.jackson.databind.JsonNode;

/**
 * The {@code network} object of a training request as the client sent it: every field optional.
 * {@link NetworkSpecValidator} checks it and fills in the defaults.
 *
 * @param activation   one name for every hidden layer, or an array of one per hidden layer
 * @param classWeights {@code "balanced"}, or an object from label to weight
 * @param thresholdRule a binary model only: choose the threshold on held-out rows by this rule instead of
 *                     {@code threshold}
 * @param calibration  a classifier only: calibrate its probabilities on held-out rows
 * @param auto         {@code POST /models} only: search for the network instead ({@code "network": "auto"} is short
 *                     for {@code {"auto": true}}); the other fields given are kept by every candidate
 */
public record NetworkRequest(List<Long> hiddenLayers, Double learningRate, Long maxIterations, Double threshold,
        Long seed, Boolean standardize, Precision precision, JsonNode activation, String initialization,
        OptimizerRequest optimizer, Long batchSize, Double l2, EarlyStoppingRequest earlyStopping,
        JsonNode classWeights, ThresholdRuleRequest thresholdRule, CalibrationRequest calibration, Boolean auto) {

    /** The one string a network may be: a search for it. */
    public static final String AUTO = "auto";

    /** A JSON {@code null} in a free-form field reads as the field left out. */
    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public NetworkRequest {
        activation = activation == null || activation.isNull() ? null : activation;
        classWeights = classWeights == null || classWeights.isNull() ? null : classWeights;
    }

    /** {@code "network": "auto"}: all defaults, searched for. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static NetworkRequest shorthand(String value) {
        if (!AUTO.equals(value)) {
            throw new IllegalArgumentException("must be an object, or \"" + AUTO + "\" to search for one");
        }
        return defaults().searched(true);
    }

    /** All defaults. */
    public static NetworkRequest defaults() {
        return new NetworkRequest(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    /** Whether the request asks for a search ({@code auto}). */
    public boolean searching() {
        return Boolean.TRUE.equals(auto);
    }

    /** The same request, searched for or not ({@code auto} true, or left out). */
    public NetworkRequest searched(boolean searched) {
        return new NetworkRequest(hiddenLayers, learningRate, maxIterations, threshold, seed, standardize, precision,
                activation, initialization, optimizer, batchSize, l2, earlyStopping, classWeights, thresholdRule,
                calibration, searched ? Boolean.TRUE : null);
    }

    /** The {@code optimizer} object: its type and the hyper-parameters of that type. */
    public record OptimizerRequest(String type, Double momentum, Double beta1, Double beta2, Double epsilon) {
    }

    /**
     * The {@code thresholdRule} object: {@code by} one of maxF1, youden, precisionAtLeast, recallAtLeast, cost;
     * {@code value} the bound of the two "at least" rules; {@code costs} the cost rule's.
     */
    public record ThresholdRuleRequest(String by, Double value, CostsRequest costs) {
    }

    /** The cost of each kind of error, for the {@code cost} rule. */
    public record CostsRequest(Double falsePositive, Double falseNegative) {
    }

    /**
     * The {@code calibration} object: {@code method} one of platt, isotonic, temperature; the method's name alone is
     * short for it (as a stored spec writes it).
     */
    public record CalibrationRequest(String method) {

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public CalibrationRequest {
        }

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        static CalibrationRequest named(String method) {
            return new CalibrationRequest(method);
        }
    }

    /** The {@code earlyStopping} object; {@code {}} asks for early stopping with every default. */
    public record EarlyStoppingRequest(Double validationFraction, Long patience, Double minDelta) {
    }
}
