package io.netforge.prediction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.stereotype.Service;

import io.netforge.model.ModelRepository;
import io.netforge.model.ModelStatus;
import io.netforge.system.ApiException;

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
        LoadedModel model = cache.get(id);
        if (model == null) {
            ModelStatus status = models.getView(id).status();
            throw ApiException.conflict("model " + id + " is " + status
                    + "; predictions are served once its training SUCCEEDED");
        }
        double[][] rows = rows(request, model.features());
        double[] probabilities = model.probabilities(rows);
        List<PredictResponse.Prediction> predictions = new ArrayList<>(probabilities.length);
        for (double p : probabilities) {
            predictions.add(new PredictResponse.Prediction(p, model.label(p)));
        }
        return new PredictResponse(id, predictions);
    }

    /** The request's rows as feature vectors in the model's order, every value checked. */
    private double[][] rows(PredictRequest request, List<String> features) {
        if ((request.rows() == null) == (request.instances() == null)) {
            throw ApiException.badRequest("give exactly one of 'rows' (arrays of " + features.size()
                    + " numbers in feature order) or 'instances' (objects keyed by feature name)");
        }
        String field = request.rows() != null ? "rows" : "instances";
        int count = request.rows() != null ? request.rows().size() : request.instances().size();
        if (count == 0) {
            throw ApiException.invalidField(field, "must contain at least one row");
        }
        if (count > properties.maxRows()) {
            throw ApiException.payloadTooLarge(field + ": " + count + " rows exceed the limit of "
                    + properties.maxRows() + " per request (netforge.prediction.max-rows)").with("field", field);
        }
        double[][] out = new double[count][];
        for (int r = 0; r < count; r++) {
            out[r] = request.rows() != null ? fromArray(request.rows().get(r), features, "rows[" + r + "]")
                    : fromObject(request.instances().get(r), features, "instances[" + r + "]");
        }
        return out;
    }

    private static double[] fromArray(List<Double> values, List<String> features, String field) {
        if (values == null) {
            throw ApiException.invalidField(field, "must be an array of " + features.size() + " numbers");
        }
        if (values.size() != features.size()) {
            throw ApiException.invalidField(field, "expected " + features.size() + " values (" + describe(features)
                    + "), found " + values.size());
        }
        double[] row = new double[values.size()];
        for (int c = 0; c < row.length; c++) {
            row[c] = finite(values.get(c), field + "[" + c + "]");
        }
        return row;
    }

    private static double[] fromObject(Map<String, Double> values, List<String> features, String field) {
        if (values == null) {
            throw ApiException.invalidField(field, "must be an object from feature name to number");
        }
        double[] row = new double[features.size()];
        for (int c = 0; c < row.length; c++) {
            String feature = features.get(c);
            if (!values.containsKey(feature)) {
                throw ApiException.invalidField(field, "missing feature '" + feature + "'");
            }
            row[c] = finite(values.get(feature), field + "." + feature);
        }
        if (values.size() != features.size()) {
            String unknown = values.keySet().stream().filter(k -> !features.contains(k)).findFirst().orElse("?");
            throw ApiException.invalidField(field, "unknown feature '" + unknown + "'; the model's features are "
                    + describe(features));
        }
        return row;
    }

    private static double finite(Double value, String field) {
        if (value == null) {
            throw ApiException.invalidField(field, "must be a number, got null");
        }
        if (!Double.isFinite(value)) {
            throw ApiException.invalidField(field, "must be a finite number, got " + value);
        }
        return value;
    }

    private static String describe(List<String> features) {
        return features.size() <= 6 ? String.join(", ", features)
                : String.join(", ", features.subList(0, 3)) + ", ..., " + features.get(features.size() - 1);
    }
}
