package io.netforge.prediction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.netforge.model.ModelReferences;
import io.netforge.model.ModelRepository;
import io.netforge.problem.DomainException;
import io.netforge.tabular.Encoding;
import io.netforge.tabular.Feature;
import io.netforge.tabular.Prediction;
import io.netforge.tabular.RegressionPrediction;
import io.netforge.web.Route;
import tools.jackson.databind.JsonNode;

/**
 * KServe's Open Inference Protocol (V2), REST: health, model metadata and readiness, and {@code infer}. A model is
 * named by its id, or by its name (its newest version) with {@code /versions/{v}} for another: a version number or
 * an alias of the name (champion). Errors are the protocol's {@code {"error": "..."}}.
 * The numbers are {@code /predict}'s, bit for bit.
 */
@RestController
class OpenInferenceController {

    /** @param data row-major values; for BYTES tensors, strings */
    record Tensor(String name, List<Long> shape, String datatype, List<Object> data) {
    }

    record InferResponse(String model_name, String model_version, String id, List<Tensor> outputs) {
    }

    record TensorMetadata(String name, String datatype, List<Long> shape) {
    }

    record ModelMetadata(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
            List<TensorMetadata> outputs) {
    }

    record Live(boolean live) {
    }

    record Ready(boolean ready) {
    }

    record ModelReady(String name, boolean ready) {
    }

    record Error(String error) {
    }

    private final PredictionService predictions;
    private final ModelRepository models;

    private final ModelReferences references;

    OpenInferenceController(PredictionService predictions, ModelRepository models, ModelReferences references) {
        this.predictions = predictions;
        this.models = models;
        this.references = references;
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/v2/health/live")
    Live live() {
        return new Live(true);
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/v2/health/ready")
    Ready ready() {
        return new Ready(true);
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/v2/models/{name}")
    ModelMetadata metadata(@PathVariable String name) {
        return metadata(name, null);
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/v2/models/{name}/versions/{version}")
    ModelMetadata metadata(@PathVariable String name, @PathVariable String version) {
        Resolved resolved = resolve(name, version);
        LoadedModel model = predictions.model(resolved.id());
        List<TensorMetadata> inputs = new ArrayList<>();
        for (Feature feature : model.encoding().features()) {
            inputs.add(new TensorMetadata(feature.name(), feature.textual() ? "BYTES" : "FP64", List.of(-1L)));
        }
        return new ModelMetadata(name, resolved.versions(), "netforge", inputs, outputs(model));
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/v2/models/{name}/ready")
    ModelReady modelReady(@PathVariable String name) {
        return modelReady(name, null);
    }

    @Route(access = Route.Access.READ)
    @GetMapping("/v2/models/{name}/versions/{version}/ready")
    ModelReady modelReady(@PathVariable String name, @PathVariable String version) {
        Resolved resolved = resolve(name, version);
        predictions.model(resolved.id());
        return new ModelReady(name, true);
    }

    @Route(access = Route.Access.PREDICT, limit = Route.Limit.PREDICT, protocol = "v2", body = Route.Body.ROWS)
    @PostMapping("/v2/models/{name}/infer")
    InferResponse infer(@PathVariable String name, @RequestBody JsonNode request) {
        return infer(name, null, request);
    }

    @Route(access = Route.Access.PREDICT, limit = Route.Limit.PREDICT, protocol = "v2", body = Route.Body.ROWS)
    @PostMapping("/v2/models/{name}/versions/{version}/infer")
    InferResponse infer(@PathVariable String name, @PathVariable String version, @RequestBody JsonNode request) {
        Resolved resolved = resolve(name, version);
        LoadedModel model = predictions.model(resolved.id());
        if (request == null || !request.isObject() || !request.path("inputs").isArray() || request.get("inputs").isEmpty()) {
            throw DomainException.invalidField("inputs", "give the inputs: one FP64 tensor of shape [N, "
                    + model.encoding().features().size() + "] or one tensor per feature");
        }
        double[][] rows = rows(request.get("inputs"), model.encoding());
        List<Prediction> predicted = model.predict(rows);
        List<Tensor> outputs = tensors(model, predicted);
        JsonNode wanted = request.get("outputs");
        if (wanted != null && wanted.isArray() && !wanted.isEmpty()) {
            List<Tensor> chosen = new ArrayList<>();
            List<Tensor> all = outputs;
            for (int i = 0; i < wanted.size(); i++) {
                String output = wanted.get(i).path("name").asString("");
                String field = "outputs[" + i + "].name";
                Tensor tensor = all.stream().filter(t -> t.name().equals(output)).findFirst()
                        .orElseThrow(() -> DomainException.invalidField(field,
                                "'" + output + "' is not an output of this model; its outputs are "
                                        + String.join(", ", all.stream().map(Tensor::name).toList())));
                chosen.add(tensor);
            }
            outputs = chosen;
        }
        String id = request.path("id").isString() ? request.get("id").asString() : null;
        return new InferResponse(name, resolved.version(), id, outputs);
    }

    /** The protocol's error shape, for every problem of a V2 request. */
    @ExceptionHandler(DomainException.class)
    ResponseEntity<Error> error(DomainException e) {
        return ResponseEntity.status(io.netforge.web.Problems.status(e.kind())).body(new Error(e.getMessage()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Error> unreadable(HttpMessageNotReadableException e) {
        return ResponseEntity.badRequest().body(new Error("the request body is not a JSON object: "
                + io.netforge.web.JsonProblems.describe(e)));
    }

    private record Resolved(UUID id, String version, List<String> versions) {
    }

    /** A model id, or a name and (null for the newest) a version. */
    private Resolved resolve(String name, String version) {
        if (ModelReferences.isId(name)) {
            UUID id = UUID.fromString(name.strip());
            if (version != null && !version.equals("1")) {
                throw DomainException.notFound("model " + name + " has one version, 1");
            }
            models.getView(id);
            return new Resolved(id, "1", List.of("1"));
        }
        ModelReferences.Version found = references.version(name, version);
        return new Resolved(found.id(), String.valueOf(found.version()),
                found.versions().stream().map(String::valueOf).toList());
    }

    /** The request's rows: one [N, F] numeric tensor, or a tensor per feature (any order; BYTES for categories). */
    private double[][] rows(JsonNode inputs, Encoding encoding) {
        List<Feature> features = encoding.features();
        if (inputs.size() == 1 && !features.stream().anyMatch(f -> f.name().equals(inputs.get(0).path("name").asString("")))
                && features.size() != 1) {
            JsonNode tensor = inputs.get(0);
            List<JsonNode> values = flatten(tensor.path("data"), "inputs[0].data");
            List<Long> shape = shape(tensor, "inputs[0]");
            if (shape.size() != 2 || shape.get(1) != features.size()) {
                throw DomainException.invalidField("inputs[0].shape", "must be [N, " + features.size() + "] for one"
                        + " tensor of all the features, got " + shape);
            }
            numericType(tensor, "inputs[0]");
            long n = shape.get(0);
            if (values.size() != n * features.size()) {
                throw DomainException.invalidField("inputs[0].data", "has " + values.size() + " values; shape " + shape
                        + " needs " + n * features.size());
            }
            predictions.checkRowCount((int) n, "inputs[0]");
            TabularRows columns = new TabularRows(encoding, encoding.names(),
                    "inputs[0]");
            double[][] rows = new double[(int) n][];
            for (int r = 0; r < n; r++) {
                rows[r] = columns.row(values.subList(r * features.size(), (r + 1) * features.size()),
                        "inputs[0].data[" + r + "]");
            }
            return rows;
        }
        Map<String, List<JsonNode>> byName = new LinkedHashMap<>();
        long n = -1;
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode tensor = inputs.get(i);
            String field = "inputs[" + i + "]";
            String name = tensor.path("name").asString("");
            Feature feature = features.stream().filter(f -> f.name().equals(name)).findFirst()
                    .orElseThrow(() -> DomainException.invalidField(field + ".name", "'" + name + "' is not a feature;"
                            + " the features are " + String.join(", ", encoding.names())));
            if (byName.containsKey(name)) {
                throw DomainException.invalidField(field + ".name", "feature '" + name + "' is given twice");
            }
            String datatype = tensor.path("datatype").asString("");
            if (feature.textual() ? !datatype.equals("BYTES") && !isNumeric(datatype) : !isNumeric(datatype)) {
                throw DomainException.invalidField(field + ".datatype", "feature '" + name + "' is "
                        + (feature.textual() ? feature.type() + ": BYTES" : feature.type() + ": FP64, FP32 or an integer type")
                        + ", got '" + datatype + "'");
            }
            List<Long> shape = shape(tensor, field);
            if (shape.isEmpty() || shape.size() > 2 || (shape.size() == 2 && shape.get(1) != 1)) {
                throw DomainException.invalidField(field + ".shape", "must be [N] or [N, 1], got " + shape);
            }
            List<JsonNode> values = flatten(tensor.path("data"), field + ".data");
            if (values.size() != shape.get(0)) {
                throw DomainException.invalidField(field + ".data", "has " + values.size() + " values; shape " + shape
                        + " needs " + shape.get(0));
            }
            if (n >= 0 && shape.get(0) != n) {
                throw DomainException.invalidField(field + ".shape", "has " + shape.get(0) + " rows; the other inputs "
                        + n);
            }
            n = shape.get(0);
            byName.put(name, values);
        }
        List<String> names = new ArrayList<>(byName.keySet());
        TabularRows columns = new TabularRows(encoding, names, "inputs");
        predictions.checkRowCount((int) n, "inputs");
        double[][] rows = new double[(int) n][];
        for (int r = 0; r < n; r++) {
            List<JsonNode> row = new ArrayList<>();
            for (String name : names) {
                row.add(byName.get(name).get(r));
            }
            rows[r] = columns.row(row, "inputs row " + r);
        }
        return rows;
    }

    private static boolean isNumeric(String datatype) {
        return List.of("FP64", "FP32", "FP16", "INT64", "INT32", "INT16", "INT8", "UINT64", "UINT32", "UINT16", "UINT8")
                .contains(datatype);
    }

    private static void numericType(JsonNode tensor, String field) {
        String datatype = tensor.path("datatype").asString("");
        if (!isNumeric(datatype)) {
            throw DomainException.invalidField(field + ".datatype", "one tensor of all the features must be FP64, FP32"
                    + " or an integer type, got '" + datatype + "'; send categorical features as BYTES tensors of"
                    + " their own");
        }
    }

    private static List<Long> shape(JsonNode tensor, String field) {
        JsonNode shape = tensor.path("shape");
        if (!shape.isArray()) {
            throw DomainException.invalidField(field + ".shape", "is required: an array of dimensions");
        }
        List<Long> dims = new ArrayList<>();
        for (JsonNode d : shape) {
            if (!d.isIntegralNumber() || d.asLong() < 0) {
                throw DomainException.invalidField(field + ".shape", "must be non-negative integers, got " + shape);
            }
            dims.add(d.asLong());
        }
        return dims;
    }

    /** The data in row-major order: flat, or nested as some clients send it. */
    private static List<JsonNode> flatten(JsonNode data, String field) {
        if (!data.isArray()) {
            throw DomainException.invalidField(field, "must be an array of values");
        }
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode v : data) {
            if (v.isArray()) {
                out.addAll(flatten(v, field));
            } else {
                out.add(v);
            }
        }
        return out;
    }

    private static List<TensorMetadata> outputs(LoadedModel model) {
        if (!model.task().classification()) {
            return List.of(new TensorMetadata("value", "FP64", List.of(-1L)));
        }
        return List.of(new TensorMetadata("probabilities", "FP64", List.of(-1L, (long) model.classes().size())),
                new TensorMetadata("label", "BYTES", List.of(-1L)));
    }

    /** probabilities [N, K] (binary: 1 - p and p) and label [N], or value [N]. */
    private static List<Tensor> tensors(LoadedModel model, List<Prediction> predicted) {
        long n = predicted.size();
        if (!model.task().classification()) {
            List<Object> values = new ArrayList<>();
            predicted.forEach(p -> values.add(((RegressionPrediction) p).value()));
            return List.of(new Tensor("value", List.of(n), "FP64", values));
        }
        List<Object> probabilities = new ArrayList<>();
        List<Object> labels = new ArrayList<>();
        for (Prediction p : predicted) {
            for (double probability : p.classProbabilities()) {
                probabilities.add(probability);
            }
            labels.add(String.valueOf(p.predictedClass()));
        }
        return List.of(new Tensor("probabilities", List.of(n, (long) model.classes().size()), "FP64", probabilities),
                new Tensor("label", List.of(n), "BYTES", labels));
    }
}
