package io.netforge.export;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.netforge.compute.Objective;
import io.netforge.compute.Standardization;
import io.netforge.model.ModelDocument;
import io.netforge.model.StoredModel;
import io.netforge.model.WeightsCodec;
import io.netforge.network.NetworkLimits;
import io.netforge.network.NetworkRequest;
import io.netforge.network.NetworkSpec;
import io.netforge.network.NetworkSpecValidator;
import io.netforge.problem.DomainException;
import io.netforge.problem.Names;
import io.netforge.tabular.CategoricalFeature;
import io.netforge.tabular.Calibration;
import io.netforge.tabular.ClassValue;
import io.netforge.tabular.Encoding;
import io.netforge.tabular.Metrics;
import io.netforge.tabular.Roc;
import io.netforge.tabular.TargetScale;
import io.netforge.tabular.Task;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An npz that netforge exported ({@link ModelExport}) read back into a model: the header says what the arrays are,
 * and everything is checked before it is served (the format and its version, the task and classes, each layer's
 * shape against the one before and the encoding's width, the functions, finite values, the standardisation and
 * target scale), each failure a 400 naming the field or array. The weights are stored as netforge stores a trained
 * model's, so the imported model predicts the exported one's numbers bit for bit.
 */
final class ModelImport {

    /** The most bytes the header member may unpack to (its JSON, four bytes a character as int32). */
    static final long MAX_HEADER_BYTES = 64L * 1024 * 1024;

    private final JsonMapper json;
    private final NetworkSpecValidator validator;
    private final NetworkLimits limits;

    ModelImport(JsonMapper json, NetworkSpecValidator validator, NetworkLimits limits) {
        this.json = json;
        this.validator = validator;
        this.limits = limits;
    }

    /**
     * The model an npz holds. The header is read and checked first, with the rules of a training request (the
     * network, by {@link NetworkSpecValidator}, limits included) and of the model format (distinct features, classes
     * and levels; the task's classes; metrics of the task's kind and in range); then each array its layers name is
     * unpacked only as far as its shape needs, and a member the header does not name is refused.
     *
     * @param name the new model's name, or null for the exported model's
     */
    StoredModel read(Npz npz, String name) {
        JsonNode header = header(npz);
        String format = header.path("format").asString("");
        if (!ModelExport.FORMAT.equals(format)) {
            throw DomainException.invalidField("header.format", "must be '" + ModelExport.FORMAT + "', got '" + format
                    + "': only npz files netforge exported are imported");
        }
        if (header.path("version").asInt(-1) != ModelExport.VERSION) {
            throw DomainException.invalidField("header.version", "must be " + ModelExport.VERSION + ", got "
                    + header.path("version"));
        }
        Task task = Task.byId(header.path("task").asString(""));
        if (task == null) {
            throw DomainException.invalidField("header.task", "must be one of " + Task.names());
        }
        List<String> features = distinct(strings(header, "features"), "header.features");
        Encoding encoding = read(header, "preprocessing", Encoding.class);
        if (!encoding.names().equals(features)) {
            throw DomainException.invalidField("header.preprocessing.features", "must encode the features "
                    + features + " in order");
        }
        for (int f = 0; f < encoding.features().size(); f++) {
            if (encoding.features().get(f) instanceof CategoricalFeature c) {
                distinct(c.levels().stream().map(Encoding.Level::value).toList(),
                        "header.preprocessing.features[" + f + "].levels");
            }
        }
        List<ClassValue> classes = new ArrayList<>();
        header.path("classes").forEach(c -> classes.add(new ClassValue(
                c.isNumber() ? c.toString() : c.asString(), c.isNumber())));
        distinct(classes.stream().map(ClassValue::value).toList(), "header.classes");
        task.checkClasses(classes.size(), "header.classes");
        int outputs = task.outputs(classes.size());
        Objective objective = task.objective();

        // the network as a training request would have it, then the layers the header says the arrays are
        JsonNode network = header.path("network");
        if (!network.isObject()) {
            throw DomainException.invalidField("header.network", "is missing");
        }
        NetworkRequest request;
        try {
            request = json.treeToValue(network, NetworkRequest.class);
        } catch (JacksonException e) {
            throw io.netforge.web.JsonProblems.invalidValue("header.network", e);
        }
        long unbounded = Long.MAX_VALUE / 4;
        NetworkSpec spec = validator.validate(request, new NetworkSpecValidator.Data(encoding.width(),
                classes.stream().map(ClassValue::value).toList(),
                java.util.Collections.nCopies(Math.max(1, classes.size()), unbounded).stream().mapToLong(Long::longValue)
                        .toArray()), "header.network");
        JsonNode layers = header.path("layers");
        if (!layers.isArray() || layers.size() != spec.hiddenLayers().size() + 1) {
            throw DomainException.invalidField("header.layers", "must list the network's " + (spec.hiddenLayers().size()
                    + 1) + " layers (hidden " + spec.hiddenLayers() + " and the output)");
        }
        List<Integer> sizes = new ArrayList<>(List.of(encoding.width()));
        sizes.addAll(spec.hiddenLayers());
        sizes.add(outputs);
        java.util.Set<String> named = new java.util.HashSet<>(List.of("header"));
        for (int l = 0; l < layers.size(); l++) {
            JsonNode layer = layers.get(l);
            String field = "header.layers[" + l + "]";
            if (layer.path("inputs").asLong(-1) != sizes.get(l) || layer.path("outputs").asLong(-1) != sizes.get(l + 1)) {
                throw DomainException.invalidField(field, "must take " + sizes.get(l) + " inputs to " + sizes.get(l + 1)
                        + " outputs, says " + layer.path("inputs") + " to " + layer.path("outputs"));
            }
            String activation = layer.path("activation").asString("");
            String expected = l < layers.size() - 1 ? spec.activation().get(l) : ModelExport.output(objective);
            if (!activation.equals(expected)) {
                throw DomainException.invalidField(field + ".activation", "must be '" + expected + "' (header.network"
                        + (l < layers.size() - 1 ? ".activation[" + l + "]" : ": a " + task.id() + " model's output")
                        + "), got '" + activation + "'");
            }
            named.add(layer.path("weights").asString(""));
            named.add(layer.path("bias").asString(""));
        }
        if (spec.standardize()) {
            named.addAll(List.of("mean", "sd"));
        }
        for (String member : npz.names()) {
            if (!named.contains(member)) {
                throw DomainException.invalidInput("npz member '" + member + ".npy' is not an array the header names");
            }
        }

        // now the arrays, each unpacked no further than its shape needs
        List<double[]> weights = new ArrayList<>();
        List<double[]> biases = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            JsonNode layer = layers.get(l);
            String field = "header.layers[" + l + "]";
            int in = sizes.get(l);
            int out = sizes.get(l + 1);
            Npz.Array w = npz.array(layer.path("weights").asString(""), (long) in * out);
            Npz.Array b = npz.array(layer.path("bias").asString(""), out);
            if (w.shape().length != 2 || w.rows() != in || w.columns() != out) {
                throw DomainException.invalidField(field + ".weights", "array '" + w.name() + "' must be " + in + " x "
                        + out + ", is " + java.util.Arrays.toString(w.shape()));
            }
            if (b.shape().length > 2 || (b.shape().length == 2 && b.rows() != 1)) {
                throw DomainException.invalidField(field + ".bias", "array '" + b.name() + "' must hold " + out
                        + " values, has shape " + java.util.Arrays.toString(b.shape()));
            }
            finite(w);
            finite(b);
            weights.add(w.values());
            biases.add(b.values());
        }
        byte[] bytes = WeightsCodec.encode(new WeightsCodec.Layers(weights, biases));

        ModelDocument.StandardizationDoc standardization = null;
        if (spec.standardize() != header.path("standardize").asBoolean(false)) {
            throw DomainException.invalidField("header.standardize", "must be header.network.standardize, "
                    + spec.standardize());
        }
        if (spec.standardize()) {
            Npz.Array mean = npz.array("mean", encoding.width());
            Npz.Array sd = npz.array("sd", encoding.width());
            try {
                new Standardization(mean.values(), sd.values());
            } catch (IllegalArgumentException e) {
                throw DomainException.invalidField("sd", e.getMessage());
            }
            standardization = new ModelDocument.StandardizationDoc(mean.values(), sd.values());
        }
        TargetScale target = null;
        if (!task.classification()) {
            JsonNode t = header.path("target");
            try {
                target = new TargetScale(t.path("mean").asDouble(Double.NaN), t.path("sd").asDouble(Double.NaN));
            } catch (IllegalArgumentException e) {
                throw DomainException.invalidField("header.target", e.getMessage());
            }
        }
        ModelDocument.Provenance provenance = read(header, "provenance", ModelDocument.Provenance.class);
        String modelName = name != null ? Names.check("name", name)
                : Names.check("header.name", header.path("name").asString(""));
        List<ModelDocument.LossPoint> lossCurve = optionalList(header, "lossCurve");
        List<ModelDocument.LossPoint> validationLossCurve = optionalList(header, "validationLossCurve");
        ModelDocument.TrainingSummary training = header.hasNonNull("training")
                ? read(header, "training", ModelDocument.TrainingSummary.class)
                : new ModelDocument.TrainingSummary(provenance.iterations(), "maxIterations", null, null, null);
        Metrics.TrainTest metrics = header.hasNonNull("metrics") ? read(header, "metrics", Metrics.TrainTest.class)
                : null;
        checkMetrics(task, metrics);
        ModelDocument document = new ModelDocument(ModelDocument.FORMAT_VERSION, UUID.randomUUID(), modelName,
                task, features, header.path("label").asString(""), classes, encoding, standardization, target,
                spec, sizes, objective.id(), WeightsCodec.layout(bytes), metrics, lossCurve, validationLossCurve,
                training, provenance, header.hasNonNull("roc") ? read(header, "roc", Roc.class) : null,
                optionalList(header, "warnings", ModelDocument.Warning.class), calibration(header, task),
                thresholdChoice(header, task));
        StoredModel model = new StoredModel(document, bytes);
        WeightsCodec.predictor(model); // the network builds from what is stored
        return model;
    }

    /** A calibration the header carries, checked: the task's method, finite parameters, an increasing map. */
    private ModelDocument.CalibrationDoc calibration(JsonNode header, Task task) {
        if (!header.hasNonNull("calibration")) {
            return null;
        }
        String field = "header.calibration.fitted";
        String method = header.path("calibration").path("fitted").path("method").asString("");
        if (!Calibration.METHODS.contains(method)) {
            throw DomainException.invalidField(field + ".method", "must be one of " + String.join(", ",
                    Calibration.METHODS) + ", got '" + method + "'");
        }
        ModelDocument.CalibrationDoc doc = read(header, "calibration", ModelDocument.CalibrationDoc.class);
        Calibration fitted = doc.fitted();
        if (!Calibration.fits(fitted.method(), task)) {
            throw DomainException.invalidField(field + ".method", fitted.method() + " does not calibrate a " + task.id()
                    + " model");
        }
        if (fitted instanceof Calibration.Platt p && !(Double.isFinite(p.a()) && Double.isFinite(p.b()))) {
            throw DomainException.invalidField(field, "a and b must be finite numbers");
        }
        if (fitted instanceof Calibration.Temperature t && !(t.t() > 0 && Double.isFinite(t.t()))) {
            throw DomainException.invalidField(field + ".t", "must be a finite number above 0, got " + t.t());
        }
        if (fitted instanceof Calibration.Isotonic i) {
            if (i.x() == null || i.y() == null || i.x().length == 0 || i.x().length != i.y().length) {
                throw DomainException.invalidField(field, "x and y must be as long as each other, and not empty");
            }
            for (int k = 0; k < i.x().length; k++) {
                if (!Double.isFinite(i.x()[k]) || !(i.y()[k] >= 0 && i.y()[k] <= 1)
                        || k > 0 && !(i.x()[k] > i.x()[k - 1] && i.y()[k] >= i.y()[k - 1])) {
                    throw DomainException.invalidField(field, "point " + k + ": x must increase and y (in [0, 1])"
                            + " must not decrease");
                }
            }
        }
        return doc;
    }

    /** A chosen threshold the header carries, checked: a binary model's, in [0, 1]. */
    private ModelDocument.ThresholdDoc thresholdChoice(JsonNode header, Task task) {
        if (!header.hasNonNull("thresholdChoice")) {
            return null;
        }
        ModelDocument.ThresholdDoc doc = read(header, "thresholdChoice", ModelDocument.ThresholdDoc.class);
        if (task != Task.BINARY || doc.choice() == null || !(doc.choice().threshold() >= 0
                && doc.choice().threshold() <= 1)) {
            throw DomainException.invalidField("header.thresholdChoice", "must be a binary model's choice with a"
                    + " threshold in [0, 1]");
        }
        return doc;
    }

    /** Each of the rows sets of metrics must be the task's record, its measures in their ranges. */
    private static void checkMetrics(Task task, Metrics.TrainTest metrics) {
        if (metrics == null) {
            return;
        }
        String[] parts = {"train", "validation", "test"};
        Metrics[] all = {metrics.train(), metrics.validation(), metrics.test()};
        for (int i = 0; i < all.length; i++) {
            if (all[i] == null) {
                continue;
            }
            String problem = task.checkMetrics(all[i]);
            if (problem != null) {
                throw DomainException.invalidField("header.metrics." + parts[i], problem);
            }
        }
    }

    /** The list, if no value appears twice; else a 400 naming the field and the value. */
    private static List<String> distinct(List<String> values, String field) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String v : values) {
            if (!seen.add(v)) {
                throw DomainException.invalidField(field, "'" + v + "' appears twice");
            }
        }
        return values;
    }

    /** The header member: UTF-8 JSON as an array of its bytes (int32 as netforge writes them, or uint8). */
    private JsonNode header(Npz npz) {
        if (!npz.names().contains("header")) {
            throw DomainException.invalidInput("the npz has no 'header' array: only npz files netforge exported are"
                    + " imported");
        }
        byte[] bytes = Npz.bytes("header", npz.member("header", MAX_HEADER_BYTES));
        try {
            JsonNode node = json.readTree(new String(bytes, StandardCharsets.UTF_8));
            if (!node.isObject()) {
                throw DomainException.invalidField("header", "must be a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw DomainException.invalidField("header", "is not JSON: " + e.getOriginalMessage());
        }
    }

    private <T> T read(JsonNode header, String field, Class<T> type) {
        JsonNode node = header.get(field);
        if (node == null || node.isNull()) {
            throw DomainException.invalidField("header." + field, "is missing");
        }
        try {
            return json.treeToValue(node, type);
        } catch (JacksonException e) {
            throw io.netforge.web.JsonProblems.invalidValue("header." + field, e);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw DomainException.invalidField("header." + field, "is not valid: " + e.getMessage());
        }
    }

    private List<ModelDocument.LossPoint> optionalList(JsonNode header, String field) {
        return optionalList(header, field, ModelDocument.LossPoint.class);
    }

    private <T> List<T> optionalList(JsonNode header, String field, Class<T> type) {
        List<T> points = new ArrayList<>();
        if (header.hasNonNull(field)) {
            try {
                for (JsonNode p : header.get(field)) {
                    points.add(json.treeToValue(p, type));
                }
            } catch (JacksonException e) {
                throw DomainException.invalidField("header." + field, "is not valid: " + e.getOriginalMessage());
            }
        }
        return points;
    }

    private static List<String> strings(JsonNode header, String field) {
        JsonNode node = header.path(field);
        if (!node.isArray() || node.isEmpty()) {
            throw DomainException.invalidField("header." + field, "must be a non-empty list");
        }
        List<String> values = new ArrayList<>();
        node.forEach(v -> values.add(v.asString()));
        return values;
    }

    private static void finite(Npz.Array array) {
        for (int i = 0; i < array.values().length; i++) {
            if (!Double.isFinite(array.values()[i])) {
                throw DomainException.invalidField(array.name(), "value " + i + " is " + array.values()[i]
                        + "; weights must be finite");
            }
        }
    }
}
