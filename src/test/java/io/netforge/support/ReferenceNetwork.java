package io.netforge.support;

import java.util.ArrayList;
import java.util.List;

import io.netforge.compute.Network;
import io.netforge.compute.Precision;
import tools.jackson.databind.JsonNode;

/**
 * The initial network that {@code src/test/python/numpy_trajectory.py} and netforge both start from, as exported
 * to the test resource {@link #RESOURCE}: {@code layers}, then per layer {@code weights} (row-major) and
 * {@code biases}.
 */
public final class ReferenceNetwork {

    /** Classpath resource of the exported [8, 3] network for the article's 20 features, seed 0. */
    public static final String RESOURCE = "/reference/initial_8_3_seed0.json";

    private ReferenceNetwork() {
    }

    /** A new network (the caller closes it) with the exported layer sizes, weights and biases. */
    public static Network network(JsonNode exported, Precision precision) {
        List<Integer> sizes = new ArrayList<>();
        exported.get("layers").forEach(size -> sizes.add(size.asInt()));
        List<double[]> weights = new ArrayList<>();
        List<double[]> biases = new ArrayList<>();
        for (int l = 0; l + 1 < sizes.size(); l++) {
            weights.add(doubles(exported.get("weights").get(l)));
            biases.add(doubles(exported.get("biases").get(l)));
        }
        return Network.of(sizes, weights, biases, precision);
    }

    /** A JSON array of numbers as doubles. */
    public static double[] doubles(JsonNode array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asDouble();
        }
        return values;
    }
}
