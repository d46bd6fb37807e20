package io.netforge.prediction;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * Body of {@code POST /models/{id}/predict}: exactly one of
 *
 * @param rows      rows of feature values in the model's feature order (the dataset's column order)
 * @param instances rows as objects from feature name to value
 *
 * <p>A value is a number for a numeric feature, a string (or a number, taken as its text) for a categorical one,
 * and null when it is missing.
 */
record PredictRequest(List<List<JsonNode>> rows, List<Map<String, JsonNode>> instances) {
}
