package io.netforge.prediction;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.netforge.model.ModelReferences;
import io.netforge.problem.DomainException;
import io.netforge.tabular.Encoding;
import io.netforge.tabular.Prediction;
import io.netforge.web.Route;
import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.databind.JsonNode;

/**
 * MLflow's scoring protocol, as {@code mlflow models serve} speaks it: {@code POST /models/{id}/invocations} with a
 * JSON body holding one of {@code dataframe_split}, {@code dataframe_records}, {@code instances} or {@code inputs},
 * or a {@code text/csv} body; the answer is {@code {"predictions": [...]}}, each prediction as {@code /predict}
 * gives it (the same numbers, bit for bit).
 */
@RestController
class InvocationsController {

    static final List<String> FORMATS = List.of("dataframe_split", "dataframe_records", "instances", "inputs");

    /** @param predictions one per row, in order, as {@code /predict}'s */
    record InvocationsResponse(List<Prediction> predictions) {
    }

    private final PredictionService predictions;
    private final CsvLimits limits;

    private final ModelReferences references;

    InvocationsController(PredictionService predictions, CsvLimits limits, ModelReferences references) {
        this.references = references;
        this.predictions = predictions;
        this.limits = limits;
    }

    @Route(access = Route.Access.PREDICT, limit = Route.Limit.PREDICT, protocol = "mlflow", body = Route.Body.ROWS)
    @PostMapping(path = "/models/{id}/invocations", consumes = MediaType.APPLICATION_JSON_VALUE)
    InvocationsResponse invoke(@PathVariable("id") String reference, @RequestBody JsonNode body) {
        UUID id = references.resolve(reference, "id");
        LoadedModel model = predictions.model(id);
        if (body == null || !body.isObject()) {
            throw DomainException.invalidInput("request body: expected a JSON object with one of " + String.join(", ", FORMATS));
        }
        List<String> given = new ArrayList<>();
        for (String name : body.propertyNames()) {
            if (FORMATS.contains(name)) {
                given.add(name);
            } else if (!name.equals("params")) {
                throw DomainException.invalidField(name, "unknown field; give one of " + String.join(", ", FORMATS));
            }
        }
        if (given.size() != 1) {
            throw DomainException.invalidInput("give exactly one of " + String.join(", ", FORMATS) + "; got "
                    + (given.isEmpty() ? "none" : String.join(", ", given)));
        }
        String format = given.get(0);
        double[][] rows = switch (format) {
            case "dataframe_split" -> split(body.get(format), model.encoding());
            case "dataframe_records" -> records(body.get(format), model.encoding(), format);
            default -> instances(body.get(format), model.encoding(), format);
        };
        return new InvocationsResponse(model.predict(rows));
    }

    @Route(access = Route.Access.PREDICT, limit = Route.Limit.PREDICT, protocol = "mlflow", body = Route.Body.STREAMED)
    @PostMapping(path = "/models/{id}/invocations", consumes = "text/csv")
    InvocationsResponse invokeCsv(@PathVariable("id") String reference, HttpServletRequest request) throws IOException {
        UUID id = references.resolve(reference, "id");
        LoadedModel model = predictions.model(id);
        try (CsvScoring scoring = new CsvScoring(model, request.getInputStream(), request.getContentLengthLong(),
                limits.maxCsvBytes())) {
            predictions.checkRowCount((int) Math.min(scoring.rows(), Integer.MAX_VALUE), "rows");
            return new InvocationsResponse(scoring.all());
        }
    }

    /** {@code {"columns": [...], "data": [[...], ...]}}, pandas' split orient. */
    private double[][] split(JsonNode split, Encoding encoding) {
        if (split == null || !split.isObject() || !split.path("columns").isArray() || !split.path("data").isArray()) {
            throw DomainException.invalidField("dataframe_split", "must be {\"columns\": [names], \"data\": [[values]]}");
        }
        List<String> columns = new ArrayList<>();
        for (JsonNode c : split.get("columns")) {
            if (!c.isString()) {
                throw DomainException.invalidField("dataframe_split.columns", "must be column names");
            }
            columns.add(c.asString());
        }
        TabularRows rows = new TabularRows(encoding, columns, "dataframe_split.columns");
        JsonNode data = split.get("data");
        predictions.checkRowCount(data.size(), "dataframe_split.data");
        double[][] out = new double[data.size()][];
        for (int r = 0; r < out.length; r++) {
            JsonNode row = data.get(r);
            String field = "dataframe_split.data[" + r + "]";
            if (!row.isArray() || row.size() != columns.size()) {
                throw DomainException.invalidField(field, "must be an array of " + columns.size() + " values, one per column");
            }
            out[r] = rows.row(row.values().stream().toList(), field);
        }
        return out;
    }

    private double[][] records(JsonNode records, Encoding encoding, String field) {
        if (records == null || !records.isArray()) {
            throw DomainException.invalidField(field, "must be an array of objects from column to value");
        }
        predictions.checkRowCount(records.size(), field);
        List<Map<String, JsonNode>> maps = new ArrayList<>();
        for (int r = 0; r < records.size(); r++) {
            JsonNode record = records.get(r);
            if (!record.isObject()) {
                throw DomainException.invalidField(field + "[" + r + "]", "must be an object from column to value");
            }
            Map<String, JsonNode> map = new java.util.LinkedHashMap<>();
            record.properties().forEach(e -> map.put(e.getKey(), e.getValue()));
            maps.add(map);
        }
        return TabularRows.fromRecords(maps, encoding, field);
    }

    /**
     * TF serving's shapes: a list of rows (arrays in feature order, or objects by name), or an object from column
     * to its list of values (columnar).
     */
    private double[][] instances(JsonNode instances, Encoding encoding, String field) {
        if (instances != null && instances.isObject()) {
            List<String> columns = new ArrayList<>();
            int length = -1;
            for (String name : instances.propertyNames()) {
                JsonNode values = instances.get(name);
                if (!values.isArray()) {
                    throw DomainException.invalidField(field + "." + name, "must be an array of values, one per row");
                }
                if (length >= 0 && values.size() != length) {
                    throw DomainException.invalidField(field + "." + name, "has " + values.size() + " values; the"
                            + " other columns have " + length);
                }
                length = values.size();
                columns.add(name);
            }
            TabularRows rows = new TabularRows(encoding, columns, field);
            predictions.checkRowCount(Math.max(length, 0), field);
            double[][] out = new double[length][];
            for (int r = 0; r < length; r++) {
                List<JsonNode> row = new ArrayList<>();
                for (String name : columns) {
                    row.add(instances.get(name).get(r));
                }
                out[r] = rows.row(row, field + "[" + r + "]");
            }
            return out;
        }
        if (instances == null || !instances.isArray()) {
            throw DomainException.invalidField(field, "must be a list of rows or an object from column to values");
        }
        predictions.checkRowCount(instances.size(), field);
        boolean objects = instances.get(0).isObject();
        if (objects) {
            return records(instances, encoding, field);
        }
        List<String> features = encoding.names();
        TabularRows rows = new TabularRows(encoding, features, field);
        double[][] out = new double[instances.size()][];
        for (int r = 0; r < out.length; r++) {
            JsonNode row = instances.get(r);
            if (!row.isArray() || row.size() != features.size()) {
                throw DomainException.invalidField(field + "[" + r + "]", "must be an array of " + features.size()
                        + " values in feature order (" + String.join(", ", features) + ")");
            }
            out[r] = rows.row(row.values().stream().toList(), field + "[" + r + "]");
        }
        return out;
    }
}
