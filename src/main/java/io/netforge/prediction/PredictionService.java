package io.netforge.prediction;

import java.util.UUID;

import org.springframework.stereotype.Service;

import io.netforge.job.JobStatus;
import io.netforge.model.ModelRepository;
import io.netforge.problem.DomainException;

/** Checks predict requests against the model they name and answers them from the {@link ModelCache}. */
@Service
class PredictionService {

    private final ModelCache cache;
    private final ModelRepository models;
    private final PredictionProperties properties;

    PredictionService(ModelCache cache, ModelRepository models, PredictionProperties properties) {
        this.cache = cache;
        this.models = models;
        this.properties = properties;
    }

    /** The predictions of a {@code /predict} JSON body, read as a stream ({@link PredictBody}). */
    PredictResponse predict(UUID id, java.io.InputStream body, tools.jackson.databind.json.JsonMapper json,
            Double threshold) {
        LoadedModel model = labelling(id, threshold);
        double[][] rows = new PredictBody(model.encoding(), properties.maxRows()).read(body, json);
        return new PredictResponse(id, model, model.predict(rows));
    }

    /** The model to serve, labelling a binary model's rows at the request's threshold when it gives one. */
    LoadedModel labelling(UUID id, Double threshold) {
        LoadedModel model = model(id);
        if (threshold != null) {
            if (model.task() != io.netforge.tabular.Task.BINARY) {
                throw DomainException.invalidField("threshold", "labels a binary model's rows; model " + id + " is "
                        + model.task().id());
            }
            if (!(threshold >= 0 && threshold <= 1)) {
                throw DomainException.invalidField("threshold", "must be a probability from 0 to 1, got " + threshold);
            }
            model = model.withThreshold(threshold);
        }
        return model;
    }

    /** The fitted model to serve: 404 for no model, 409 for one whose training has not SUCCEEDED. */
    LoadedModel model(UUID id) {
        LoadedModel model = cache.get(id);
        if (model == null) {
            JobStatus status = models.getView(id).status();
            throw DomainException.conflict("model " + id + " is " + status
                    + "; predictions are served once its training SUCCEEDED");
        }
        return model;
    }

    /** Rows per request of the JSON protocols. */
    int maxRows() {
        return properties.maxRows();
    }

    /** Checks a request's row count against {@code netforge.prediction.max-rows}: 400 for none, 413 for too many. */
    void checkRowCount(int count, String field) {
        if (count == 0) {
            throw DomainException.invalidField(field, "must contain at least one row");
        }
        if (count > properties.maxRows()) {
            throw DomainException.tooLarge(field + ": " + count + " rows exceed the limit of "
                    + properties.maxRows() + " per request (netforge.prediction.max-rows)").with("field", field);
        }
    }
}
