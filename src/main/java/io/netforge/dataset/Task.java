package io.netforge.dataset;

import java.util.Locale;

/**
 * What a label asks of a model: two classes, several, or a number.
 *
 * <p>Inferred from the label column when a request names none ({@link #infer}): two distinct values make a binary
 * task; text, or at most {@value #MAX_INFERRED_INTEGER_CLASSES} distinct whole numbers, a multi-class one; other
 * numbers a regression.
 */
public enum Task {
    BINARY, MULTICLASS, REGRESSION;

    public static final int MAX_INFERRED_INTEGER_CLASSES = 20;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Task byId(String id) {
        for (Task task : values()) {
            if (task.id().equals(id)) {
                return task;
            }
        }
        return null;
    }

    public boolean classification() {
        return this != REGRESSION;
    }

    /** The output function and loss a model of this task trains with. */
    public io.netforge.compute.Objective objective() {
        return switch (this) {
            case BINARY -> io.netforge.compute.Objective.SIGMOID_CROSS_ENTROPY;
            case MULTICLASS -> io.netforge.compute.Objective.SOFTMAX_CROSS_ENTROPY;
            case REGRESSION -> io.netforge.compute.Objective.SQUARED_ERROR;
        };
    }

    /** The task a label column suggests (a single-valued column suggests a classification it cannot train). */
    public static Task infer(DatasetColumn label) {
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
}
