package io.netforge.network;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

import io.netforge.compute.Activation;
import io.netforge.compute.EarlyStopping;
import io.netforge.compute.Initialization;
import io.netforge.compute.Network;
import io.netforge.problem.DomainException;
import io.netforge.tabular.Calibration;
import io.netforge.tabular.Task;
import io.netforge.tabular.ThresholdRule;
import tools.jackson.databind.JsonNode;

/** Checks a {@link NetworkRequest} against the configured {@link NetworkLimits} and applies defaults. */
@Component
public class NetworkSpecValidator {

    /** Learning rates above this only ever diverge; a cap keeps typos like 1e9 from running. */
    static final double MAX_LEARNING_RATE = 1_000.0;
    /** An L2 weight above this drives every weight to zero at once. */
    static final double MAX_L2 = 1_000.0;
    /** Class weights beyond this are typos (and make the loss of the other classes vanish). */
    static final double MAX_CLASS_WEIGHT = 1e6;
    static final int MAX_PATIENCE = 1_000_000;

    private static final String ACTIVATIONS = Arrays.stream(Activation.values()).map(Activation::id)
            .collect(Collectors.joining(", "));
    private static final String INITIALIZATIONS = Arrays.stream(Initialization.values()).map(Initialization::id)
            .collect(Collectors.joining(", "));

    private final NetworkLimits limits;

    public NetworkSpecValidator(NetworkLimits limits) {
        this.limits = limits;
    }

    /**
     * What the validator knows of the data a spec will train on.
     *
     * @param inputs               the network's inputs (at most; the encoding learns its levels from the training rows)
     * @param classes              the label's classes in class-code order; empty for regression
     * @param trainingRowsPerClass the training rows of each class; for regression one count, of all training rows
     */
    public record Data(int inputs, List<String> classes, long[] trainingRowsPerClass) {
    }

    /**
     * @param request the client's {@code network} object, or null for all defaults
     * @param data    the features, classes (label values in class-code order) and training rows per class
     * @param prefix  JSON path of the object in the request, for messages (e.g. {@code network})
     * @throws DomainException 400 naming the first invalid field (422 when the data cannot support the option)
     */
    public NetworkSpec validate(NetworkRequest request, Data data, String prefix) {
        NetworkRequest r = request == null ? NetworkRequest.defaults() : request;
        if (r.searching()) {
            throw DomainException.invalidField(prefix + ".auto", "a search for the network is asked for by POST /models"
                    + " (\"network\": \"auto\") or POST /searches, not here");
        }
        List<Integer> hidden = hiddenLayers(r.hiddenLayers(), prefix + ".hiddenLayers");
        List<String> activation = activation(r.activation(), hidden.size(), prefix + ".activation");
        String initialization = r.initialization() == null ? NetworkSpec.DEFAULT_INITIALIZATION : r.initialization();
        if (Initialization.byId(initialization) == null) {
            throw DomainException.invalidField(prefix + ".initialization", "must be one of " + INITIALIZATIONS + ", got '"
                    + initialization + "'");
        }
        OptimizerSpec optimizer = optimizer(r.optimizer(), prefix + ".optimizer");

        double learningRate = r.learningRate() == null ? OptimizerSpec.defaultLearningRate(optimizer.type())
                : r.learningRate();
        if (!Double.isFinite(learningRate) || learningRate <= 0 || learningRate > MAX_LEARNING_RATE) {
            throw DomainException.invalidField(prefix + ".learningRate",
                    "must be a number greater than 0 and at most " + (int) MAX_LEARNING_RATE + ", got " + learningRate);
        }
        long iterations = r.maxIterations() == null ? NetworkSpec.DEFAULT_MAX_ITERATIONS : r.maxIterations();
        if (iterations < 1 || iterations > limits.maxIterations()) {
            throw DomainException.invalidField(prefix + ".maxIterations",
                    "must be between 1 and " + limits.maxIterations() + ", got " + iterations);
        }
        double threshold = r.threshold() == null ? NetworkSpec.DEFAULT_THRESHOLD : r.threshold();
        if (!(threshold >= 0 && threshold <= 1)) {
            throw DomainException.invalidField(prefix + ".threshold", "must be between 0 and 1, got " + threshold);
        }
        long batchSize = r.batchSize() == null ? 0 : r.batchSize();
        if (batchSize < 0 || batchSize > Integer.MAX_VALUE) {
            throw DomainException.invalidField(prefix + ".batchSize", "must be 0 (full batch) or a number of rows up to "
                    + Integer.MAX_VALUE + ", got " + batchSize);
        }
        double l2 = r.l2() == null ? 0 : r.l2();
        if (!(l2 >= 0 && l2 <= MAX_L2)) {
            throw DomainException.invalidField(prefix + ".l2", "must be a number from 0 to " + (int) MAX_L2 + ", got " + l2);
        }
        EarlyStoppingSpec earlyStopping = earlyStopping(r.earlyStopping(), data, prefix + ".earlyStopping");
        JsonNode classWeights = classWeights(r.classWeights(), data.classes(), prefix + ".classWeights");
        long parameters = Network.parameterCount(data.inputs(), hidden);
        if (parameters > limits.maxParameters()) {
            throw DomainException.invalidField(prefix + ".hiddenLayers", "a network of " + data.inputs()
                    + " inputs and hidden layers " + hidden + " has " + parameters + " parameters; the limit is "
                    + limits.maxParameters());
        }
        Task task = data.classes().isEmpty() ? Task.REGRESSION : data.classes().size() == 2 ? Task.BINARY
                : Task.MULTICLASS;
        ThresholdRule rule = thresholdRule(r.thresholdRule(), task, prefix + ".thresholdRule");
        if (rule != null && r.threshold() != null) {
            throw DomainException.invalidField(prefix + ".threshold", "give either threshold (a fixed one) or"
                    + " thresholdRule (one chosen on held-out rows), not both");
        }
        String calibration = calibration(r.calibration(), task, prefix + ".calibration");
        return new NetworkSpec(hidden, learningRate, (int) iterations, threshold,
                r.seed() == null ? NetworkSpec.DEFAULT_SEED : r.seed(),
                r.standardize() == null ? NetworkSpec.DEFAULT_STANDARDIZE : r.standardize(),
                r.precision() == null ? NetworkSpec.DEFAULT_PRECISION : r.precision(), activation, initialization,
                optimizer, (int) batchSize, l2, earlyStopping, classWeights, rule, calibration);
    }

    private static ThresholdRule thresholdRule(NetworkRequest.ThresholdRuleRequest requested, Task task, String field) {
        if (requested == null) {
            return null;
        }
        if (task != Task.BINARY) {
            throw DomainException.invalidField(field, "a threshold is a binary model's; this model is " + task.id());
        }
        String by = requested.by();
        if (by == null || !ThresholdRule.RULES.contains(by)) {
            throw DomainException.invalidField(field + ".by", "must be one of " + String.join(", ", ThresholdRule.RULES)
                    + ", got " + (by == null ? "nothing" : "'" + by + "'"));
        }
        boolean bounded = by.equals(ThresholdRule.PRECISION_AT_LEAST) || by.equals(ThresholdRule.RECALL_AT_LEAST);
        Double value = requested.value();
        if (bounded && (value == null || !(value > 0 && value <= 1))) {
            throw DomainException.invalidField(field + ".value", by + " needs a value greater than 0 and at most 1, got "
                    + value);
        }
        if (!bounded && value != null) {
            throw DomainException.invalidField(field + ".value", "only precisionAtLeast and recallAtLeast take a value");
        }
        ThresholdRule.Costs costs = null;
        if (by.equals(ThresholdRule.COST)) {
            NetworkRequest.CostsRequest c = requested.costs();
            if (c == null) {
                throw DomainException.invalidField(field + ".costs", "the cost rule needs {\"falsePositive\": ...,"
                        + " \"falseNegative\": ...}");
            }
            for (var entry : java.util.Map.of("falsePositive", java.util.Optional.ofNullable(c.falsePositive()),
                    "falseNegative", java.util.Optional.ofNullable(c.falseNegative())).entrySet()) {
                Double cost = entry.getValue().orElse(null);
                if (cost == null || !(cost >= 0 && cost <= 1e12)) {
                    throw DomainException.invalidField(field + ".costs." + entry.getKey(),
                            "must be a number from 0 to 1e12, got " + cost);
                }
            }
            if (c.falsePositive() == 0 && c.falseNegative() == 0) {
                throw DomainException.invalidField(field + ".costs", "at least one cost must be above 0");
            }
            costs = new ThresholdRule.Costs(c.falsePositive(), c.falseNegative());
        } else if (requested.costs() != null) {
            throw DomainException.invalidField(field + ".costs", "only the cost rule takes costs");
        }
        return new ThresholdRule(by, value, costs);
    }

    private static String calibration(NetworkRequest.CalibrationRequest requested, Task task, String field) {
        if (requested == null) {
            return null;
        }
        String method = requested.method();
        if (method == null || !Calibration.METHODS.contains(method)) {
            throw DomainException.invalidField(field + ".method", "must be one of " + String.join(", ",
                    Calibration.METHODS) + ", got " + (method == null ? "nothing" : "'" + method + "'"));
        }
        if (!Calibration.fits(method, task)) {
            throw DomainException.invalidField(field + ".method", task == Task.REGRESSION
                    ? "calibration is a classifier's; this model is a regression"
                    : method + " calibrates a binary model's probability; a " + task.id() + " model's is calibrated by"
                            + " temperature");
        }
        return method;
    }

    private List<Integer> hiddenLayers(List<Long> requested, String field) {
        if (requested == null) {
            return NetworkSpec.DEFAULT_HIDDEN_LAYERS;
        }
        if (requested.size() > limits.maxHiddenLayers()) {
            throw DomainException.invalidField(field, "at most " + limits.maxHiddenLayers() + " hidden layers, got "
                    + requested.size());
        }
        List<Integer> widths = new ArrayList<>(requested.size());
        for (int i = 0; i < requested.size(); i++) {
            Long width = requested.get(i);
            if (width == null || width < 1 || width > limits.maxLayerWidth()) {
                throw DomainException.invalidField(field + "[" + i + "]",
                        "a layer width must be between 1 and " + limits.maxLayerWidth() + ", got " + width);
            }
            widths.add(width.intValue());
        }
        return widths;
    }

    /** One name for every hidden layer, or an array with exactly one per hidden layer. */
    private static List<String> activation(JsonNode requested, int hiddenLayers, String field) {
        if (requested == null || requested.isNull()) {
            return Collections.nCopies(hiddenLayers, NetworkSpec.DEFAULT_ACTIVATION);
        }
        if (requested.isString()) {
            return Collections.nCopies(hiddenLayers, activationName(requested, field));
        }
        if (!requested.isArray()) {
            throw DomainException.invalidField(field, "must be an activation name (" + ACTIVATIONS
                    + ") or an array of one per hidden layer");
        }
        if (requested.size() != hiddenLayers) {
            throw DomainException.invalidField(field, "an array of activations needs one per hidden layer ("
                    + hiddenLayers + "), got " + requested.size());
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            names.add(activationName(requested.get(i), field + "[" + i + "]"));
        }
        return names;
    }

    private static String activationName(JsonNode name, String field) {
        if (!name.isString() || Activation.byId(name.asString()) == null) {
            throw DomainException.invalidField(field, "must be one of " + ACTIVATIONS + ", got " + describe(name));
        }
        return name.asString();
    }

    private static OptimizerSpec optimizer(NetworkRequest.OptimizerRequest requested, String field) {
        if (requested == null) {
            return OptimizerSpec.DEFAULT;
        }
        String type = requested.type() == null ? OptimizerSpec.GD : requested.type();
        if (!OptimizerSpec.TYPES.contains(type)) {
            throw DomainException.invalidField(field + ".type", "must be one of " + String.join(", ", OptimizerSpec.TYPES)
                    + ", got '" + type + "'");
        }
        boolean momentumType = type.equals(OptimizerSpec.MOMENTUM) || type.equals(OptimizerSpec.NESTEROV);
        boolean adam = type.equals(OptimizerSpec.ADAM);
        onlyFor(requested.momentum(), momentumType, field + ".momentum", "momentum and nesterov", type);
        onlyFor(requested.beta1(), adam, field + ".beta1", "adam", type);
        onlyFor(requested.beta2(), adam, field + ".beta2", "adam", type);
        onlyFor(requested.epsilon(), adam, field + ".epsilon", "adam", type);
        if (momentumType) {
            double momentum = requested.momentum() == null ? OptimizerSpec.DEFAULT_MOMENTUM : requested.momentum();
            if (!(momentum > 0 && momentum < 1)) {
                throw DomainException.invalidField(field + ".momentum", "must be greater than 0 and less than 1, got "
                        + momentum);
            }
            return new OptimizerSpec(type, momentum, null, null, null);
        }
        if (adam) {
            double beta1 = fraction(requested.beta1(), OptimizerSpec.DEFAULT_BETA1, field + ".beta1");
            double beta2 = fraction(requested.beta2(), OptimizerSpec.DEFAULT_BETA2, field + ".beta2");
            double epsilon = requested.epsilon() == null ? OptimizerSpec.DEFAULT_EPSILON : requested.epsilon();
            if (!(epsilon > 0 && epsilon <= 1)) {
                throw DomainException.invalidField(field + ".epsilon", "must be greater than 0 and at most 1, got "
                        + epsilon);
            }
            return new OptimizerSpec(type, null, beta1, beta2, epsilon);
        }
        return OptimizerSpec.DEFAULT;
    }

    private static void onlyFor(Double value, boolean applies, String field, String types, String type) {
        if (value != null && !applies) {
            throw DomainException.invalidField(field, "is a hyper-parameter of " + types + " only, not of " + type);
        }
    }

    /** A decay rate in [0, 1). */
    private static double fraction(Double value, double fallback, String field) {
        double v = value == null ? fallback : value;
        if (!(v >= 0 && v < 1)) {
            throw DomainException.invalidField(field, "must be at least 0 and less than 1, got " + v);
        }
        return v;
    }

    private static EarlyStoppingSpec earlyStopping(NetworkRequest.EarlyStoppingRequest requested, Data data,
            String field) {
        if (requested == null) {
            return null;
        }
        double fraction = requested.validationFraction() == null ? EarlyStopping.DEFAULT_VALIDATION_FRACTION
                : requested.validationFraction();
        if (!(fraction > 0 && fraction < 1)) {
            throw DomainException.invalidField(field + ".validationFraction",
                    "must be greater than 0 and less than 1, got " + fraction);
        }
        long patience = requested.patience() == null ? EarlyStopping.DEFAULT_PATIENCE : requested.patience();
        if (patience < 1 || patience > MAX_PATIENCE) {
            throw DomainException.invalidField(field + ".patience", "must be a number of epochs from 1 to " + MAX_PATIENCE
                    + ", got " + patience);
        }
        double minDelta = requested.minDelta() == null ? EarlyStopping.DEFAULT_MIN_DELTA : requested.minDelta();
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw DomainException.invalidField(field + ".minDelta", "must be a finite number of at least 0, got "
                    + minDelta);
        }
        if (data.classes().isEmpty() && data.trainingRowsPerClass()[0] < 2) {
            throw DomainException.unprocessable(field + ": the model has " + data.trainingRowsPerClass()[0]
                    + " training row(s); the validation split needs at least 2").with("field", field);
        }
        for (int c = 0; c < data.classes().size(); c++) {
            if (data.trainingRowsPerClass()[c] < 2) {
                throw DomainException.unprocessable(field + ": class '" + data.classes().get(c) + "' has "
                        + data.trainingRowsPerClass()[c] + " training row(s); the stratified validation split needs at"
                        + " least 2 of each class").with("field", field);
            }
        }
        return new EarlyStoppingSpec(fraction, (int) patience, minDelta);
    }

    /** {@code "balanced"}, or an object from some of the dataset's labels to weights (the others weigh 1). */
    private static JsonNode classWeights(JsonNode requested, List<String> classes, String field) {
        if (requested == null || requested.isNull()) {
            return null;
        }
        if (classes.isEmpty()) {
            throw DomainException.invalidField(field, "a regression has no classes to weigh");
        }
        if (requested.isString()) {
            if (!requested.asString().equals(NetworkSpec.BALANCED)) {
                throw DomainException.invalidField(field, "must be \"balanced\" or an object from label to weight, got "
                        + describe(requested));
            }
            return requested;
        }
        if (!requested.isObject() || requested.isEmpty()) {
            throw DomainException.invalidField(field, "must be \"balanced\" or an object from label ("
                    + String.join(", ", classes) + ") to weight");
        }
        for (var entry : requested.properties()) {
            String label = entry.getKey();
            if (!classes.contains(label)) {
                throw DomainException.invalidField(field + "." + label, "is not a class of the dataset; its classes are "
                        + String.join(", ", classes));
            }
            JsonNode weight = entry.getValue();
            if (!weight.isNumber() || !(weight.asDouble() > 0 && weight.asDouble() <= MAX_CLASS_WEIGHT)) {
                throw DomainException.invalidField(field + "." + label, "must be a number greater than 0 and at most "
                        + MAX_CLASS_WEIGHT + ", got " + describe(weight));
            }
        }
        return requested;
    }

    private static String describe(JsonNode node) {
        String text = node.isString() ? "'" + node.asString() + "'" : node.toString();
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
