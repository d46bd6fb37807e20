package io.netforge.export;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.shade.protobuf.ByteString;

import io.netforge.compute.Activation;
import io.netforge.compute.Objective;
import io.netforge.compute.Precision;
import io.netforge.model.ModelDocument;
import io.netforge.model.StoredModel;
import io.netforge.model.WeightsCodec;
import io.netforge.tabular.BooleanFeature;
import io.netforge.tabular.CategoricalFeature;
import io.netforge.tabular.DateFeature;
import io.netforge.tabular.Encoding;
import io.netforge.tabular.Feature;
import io.netforge.tabular.NumericFeature;
import io.netforge.tabular.Task;
import onnx.Onnx.TensorProto.DataType;
import onnx.Onnx;
import tools.jackson.databind.json.JsonMapper;

/**
 * A fitted model as one ONNX graph, the whole of {@code /predict}: per feature a named input of shape {@code [N, 1]}
 * (a numeric feature {@code double}, NaN when missing; a boolean one {@code double} 0 or 1, NaN when missing; a
 * categorical one {@code string}, its level's text, the empty
 * string when missing), the encoding (missing values filled, "was missing" indicators, one-hot levels), the
 * standardisation, the network's layers and its output function, then the answers: {@code probabilities}
 * ({@code [N, K]}, K = 2 for a binary model, the positive class second) and {@code label} ({@code [N]}, the classes
 * as text), or {@code value} ({@code [N, 1]}, in the target's units) for a regression. Everything runs in float64
 * up to the network; a FLOAT32 network then runs in float, as netforge runs it. The provenance and the export header
 * are in the model's metadata.
 *
 * <p>Built with the ONNX protobuf classes ND4J's jar carries ({@code onnx.Onnx}), standard operators only, opset
 * {@value #OPSET} (string {@code Equal} needs 19).
 */
final class OnnxExport {

    static final int OPSET = 19;
    /** The IR version opset 19 needs. */
    static final int IR_VERSION = 9;

    private final ModelDocument document;
    private final WeightsCodec.Layers layers;
    private final Map<String, Object> header;
    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder();
    private final Map<String, String> outputs = new LinkedHashMap<>();
    private int names;

    OnnxExport(StoredModel model, Map<String, Object> header) {
        this.document = model.document();
        this.layers = WeightsCodec.layers(model);
        this.header = header;
    }

    byte[] bytes(JsonMapper json) {
        graph.setName(graphName());
        boolean float32 = document.network().precision() == Precision.FLOAT32;
        int network = float32 ? DataType.FLOAT_VALUE : DataType.DOUBLE_VALUE;

        String x = concat(encodeFeatures());
        if (document.standardization() != null) {
            x = node("Sub", x, constant(document.standardization().mean(), DataType.DOUBLE_VALUE));
            x = node("Div", x, constant(document.standardization().sd(), DataType.DOUBLE_VALUE));
        }
        if (float32) {
            x = cast(x, network);
        }
        String z = layers(x, network);
        answers(z, network);

        Onnx.ModelProto.Builder model = Onnx.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("netforge")
                .setProducerVersion(String.valueOf(document.provenance().netforgeVersion()))
                .setDomain("io.netforge")
                .setDocString("netforge model " + document.id() + " (" + document.name() + "), task "
                        + document.task() + ": inputs are the features by name, [N, 1] each; numbers as double"
                        + " (NaN when missing), categories as string (empty when missing)")
                .setGraph(graph);
        model.addOpsetImportBuilder().setDomain("").setVersion(OPSET);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("netforge.modelId", String.valueOf(document.id()));
        metadata.put("netforge.name", document.name());
        metadata.put("netforge.task", document.task().id());
        metadata.put("netforge.features", json.writeValueAsString(document.features()));
        metadata.put("netforge.classes", json.writeValueAsString(header.get("classes")));
        metadata.put("netforge.outputs", json.writeValueAsString(outputs));
        metadata.put("netforge.provenance", json.writeValueAsString(document.provenance()));
        metadata.put("netforge.header", json.writeValueAsString(header));
        metadata.forEach((key, value) -> model.addMetadataPropsBuilder().setKey(key).setValue(value));
        return model.build().toByteArray();
    }

    private String graphName() {
        return "netforge_" + document.name().replaceAll("[^A-Za-z0-9_]+", "_");
    }

    /** Each feature's input and the graph values of its network inputs, in {@link Encoding#inputNames()} order. */
    private List<String> encodeFeatures() {
        List<String> parts = new ArrayList<>();
        for (Feature feature : document.preprocessing().features()) {
            // each kind of feature as ONNX operators; a kind ONNX cannot express is refused when exported
            if (feature instanceof CategoricalFeature f) {
                input(f.name(), DataType.STRING_VALUE);
                String[] levels = f.levels().stream().map(Encoding.Level::value).toArray(String[]::new);
                if (levels.length > 0) { // [N, 1] == [L] -> [N, L], one 1 where the text is the level's
                    parts.add(cast(node("Equal", f.name(), constant(levels)), DataType.DOUBLE_VALUE));
                }
                if (Boolean.TRUE.equals(f.missingLevel())) {
                    parts.add(cast(node("Equal", f.name(), constant(new String[] {""})), DataType.DOUBLE_VALUE));
                }
            } else if (feature instanceof NumericFeature f) {
                number(f.name(), f.fill() == null ? Double.NaN : f.fill(), Boolean.TRUE.equals(f.indicator()), parts);
            } else if (feature instanceof BooleanFeature f) {
                // 0/1 as a double (NaN when missing): the graph of a number
                number(f.name(), f.fill(), f.indicator(), parts);
            } else if (feature instanceof DateFeature f) {
                throw io.netforge.problem.DomainException.unprocessable("format=onnx: feature '" + f.name()
                        + "' is a date, whose calendar parts (year, month, weekday, ...) this export does not compute"
                        + " in ONNX operators; use format=npz (the weights and the encoding as JSON), or /predict")
                        .with("field", "format");
            }
        }
        return parts;
    }

    /** A double input: its value, NaN filled in, and the "was missing" indicator when asked. */
    private void number(String name, double fill, boolean indicator, List<String> parts) {
        input(name, DataType.DOUBLE_VALUE);
        String missing = node("IsNaN", name);
        parts.add(node("Where", missing, constant(new double[] {fill}, DataType.DOUBLE_VALUE), name));
        if (indicator) {
            parts.add(cast(missing, DataType.DOUBLE_VALUE));
        }
    }

    private String concat(List<String> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return node("Concat", List.of(intAttribute("axis", 1)), parts.toArray(String[]::new));
    }

    /** a = f(a W + b) per hidden layer; the last layer's pre-activation z is returned. */
    private String layers(String x, int type) {
        List<Integer> sizes = document.layerSizes();
        List<Activation> activations = document.architecture().activations();
        String a = x;
        int last = sizes.size() - 2;
        for (int l = 0; l <= last; l++) {
            int in = sizes.get(l);
            int out = sizes.get(l + 1);
            String w = constant(layers.weights().get(l), type, in, out);
            String b = constant(layers.biases().get(l), type, out);
            String z = node("Add", node("MatMul", a, w), b);
            a = l < last ? hidden(activations.get(l), z, type) : z;
        }
        return a;
    }

    /**
     * A hidden layer's function. A float network's is computed in double and rounded to float, as netforge computes
     * it; relu and identity need no rounding.
     */
    private String hidden(Activation f, String z, int type) {
        if (type == DataType.DOUBLE_VALUE || f == Activation.RELU || f == Activation.IDENTITY) {
            return activate(f, z, type);
        }
        return cast(activate(f, cast(z, DataType.DOUBLE_VALUE), DataType.DOUBLE_VALUE), type);
    }

    private String activate(Activation f, String z, int type) {
        return switch (f) {
            case SIGMOID -> sigmoid(z, type);
            case TANH -> node("Tanh", z);
            case RELU -> node("Relu", z);
            // z < 0 ? slope z : z, with the slope in the network's type (LeakyRelu's alpha is a float attribute)
            case LEAKY_RELU -> node("Where", node("Less", z, constant(new double[] {0}, type)),
                    node("Mul", z, constant(new double[] {Activation.LEAKY_SLOPE}, type)), z);
            case IDENTITY -> z;
        };
    }

    /** The output function runs in double, on the logits rounded to float for a float network, then is rounded. */
    private void answers(String logits, int type) {
        String z = type == DataType.DOUBLE_VALUE ? logits : cast(logits, DataType.DOUBLE_VALUE);
        Objective objective = document.architecture().objective();
        Task task = document.task();
        String[] classes = document.readout().classNames().toArray(String[]::new);
        switch (task) {
            case BINARY -> {
                String p = sigmoid(z, DataType.DOUBLE_VALUE);
                if (type != DataType.DOUBLE_VALUE) { // rounded to float, as netforge rounds a float network's
                    p = cast(cast(p, type), DataType.DOUBLE_VALUE);
                }
                String calibrated = calibrate(p, 1);
                String answered = type == DataType.DOUBLE_VALUE ? calibrated : cast(calibrated, type);
                String probabilities = outputName("probabilities");
                graph.addNode(Onnx.NodeProto.newBuilder().setOpType("Concat").setName(probabilities)
                        .addInput(node("Sub", constant(new double[] {1}, type), answered)).addInput(answered)
                        .addOutput(probabilities).addAttribute(intAttribute("axis", 1)));
                output(probabilities, type, 2);
                String positive = node("GreaterOrEqual", calibrated,
                        constant(new double[] {document.threshold()}, DataType.DOUBLE_VALUE));
                String labels = node("Where", positive, constant(new String[] {classes[1]}),
                        constant(new String[] {classes[0]}));
                String label = outputName("label");
                graph.addNode(Onnx.NodeProto.newBuilder().setOpType("Squeeze").setName(label).addInput(labels)
                        .addInput(constantLongs(new long[] {1})).addOutput(label));
                output(label, DataType.STRING_VALUE, -1);
            }
            case MULTICLASS -> {
                if (objective != Objective.SOFTMAX_CROSS_ENTROPY) {
                    throw new IllegalStateException("a multi-class model without softmax: " + objective);
                }
                // exp(z - max) / sum, as netforge computes it (the operator Softmax may approximate exp)
                String axis = constantLongs(new long[] {1});
                String e = node("Exp", node("Sub", z, node("ReduceMax", List.of(intAttribute("keepdims", 1)), z, axis)));
                String probabilities = outputName("probabilities");
                String divided = node("Div", e, node("ReduceSum", List.of(intAttribute("keepdims", 1)), e, axis));
                if (type != DataType.DOUBLE_VALUE) { // rounded to float, as netforge rounds a float network's
                    divided = cast(cast(divided, type), DataType.DOUBLE_VALUE);
                }
                String calibrated = calibrate(divided, classes.length);
                graph.addNode(Onnx.NodeProto.newBuilder().setOpType(type == DataType.DOUBLE_VALUE ? "Identity" : "Cast")
                        .setName(probabilities).addInput(calibrated).addOutput(probabilities)
                        .addAllAttribute(type == DataType.DOUBLE_VALUE ? List.of() : List.of(intAttribute("to", type))));
                output(probabilities, type, classes.length);
                String best = node("ArgMax", List.of(intAttribute("axis", 1), intAttribute("keepdims", 0)),
                        probabilities);
                String label = outputName("label");
                graph.addNode(Onnx.NodeProto.newBuilder().setOpType("Gather").setName(label)
                        .addInput(constant(classes)).addInput(best).addOutput(label));
                output(label, DataType.STRING_VALUE, -1);
            }
            case REGRESSION -> {
                String scaled = node("Mul", z, constant(new double[] {document.target().sd()},
                        DataType.DOUBLE_VALUE));
                String value = outputName("value");
                graph.addNode(Onnx.NodeProto.newBuilder().setOpType("Add").setName(value).addInput(scaled)
                        .addInput(constant(new double[] {document.target().mean()}, DataType.DOUBLE_VALUE))
                        .addOutput(value));
                output(value, DataType.DOUBLE_VALUE, 1);
            }
        }
    }

    /**
     * The model's calibration of double probabilities ({@code width} 1: the positive class's, [N, 1]; else [N, K]), as
     * {@link io.netforge.tabular.Calibration} computes it; the probabilities themselves without one.
     */
    private String calibrate(String p, int width) {
        io.netforge.tabular.Calibration calibration = document.readout().calibration();
        int d = DataType.DOUBLE_VALUE;
        if (calibration == null) {
            return p;
        }
        if (calibration instanceof io.netforge.tabular.Calibration.Platt platt) { // 1 / (1 + exp(a p + b))
            String one = constant(new double[] {1}, d);
            String az = node("Add", node("Mul", p, constant(new double[] {platt.a()}, d)),
                    constant(new double[] {platt.b()}, d));
            return node("Div", one, node("Add", one, node("Exp", az)));
        }
        if (calibration instanceof io.netforge.tabular.Calibration.Isotonic iso) {
            // np.interp: p clipped to [x0, x_last]; j = (points at or below it) - 1, at most the last segment's;
            // slope_j (p - x_j) + y_j
            double[] x = iso.x();
            double[] y = iso.y();
            int m = x.length;
            if (m == 1) {
                return node("Add", node("Mul", p, constant(new double[] {0}, d)), constant(new double[] {y[0]}, d));
            }
            double[] starts = java.util.Arrays.copyOf(x, m - 1);
            double[] values = java.util.Arrays.copyOf(y, m - 1);
            double[] slopes = new double[m - 1];
            for (int j = 0; j < m - 1; j++) {
                slopes[j] = (y[j + 1] - y[j]) / (x[j + 1] - x[j]);
            }
            String clipped = node("Max", node("Min", p, constant(new double[] {x[m - 1]}, d)),
                    constant(new double[] {x[0]}, d));
            String below = cast(node("GreaterOrEqual", clipped, constant(starts, d)), DataType.INT64_VALUE);
            String j = node("Sub", node("ReduceSum", List.of(intAttribute("keepdims", 1)), below,
                    constantLongs(new long[] {1})), constantLongs(new long[] {1}));
            String slope = node("Gather", constant(slopes, d), j);
            String start = node("Gather", constant(starts, d), j);
            String value = node("Gather", constant(values, d), j);
            return node("Add", node("Mul", slope, node("Sub", clipped, start)), value);
        }
        double t = ((io.netforge.tabular.Calibration.Temperature) calibration).t();
        String all = width == 1 ? node("Concat", List.of(intAttribute("axis", 1)),
                node("Sub", constant(new double[] {1}, d), p), p) : p;
        String scaled = node("Div", node("Log", node("Max", all, constant(new double[] {
                io.netforge.tabular.Calibration.SMALLEST}, d))), constant(new double[] {t}, d));
        String axis = constantLongs(new long[] {1});
        String e = node("Exp", node("Sub", scaled, node("ReduceMax", List.of(intAttribute("keepdims", 1)), scaled,
                axis)));
        String softened = node("Div", e, node("ReduceSum", List.of(intAttribute("keepdims", 1)), e, axis));
        if (width > 1) {
            return softened;
        }
        return node("Gather", List.of(intAttribute("axis", 1)), softened, constantLongs(new long[] {1}));
    }

    /**
     * 1 / (1 + exp(-z)), netforge's formula: the operator Sigmoid is computed in other ways (float: a clamped
     * approximation; double: 1 - 1 / (1 + exp(|z|)) below 0), which lose a small probability's relative precision.
     */
    private String sigmoid(String z, int type) {
        String one = constant(new double[] {1}, type);
        return node("Div", one, node("Add", one, node("Exp", node("Neg", z))));
    }

    /** An output's name: {@code wanted}, or {@code wanted_output} when a feature (an input) already has that name. */
    private String outputName(String wanted) {
        String name = wanted;
        while (document.features().contains(name)) {
            name = name + "_output";
        }
        outputs.put(wanted, name);
        return name;
    }

    /** The outputs' names by role ({@code probabilities}, {@code label}, {@code value}). */
    Map<String, String> outputs() {
        return outputs;
    }

    private void input(String name, int type) {
        graph.addInput(valueInfo(name, type, 1));
    }

    /** @param width the second dimension, or -1 for a vector {@code [N]} */
    private void output(String name, int type, int width) {
        graph.addOutput(valueInfo(name, type, width));
    }

    private static Onnx.ValueInfoProto valueInfo(String name, int type, int width) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder();
        shape.addDimBuilder().setDimParam("N");
        if (width >= 0) {
            shape.addDimBuilder().setDimValue(width);
        }
        return Onnx.ValueInfoProto.newBuilder().setName(name)
                .setType(Onnx.TypeProto.newBuilder().setTensorType(
                        Onnx.TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape)))
                .build();
    }

    private String cast(String value, int type) {
        return node("Cast", List.of(intAttribute("to", type)), value);
    }

    private String node(String op, String... inputs) {
        return node(op, List.of(), inputs);
    }

    private String node(String op, List<Onnx.AttributeProto> attributes, String... inputs) {
        String out = internal(op.toLowerCase(java.util.Locale.ROOT));
        Onnx.NodeProto.Builder node = Onnx.NodeProto.newBuilder().setOpType(op).setName(out).addOutput(out);
        for (String input : inputs) {
            node.addInput(input);
        }
        attributes.forEach(node::addAttribute);
        graph.addNode(node);
        return out;
    }

    /** A name for a value inside the graph, never one of the features' (the graph's inputs). */
    private String internal(String kind) {
        String name;
        do {
            name = "netforge/" + kind + "_" + names++;
        } while (document.features().contains(name));
        return name;
    }

    private static Onnx.AttributeProto intAttribute(String name, long value) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }

    /** An initializer of doubles, stored as {@code type} (double, or float: each value rounded once). */
    private String constant(double[] values, int type, long... dims) {
        String name = internal("constant");
        Onnx.TensorProto.Builder tensor = Onnx.TensorProto.newBuilder().setName(name).setDataType(type);
        for (long d : dims.length == 0 ? new long[] {values.length} : dims) {
            tensor.addDims(d);
        }
        for (double v : values) {
            if (type == DataType.DOUBLE_VALUE) {
                tensor.addDoubleData(v);
            } else {
                tensor.addFloatData((float) v);
            }
        }
        graph.addInitializer(tensor);
        return name;
    }

    private String constant(String[] values) {
        String name = internal("constant");
        Onnx.TensorProto.Builder tensor = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(DataType.STRING_VALUE).addDims(values.length);
        for (String v : values) {
            tensor.addStringData(ByteString.copyFromUtf8(v));
        }
        graph.addInitializer(tensor);
        return name;
    }

    private String constantLongs(long[] values) {
        String name = internal("constant");
        Onnx.TensorProto.Builder tensor = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(DataType.INT64_VALUE).addDims(values.length);
        for (long v : values) {
            tensor.addInt64Data(v);
        }
        graph.addInitializer(tensor);
        return name;
    }
}
