package io.netforge.prediction;

import java.util.List;
import java.util.UUID;

import io.netforge.tabular.Prediction;

/**
 * Answer of {@code POST /models/{id}/predict}: one prediction per request row, in order, each with its task's
 * members (binary: {@code probability} and {@code label}; multi-class: {@code label} and {@code probabilities};
 * regression: {@code value}).
 *
 * @param threshold a binary model's labels: the probability at or above which a row is the positive class (the
 *                  model's own, or the request's {@code threshold}); null for other tasks
 * @param explanation with {@code explain=true}, each row's contributions (as {@code POST /models/{id}/explain}
 *                    answers them with its defaults); absent otherwise
 */
record PredictResponse(UUID modelId, Double threshold, List<Prediction> predictions,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        ExplainResponse explanation) {

    PredictResponse(UUID modelId, LoadedModel model, List<Prediction> predictions) {
        this(modelId, model.threshold(), predictions, null);
    }
}
