package io.netforge.prediction;

import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /models/{id}/predict}: exactly one of
 *
 * @param rows      rows of feature values in the model's feature order
 * @param instances rows as objects from feature name to value
 */
record PredictRequest(List<List<Double>> rows, List<Map<String, Double>> instances) {
}
