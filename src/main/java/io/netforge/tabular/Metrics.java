package io.netforge.tabular;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * How well a fitted model does on some rows: one record per task, each with its task's measures only
 * ({@link BinaryMetrics}, {@link MulticlassMetrics}, {@link RegressionMetrics}). Read back from JSON by the members
 * present (each record has one the others lack), so stored documents need no type tag.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.DEDUCTION)
@JsonSubTypes({@JsonSubTypes.Type(BinaryMetrics.class), @JsonSubTypes.Type(MulticlassMetrics.class),
        @JsonSubTypes.Type(RegressionMetrics.class)})
public sealed interface Metrics permits BinaryMetrics, MulticlassMetrics, RegressionMetrics {

    /** The rows evaluated. */
    long rows();

    /**
     * Rows of a class against the classes predicted, for a confusion plot; null for a regression.
     *
     * @param classNames the model's classes as text, in output order
     */
    @JsonIgnore
    Confusion confusionTable(List<String> classNames);

    /** @param counts row i, column j: rows of class {@code classes[i]} predicted as {@code classes[j]} */
    record Confusion(List<Object> classes, long[][] counts) {
    }

    /**
     * Metrics on the rows trained on, on early stopping's validation rows (null without it), and, when the model
     * was given a test set, on the test rows (null without one).
     */
    record TrainTest(Metrics train, Metrics validation, Metrics test) {
    }

    /** What is wrong with these metrics (a measure out of its range), or null: for metrics read from outside. */
    String problem();

    /** A problem when {@code value} is not in [lo, hi] (null passes: a measure the rows could not give). */
    static String range(String name, Double value, double lo, double hi) {
        return value == null || (value >= lo && value <= hi) ? null
                : name + " must be between " + lo + " and " + hi + ", got " + value;
    }

    /** The first problem of several, or null. */
    static String first(String... problems) {
        for (String p : problems) {
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    /** {@code Double.NaN} as null: a measure the rows could not give. */
    static Double orNull(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
