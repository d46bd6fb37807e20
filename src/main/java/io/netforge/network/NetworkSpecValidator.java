package io.netforge.network;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

import io.netforge.compute.Network;
import io.netforge.system.ApiException;

/** Checks a {@link NetworkRequest} against the configured {@link NetworkLimits} and applies defaults. */
@Component
public class NetworkSpecValidator {

    /** Learning rates above this only ever diverge; a cap keeps typos like 1e9 from running. */
    static final double MAX_LEARNING_RATE = 1_000.0;

    private final NetworkLimits limits;

    public NetworkSpecValidator(NetworkLimits limits) {
        this.limits = limits;
    }

    /**
     * @param request the client's {@code network} object, or null for all defaults
     * @param inputs  number of feature columns the network will read
     * @param prefix  JSON path of the object in the request, for messages (e.g. {@code network})
     * @throws ApiException 400 naming the first invalid field
     */
    public NetworkSpec validate(NetworkRequest request, int inputs, String prefix) {
        NetworkRequest r = request == null ? NetworkRequest.defaults() : request;
        List<Integer> hidden = hiddenLayers(r.hiddenLayers(), prefix + ".hiddenLayers");

        double learningRate = r.learningRate() == null ? NetworkSpec.DEFAULT_LEARNING_RATE : r.learningRate();
        if (!Double.isFinite(learningRate) || learningRate <= 0 || learningRate > MAX_LEARNING_RATE) {
            throw ApiException.invalidField(prefix + ".learningRate",
                    "must be a number greater than 0 and at most " + (int) MAX_LEARNING_RATE + ", got " + learningRate);
        }
        long iterations = r.maxIterations() == null ? NetworkSpec.DEFAULT_MAX_ITERATIONS : r.maxIterations();
        if (iterations < 1 || iterations > limits.maxIterations()) {
            throw ApiException.invalidField(prefix + ".maxIterations",
                    "must be between 1 and " + limits.maxIterations() + ", got " + iterations);
        }
        double threshold = r.threshold() == null ? NetworkSpec.DEFAULT_THRESHOLD : r.threshold();
        if (!(threshold >= 0 && threshold <= 1)) {
            throw ApiException.invalidField(prefix + ".threshold", "must be between 0 and 1, got " + threshold);
        }
        long parameters = Network.parameterCount(inputs, hidden);
        if (parameters > limits.maxParameters()) {
            throw ApiException.invalidField(prefix + ".hiddenLayers", "a network of " + inputs + " inputs and hidden layers "
                    + hidden + " has " + parameters + " parameters; the limit is " + limits.maxParameters());
        }
        return new NetworkSpec(hidden, learningRate, (int) iterations, threshold,
                r.seed() == null ? NetworkSpec.DEFAULT_SEED : r.seed(),
                r.standardize() == null ? NetworkSpec.DEFAULT_STANDARDIZE : r.standardize(),
                r.precision() == null ? NetworkSpec.DEFAULT_PRECISION : r.precision());
    }

    private List<Integer> hiddenLayers(List<Long> requested, String field) {
        if (requested == null) {
            return NetworkSpec.DEFAULT_HIDDEN_LAYERS;
        }
        if (requested.size() > limits.maxHiddenLayers()) {
            throw ApiException.invalidField(field, "at most " + limits.maxHiddenLayers() + " hidden layers, got "
                    + requested.size());
        }
        List<Integer> widths = new ArrayList<>(requested.size());
        for (int i = 0; i < requested.size(); i++) {
            Long width = requested.get(i);
            if (width == null || width < 1 || width > limits.maxLayerWidth()) {
                throw ApiException.invalidField(field + "[" + i + "]",
                        "a layer width must be between 1 and " + limits.maxLayerWidth() + ", got " + width);
            }
            widths.add(width.intValue());
        }
        return widths;
    }
}
