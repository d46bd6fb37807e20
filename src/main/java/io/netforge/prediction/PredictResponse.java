package io.netforge.prediction;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Answer of {@code POST /models/{id}/predict}: one prediction per request row, in order. */
record PredictResponse(UUID modelId, List<Prediction> predictions) {

    /**
     * The members of the model's task.
     *
     * @param probability   binary: the model's probability of the positive class (its second class)
     * @param label         binary: the predicted class as uploaded, positive when probability &gt;= the model's
     *                      threshold; multi-class: the most probable class
     * @param probabilities multi-class: each class's probability (they sum to 1), by class
     * @param value         regression: the predicted value, in the target's units
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Prediction(Double probability, Object label, Map<String, Double> probabilities, Double value) {

        static Prediction binary(double probability, Object label) {
            return new Prediction(probability, label, null, null);
        }

        static Prediction multiclass(Object label, Map<String, Double> probabilities) {
            return new Prediction(null, label, probabilities, null);
        }

        static Prediction regression(double value) {
            return new Prediction(null, null, null, value);
        }
    }
}
