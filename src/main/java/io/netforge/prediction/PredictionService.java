package io.netforge.prediction;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.stereotype.Service;

import io.netforge.job.JobStatus;
import io.netforge.model.ModelRepository;
import io.netforge.problem.DomainException;
import io.netforge.tabular.Encoding;
import io.netforge.tabular.Feature;
import tools.jackson.databind.JsonNode;

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

    PredictResponse predict(UUID id, PredictRequest request) {
        LoadedModel model = model(id);
        double[][] rows = rows(request, model.encoding());
        return new PredictResponse(id, model.predict(rows));
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

    /** The request's rows as raw feature values in the model's order (see {@link LoadedModel#predict}), checked. */
    private double[][] rows(PredictRequest request, Encoding encoding) {
        return rows(request, encoding, properties.maxRows());
    }

    /**
     * {@link #rows(PredictRequest, Encoding)} with a row limit: every problem is an {@link DomainException} (a 4xx)
     * naming the row and field.
     */
    static double[][] rows(PredictRequest request, Encoding encoding, int maxRows) {
        List<String> features = encoding.names();
        if ((request.rows() == null) == (request.instances() == null)) {
            throw DomainException.invalidInput("give exactly one of 'rows' (arrays of " + features.size()
                    + " values in feature order) or 'instances' (objects keyed by feature name)");
        }
        String field = request.rows() != null ? "rows" : "instances";
        int count = request.rows() != null ? request.rows().size() : request.instances().size();
        if (count == 0) {
            throw DomainException.invalidField(field, "must contain at least one row");
        }
        if (count > maxRows) {
            throw DomainException.tooLarge(field + ": " + count + " rows exceed the limit of "
                    + maxRows + " per request (netforge.prediction.max-rows)").with("field", field);
        }
        double[][] out = new double[count][];
        for (int r = 0; r < count; r++) {
            out[r] = request.rows() != null ? fromArray(request.rows().get(r), encoding, features, "rows[" + r + "]")
                    : fromObject(request.instances().get(r), encoding, features, "instances[" + r + "]");
        }
        return out;
    }

    private static double[] fromArray(List<JsonNode> values, Encoding encoding, List<String> features, String field) {
        if (values == null) {
            throw DomainException.invalidField(field, "must be an array of " + features.size() + " values");
        }
        if (values.size() != features.size()) {
            throw DomainException.invalidField(field, "expected " + features.size() + " values (" + describe(features)
                    + "), found " + values.size());
        }
        double[] row = new double[values.size()];
        for (int c = 0; c < row.length; c++) {
            row[c] = value(values.get(c), encoding, encoding.features().get(c), field + "[" + c + "]");
        }
        return row;
    }

    private static double[] fromObject(Map<String, JsonNode> values, Encoding encoding, List<String> features,
            String field) {
        if (values == null) {
            throw DomainException.invalidField(field, "must be an object from feature name to value");
        }
        double[] row = new double[features.size()];
        for (int c = 0; c < row.length; c++) {
            String feature = features.get(c);
            if (!values.containsKey(feature)) {
                throw DomainException.invalidField(field, "missing feature '" + feature + "' (send null for a missing value)");
            }
            row[c] = value(values.get(feature), encoding, encoding.features().get(c), field + "." + feature);
        }
        if (values.size() != features.size()) {
            String unknown = values.keySet().stream().filter(k -> !features.contains(k)).findFirst().orElse("?");
            throw DomainException.invalidField(field, "unknown feature '" + unknown + "'; the model's features are "
                    + describe(features));
        }
        return row;
    }

    /** One value as {@link LoadedModel#predict} takes it, or a 400 naming the field. */
    static double value(JsonNode value, Encoding encoding, Feature feature, String field) {
        return feature.fromJson(value, field, encoding.strict());
    }

    private static String describe(List<String> names) {
        return names.size() <= 6 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 3)) + ", ..., " + names.get(names.size() - 1);
    }
}
