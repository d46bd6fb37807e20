package io.netforge.tabular;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.netforge.compute.Evaluation;
import io.netforge.compute.MulticlassEvaluation;
import io.netforge.compute.Objective;
import io.netforge.compute.RegressionEvaluation;
import io.netforge.compute.RocCurve;
import io.netforge.problem.DomainException;

/**
 * What a label asks of a model: two classes, several, or a number. Each task brings its own behaviour, so that nothing
 * elsewhere switches on it: the objective it trains with, how a row's label becomes the network's targets, how
 * outputs are evaluated (metrics and ROC curves, once from the outputs) and read as predictions, the columns of its
 * tabular answer, the scores models are ranked by, and what a label column must be to suit it. Stored and shown by
 * its {@link #id()}; the names are spelled here and nowhere else.
 */
public enum Task {

    BINARY("binary") {
        @Override
        public Objective objective() {
            return Objective.SIGMOID_CROSS_ENTROPY;
        }

        @Override
        public int outputs(int classes) {
            return 1;
        }

        @Override
        public void label(int classCode, double value, TargetScale target, double[] y) {
            y[0] = classCode;
        }

        @Override
        public Evaluated evaluate(double[] raw, Targets targets, Readout readout, String rows) {
            double[] outputs = readout.calibrated(raw, 1);
            byte[] labels = targets.binary();
            Metrics metrics = BinaryMetrics.of(Evaluation.of(outputs, labels, readout.threshold()));
            List<Roc.Curve> curves = new ArrayList<>();
            addCurve(curves, readout.classValues().get(1), outputs, labels);
            return new Evaluated(metrics, new Roc(rows, curves));
        }

        @Override
        public List<Prediction> predict(double[] raw, Readout readout) {
            double[] outputs = readout.calibrated(raw, 1);
            List<Object> classes = readout.classValues();
            List<Prediction> predictions = new ArrayList<>(outputs.length);
            for (double p : outputs) {
                predictions.add(new BinaryPrediction(p, p >= readout.threshold() ? classes.get(1) : classes.get(0)));
            }
            return predictions;
        }

        @Override
        public List<String> columns(List<String> classNames) {
            return List.of("probability", "label");
        }

        @Override
        public List<Score> scores() {
            return BinaryMetrics.SCORES;
        }

        @Override
        public boolean thresholded() {
            return true;
        }

        @Override
        public void checkLabel(LabelSummary label) {
            if (!label.distinctExact() || label.distinct() != 2) {
                throw DomainException.unprocessable("task " + id() + ": label column '" + label.name() + "' has "
                        + (label.distinctExact() ? "" : "more than ") + label.distinct()
                        + " distinct values; a binary label has exactly two (use \"task\": \""
                        + (label.categorical() || label.integers() ? MULTICLASS : REGRESSION).id() + "\")")
                        .with("field", "task").with("column", label.name());
            }
        }

        @Override
        String classCount() {
            return "2 classes";
        }

        @Override
        Class<? extends Metrics> metricsType() {
            return BinaryMetrics.class;
        }

        @Override
        boolean fitsClasses(int count) {
            return count == 2;
        }
    },

    MULTICLASS("multiclass") {
        @Override
        public Objective objective() {
            return Objective.SOFTMAX_CROSS_ENTROPY;
        }

        @Override
        public int outputs(int classes) {
            return classes;
        }

        @Override
        public void label(int classCode, double value, TargetScale target, double[] y) {
            Arrays.fill(y, 0);
            y[classCode] = 1;
        }

        @Override
        public Evaluated evaluate(double[] raw, Targets targets, Readout readout, String rows) {
            int k = readout.classes().size();
            double[] outputs = readout.calibrated(raw, k);
            int n = outputs.length / k;
            double[][] probabilities = new double[n][];
            for (int r = 0; r < n; r++) {
                probabilities[r] = Arrays.copyOfRange(outputs, r * k, (r + 1) * k);
            }
            List<Object> classes = readout.classValues();
            int[] labels = targets.classes();
            Metrics metrics = MulticlassMetrics.of(MulticlassEvaluation.of(probabilities, labels, k), classes);
            List<Roc.Curve> curves = new ArrayList<>();
            for (int c = 0; c < k; c++) {
                double[] scores = new double[n];
                byte[] positive = new byte[n];
                for (int r = 0; r < n; r++) {
                    scores[r] = probabilities[r][c];
                    positive[r] = (byte) (labels[r] == c ? 1 : 0);
                }
                addCurve(curves, classes.get(c), scores, positive);
            }
            return new Evaluated(metrics, new Roc(rows, curves));
        }

        @Override
        public List<Prediction> predict(double[] raw, Readout readout) {
            List<Object> classes = readout.classValues();
            List<String> names = readout.classNames();
            int k = names.size();
            double[] outputs = readout.calibrated(raw, k);
            List<Prediction> predictions = new ArrayList<>(outputs.length / k);
            for (int at = 0; at < outputs.length; at += k) {
                int best = 0;
                Map<String, Double> byClass = new LinkedHashMap<>();
                for (int c = 0; c < k; c++) {
                    byClass.put(names.get(c), outputs[at + c]);
                    if (outputs[at + c] > outputs[at + best]) {
                        best = c;
                    }
                }
                predictions.add(new MulticlassPrediction(classes.get(best), byClass));
            }
            return predictions;
        }

        @Override
        public List<String> columns(List<String> classNames) {
            List<String> names = new ArrayList<>();
            names.add("label");
            classNames.forEach(c -> names.add("probability_" + c));
            return names;
        }

        @Override
        public List<Score> scores() {
            return MulticlassMetrics.SCORES;
        }

        @Override
        public Score defaultScore() {
            return score("accuracy").orElseThrow();
        }

        @Override
        public void checkLabel(LabelSummary label) {
            if (!label.distinctExact()) {
                throw DomainException.unprocessable("task " + id() + ": label column '" + label.name()
                        + "' has more than " + (label.distinct() - 1) + " distinct numbers; too many to be classes (is"
                        + " it a regression?)").with("field", "task").with("column", label.name());
            }
        }

        @Override
        String classCount() {
            return "3 or more classes";
        }

        @Override
        Class<? extends Metrics> metricsType() {
            return MulticlassMetrics.class;
        }

        @Override
        boolean fitsClasses(int count) {
            return count >= 3;
        }
    },

    REGRESSION("regression") {
        @Override
        public boolean classification() {
            return false;
        }

        @Override
        public Objective objective() {
            return Objective.SQUARED_ERROR;
        }

        @Override
        public int outputs(int classes) {
            return 1;
        }

        @Override
        public TargetScale fitTarget(double[] values) {
            return TargetScale.fit(values);
        }

        @Override
        public void label(int classCode, double value, TargetScale target, double[] y) {
            y[0] = target.standardize(value);
        }

        @Override
        public Evaluated evaluate(double[] outputs, Targets targets, Readout readout, String rows) {
            double[] predicted = new double[outputs.length];
            for (int r = 0; r < predicted.length; r++) {
                predicted[r] = readout.target().original(outputs[r]);
            }
            return new Evaluated(RegressionMetrics.of(RegressionEvaluation.of(predicted, targets.values())), null);
        }

        @Override
        public List<Prediction> predict(double[] outputs, Readout readout) {
            List<Prediction> predictions = new ArrayList<>(outputs.length);
            for (double z : outputs) {
                predictions.add(new RegressionPrediction(readout.target().original(z)));
            }
            return predictions;
        }

        @Override
        public List<String> columns(List<String> classNames) {
            return List.of("value");
        }

        @Override
        public List<Score> scores() {
            return RegressionMetrics.SCORES;
        }

        @Override
        public void checkLabel(LabelSummary label) {
            if (label.categorical()) {
                throw DomainException.unprocessable("task " + id() + ": label column '" + label.name() + "' is not"
                        + " numeric: row " + label.firstTextRow() + " has '" + (label.firstText() == null ? "?"
                        : label.firstText()) + "'; a regression"
                        + " needs a number in every label").with("field", "task").with("column", label.name())
                        .with("row", label.firstTextRow());
            }
        }

        @Override
        String classCount() {
            return "none";
        }

        @Override
        Class<? extends Metrics> metricsType() {
            return RegressionMetrics.class;
        }

        @Override
        boolean fitsClasses(int count) {
            return count == 0;
        }
    };

    /** A label of whole numbers with at most this many distinct values is inferred to be classes. */
    public static final int MAX_INFERRED_INTEGER_CLASSES = 20;

    /** Most points kept of a ROC curve. */
    public static final int ROC_POINTS = 1000;

    private final String id;

    Task(String id) {
        this.id = id;
    }

    /** The task's name, as stored and shown: {@code binary}, {@code multiclass} or {@code regression}. */
    @JsonValue
    public String id() {
        return id;
    }

    /** The task named {@code id}, or null for no task of that name. */
    @JsonCreator
    public static Task byId(String id) {
        for (Task task : values()) {
            if (task.id.equals(id)) {
                return task;
            }
        }
        return null;
    }

    /** Every task's name, for messages. */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(Task::id).toList());
    }

    /** Whether its answers are classes (with probabilities) rather than a number. */
    public boolean classification() {
        return true;
    }

    /** The output function and loss a model of this task trains with. */
    public abstract Objective objective();

    /** The network's outputs for a label of {@code classes} classes (0 for a regression). */
    public abstract int outputs(int classes);

    /** How a regression's target is standardised for training, fitted on the training values; null for a classifier. */
    public TargetScale fitTarget(double[] values) {
        return null;
    }

    /**
     * Writes what the network learns for one row, {@link #outputs} values: its class code as 0/1 (binary) or one-hot
     * (multi-class), or its value standardised by {@code target} (regression).
     */
    public abstract void label(int classCode, double value, TargetScale target, double[] y);

    /**
     * The metrics and ROC curves of a network's outputs on some rows, computed once from them.
     *
     * @param outputs row-major, {@link #outputs} per row: probabilities, or standardised values for a regression; a
     *                classifier's as the network gives them, calibrated here by the readout's calibration
     * @param rows    which rows they are, {@code train} or {@code test}, as the ROC curves record it
     */
    public abstract Evaluated evaluate(double[] outputs, Targets targets, Readout readout, String rows);

    /**
     * Each row's prediction from the network's outputs (row-major, {@link #outputs} per row), calibrated by the
     * readout's calibration first.
     */
    public abstract List<Prediction> predict(double[] outputs, Readout readout);

    /** The columns of a prediction as a table (a CSV answer): {@code probability,label}, ... or {@code value}. */
    public abstract List<String> columns(List<String> classNames);

    /** The scores models of this task can be ranked by. */
    public abstract List<Score> scores();

    /** The score an experiment ranks by when it names none. */
    public Score defaultScore() {
        return scores().get(0);
    }

    /** The score named {@code id}, if this task has it. */
    public Optional<Score> score(String id) {
        return scores().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** What is wrong with metrics said to be of this task's models (read from outside), or null. */
    public String checkMetrics(Metrics metrics) {
        if (!metrics.getClass().equals(metricsType())) {
            return "must be the metrics of a " + id + " model";
        }
        return metrics.problem();
    }

    /** The record of this task's metrics. */
    abstract Class<? extends Metrics> metricsType();

    /** Whether a threshold turns the output into a class (binary). */
    public boolean thresholded() {
        return false;
    }

    /** Refuses (422 naming the label column) a label this task cannot learn. */
    public abstract void checkLabel(LabelSummary label);

    /** How many classes a model of this task has, for messages. */
    abstract String classCount();

    abstract boolean fitsClasses(int count);

    /** Refuses (400 naming {@code field}) a number of classes that a model of this task cannot have. */
    public void checkClasses(int count, String field) {
        if (!fitsClasses(count)) {
            throw DomainException.invalidField(field, "a " + id + " model has " + classCount() + ", found " + count);
        }
    }

    /**
     * The task a label column suggests: two distinct values make a binary task; text, or at most
     * {@value #MAX_INFERRED_INTEGER_CLASSES} distinct whole numbers, a multi-class one; other numbers a regression (a
     * single-valued column suggests a classification it cannot train).
     */
    public static Task infer(LabelSummary label) {
        if (label.categorical()) {
            return label.distinct() == 2 ? BINARY : MULTICLASS;
        }
        if (label.distinctExact() && label.distinct() == 2) {
            return BINARY;
        }
        if (label.distinctExact() && label.integers() && label.distinct() <= MAX_INFERRED_INTEGER_CLASSES) {
            return MULTICLASS;
        }
        return REGRESSION;
    }

    /** A class's curve, unless its rows have one class only (no curve then). */
    private static void addCurve(List<Roc.Curve> curves, Object positiveClass, double[] scores, byte[] labels) {
        RocCurve curve = RocCurve.of(scores, labels, ROC_POINTS);
        if (curve == null) {
            return;
        }
        List<Roc.Point> points = new ArrayList<>(curve.thresholds().length);
        for (int i = 0; i < curve.thresholds().length; i++) {
            double threshold = curve.thresholds()[i];
            points.add(new Roc.Point(curve.falsePositiveRate()[i], curve.truePositiveRate()[i],
                    Double.isInfinite(threshold) ? null : threshold));
        }
        curves.add(new Roc.Curve(positiveClass, curve.auc(), points));
    }
}
