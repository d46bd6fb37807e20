package io.netforge.dataset;

import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * Body of {@code POST /datasets/synthetic}: scikit-learn's {@code make_classification} parameters (camelCase, same
 * defaults), or {@code make_moons} / {@code make_circles}'. Every field is optional; a field that does not apply
 * to the chosen generator is refused.
 *
 * @param generator    {@code classification} (default), {@code moons} or {@code circles}
 * @param shift        a number, one number per feature, or {@code "random"} (scikit-learn's {@code None})
 * @param scale        the same
 * @param seed         seeds every draw: the same request gives the same data (default 0)
 * @param testFraction also make a test dataset of the last {@code round(samples * testFraction)} rows (rows are
 *                     shuffled unless {@code shuffle} is false); the first become the training dataset
 * @param name         the dataset's name; with a test dataset, {@code name-train} and {@code name-test}
 */
record SyntheticRequest(String generator, Integer samples, Integer features, Integer informative, Integer redundant,
        Integer repeated, Integer classes, Integer clustersPerClass, List<Double> weights, Double flipY,
        Double classSep, Boolean hypercube, JsonNode shift, JsonNode scale, Boolean shuffle, Long seed,
        Double noise, Double factor, Double testFraction, String name) {
}
