package io.netforge.prediction;

import java.util.List;
import java.util.UUID;

/** Answer of {@code POST /models/{id}/predict}: one prediction per request row, in order. */
record PredictResponse(UUID modelId, List<Prediction> predictions) {

    /**
     * @param probability the model's probability of the positive class (its second class)
     * @param label       the predicted class as uploaded: positive when probability &gt;= the model's threshold
     */
    record Prediction(double probability, Object label) {
    }
}
