package io.netforge.export;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.netforge.compute.Activation;
import io.netforge.compute.Objective;
import io.netforge.compute.Precision;
import io.netforge.compute.Standardization;
import io.netforge.model.ModelDocument;
import io.netforge.model.StoredModel;
import io.netforge.model.WeightsCodec;
import io.netforge.network.NetworkSpec;
import io.netforge.problem.DomainException;
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

    private final JsonMapper json;

    ModelImport(JsonMapper json) {
        this.json = json;
    }

    /** @param name the new model's name, or null for the exported model's */
    StoredModel read(byte[] npz, String name, long maxUnpacked) {
        Map<String, Npz.Array> arrays = Npz.read(npz, maxUnpacked);
        JsonNode header = header(arrays);
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
        List<String> features = strings(header, "features");
        Encoding encoding = read(header, "preprocessing", Encoding.class);
        if (!encoding.names().equals(features)) {
            throw DomainException.invalidField("header.preprocessing.features", "must encode the features "
                    + features + " in order");
        }
        List<ClassValue> classes = new ArrayList<>();
        header.path("classes").forEach(c -> classes.add(new ClassValue(
                c.isNumber() ? c.toString() : c.asString(), c.isNumber())));
        task.checkClasses(classes.size(), "header.classes");
        int outputs = task.outputs(classes.size());
        Objective objective = task.objective();

        // the layers: shapes chained from the encoding's width to the outputs, known functions, finite values
        JsonNode layers = header.path("layers");
        if (!layers.isArray() || layers.isEmpty()) {
            throw DomainException.invalidField("header.layers", "must list the network's layers");
        }
        List<Integer> sizes = new ArrayList<>(List.of(encoding.width()));
        List<String> activations = new ArrayList<>();
        List<double[]> weights = new ArrayList<>();
        List<double[]> biases = new ArrayList<>();
        for (int l = 0; l < layers.size(); l++) {
            JsonNode layer = layers.get(l);
            String field = "header.layers[" + l + "]";
            Npz.Array w = array(arrays, layer.path("weights").asString(""), field + ".weights");
            Npz.Array b = array(arrays, layer.path("bias").asString(""), field + ".bias");
            int in = sizes.get(l);
            int out = l == layers.size() - 1 ? outputs : w.columns();
            if (w.shape().length != 2 || w.rows() != in || w.columns() != out) {
                throw DomainException.invalidField(field + ".weights", "array '" + w.name() + "' must be " + in + " x "
                        + out + ", is " + java.util.Arrays.toString(w.shape()));
            }
            if (b.values().length != out || b.shape().length > 2 || (b.shape().length == 2 && b.rows() != 1)) {
                throw DomainException.invalidField(field + ".bias", "array '" + b.name() + "' must hold " + out
                        + " values, has shape " + java.util.Arrays.toString(b.shape()));
            }
            finite(w);
            finite(b);
            String activation = layer.path("activation").asString("");
            if (l < layers.size() - 1) {
                if (Activation.byId(activation) == null) {
                    throw DomainException.invalidField(field + ".activation", "unknown activation '" + activation + "'");
                }
                activations.add(activation);
            } else if (!activation.equals(ModelExport.output(objective))) {
                throw DomainException.invalidField(field + ".activation", "a " + task.id() + " model's last layer is "
                        + ModelExport.output(objective) + ", got '" + activation + "'");
            }
            sizes.add(out);
            weights.add(w.values());
            biases.add(b.values());
        }
        byte[] bytes = WeightsCodec.encode(new WeightsCodec.Layers(weights, biases));

        ModelDocument.StandardizationDoc standardization = null;
        if (header.path("standardize").asBoolean(false)) {
            Npz.Array mean = array(arrays, "mean", "mean");
            Npz.Array sd = array(arrays, "sd", "sd");
            if (mean.values().length != encoding.width() || sd.values().length != encoding.width()) {
                throw DomainException.invalidField("mean", "mean and sd must hold one value per input ("
                        + encoding.width() + "), hold " + mean.values().length + " and " + sd.values().length);
            }
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

        List<Integer> hidden = sizes.subList(1, sizes.size() - 1);
        NetworkSpec spec = header.hasNonNull("network") ? read(header, "network", NetworkSpec.class)
                : new NetworkSpec(hidden, NetworkSpec.DEFAULT_LEARNING_RATE, 0,
                        header.path("threshold").asDouble(NetworkSpec.DEFAULT_THRESHOLD), 0,
                        standardization != null, precision(header), activations, null, null, null, null, null, null);
        if (!spec.hiddenLayers().equals(hidden) || !spec.activation().equals(activations)) {
            throw DomainException.invalidField("header.network", "its hiddenLayers " + spec.hiddenLayers()
                    + " and activation " + spec.activation() + " must be the layers' " + hidden + " and " + activations);
        }
        ModelDocument.Provenance provenance = read(header, "provenance", ModelDocument.Provenance.class);
        String modelName = name != null ? name : header.path("name").asString("");
        List<ModelDocument.LossPoint> lossCurve = optionalList(header, "lossCurve");
        List<ModelDocument.LossPoint> validationLossCurve = optionalList(header, "validationLossCurve");
        ModelDocument.TrainingSummary training = header.hasNonNull("training")
                ? read(header, "training", ModelDocument.TrainingSummary.class)
                : new ModelDocument.TrainingSummary(provenance.iterations(), "maxIterations", null, null, null);
        ModelDocument document = new ModelDocument(ModelDocument.FORMAT_VERSION, UUID.randomUUID(), modelName,
                task, features, header.path("label").asString(""), classes, encoding, standardization, target,
                spec, sizes, objective.id(), WeightsCodec.layout(bytes),
                header.hasNonNull("metrics") ? read(header, "metrics", Metrics.TrainTest.class) : null,
                lossCurve, validationLossCurve, training, provenance,
                header.hasNonNull("roc") ? read(header, "roc", Roc.class) : null);
        StoredModel model = new StoredModel(document, bytes);
        WeightsCodec.decode(model).close(); // the network builds from what is stored
        return model;
    }

    private JsonNode header(Map<String, Npz.Array> arrays) {
        Npz.Array header = arrays.get("header");
        if (header == null) {
            throw DomainException.invalidInput("the npz has no 'header' array: only npz files netforge exported are"
                    + " imported");
        }
        byte[] bytes = new byte[header.values().length];
        for (int i = 0; i < bytes.length; i++) {
            double v = header.values()[i];
            if (!(v >= 0 && v <= 255) || v != Math.rint(v)) {
                throw DomainException.invalidField("header", "must hold the bytes of UTF-8 JSON, found " + v);
            }
            bytes[i] = (byte) v;
        }
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
        } catch (JacksonException | IllegalArgumentException | NullPointerException e) {
            throw DomainException.invalidField("header." + field, "is not valid: " + e.getMessage());
        }
    }

    private List<ModelDocument.LossPoint> optionalList(JsonNode header, String field) {
        List<ModelDocument.LossPoint> points = new ArrayList<>();
        if (header.hasNonNull(field)) {
            try {
                for (JsonNode p : header.get(field)) {
                    points.add(json.treeToValue(p, ModelDocument.LossPoint.class));
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

    private static Precision precision(JsonNode header) {
        try {
            return Precision.valueOf(header.path("precision").asString("FLOAT64"));
        } catch (IllegalArgumentException e) {
            throw DomainException.invalidField("header.precision", "must be FLOAT64 or FLOAT32");
        }
    }

    private static Npz.Array array(Map<String, Npz.Array> arrays, String name, String field) {
        Npz.Array array = arrays.get(name);
        if (array == null) {
            throw DomainException.invalidField(field, "the npz has no array '" + name + "'");
        }
        return array;
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
