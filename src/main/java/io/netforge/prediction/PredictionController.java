package io.netforge.prediction;

import java.util.UUID;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Serves fitted models: {@code POST /models/{id}/predict}. */
@RestController
class PredictionController {

    private final PredictionService predictions;

    PredictionController(PredictionService predictions) {
        this.predictions = predictions;
    }

    @PostMapping(path = "/models/{id}/predict", consumes = MediaType.APPLICATION_JSON_VALUE)
    PredictResponse predict(@PathVariable UUID id, @RequestBody PredictRequest request) {
        return predictions.predict(id, request);
    }
}
