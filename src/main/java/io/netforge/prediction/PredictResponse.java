package io.netforge.prediction;

import java.util.List;
import java.util.UUID;

import io.netforge.tabular.Prediction;

/**
 * Answer of {@code POST /models/{id}/predict}: one prediction per request row, in order, each with its task's
 * members (binary: {@code probability} and {@code label}; multi-class: {@code label} and {@code probabilities};
 * regression: {@code value}).
 */
record PredictResponse(UUID modelId, List<Prediction> predictions) {
}
