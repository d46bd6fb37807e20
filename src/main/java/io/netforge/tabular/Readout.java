package io.netforge.tabular;

import java.util.List;

/**
 * How a network's outputs read as answers: the label's classes in output order, the threshold of a binary model, and
 * the scale of a regression's target. What a task needs besides the outputs, to evaluate or to predict.
 *
 * @param classes   the classes in output order (binary: negative, then positive); empty for regression
 * @param threshold binary: a probability at or above it is the positive class
 * @param target    regression: how the target was standardised (answers are in its units); else null
 * @param calibration a classifier's calibration of its probabilities, applied before anything reads them; or null
 */
public record Readout(List<ClassValue> classes, double threshold, TargetScale target, Calibration calibration) {

    public Readout {
        classes = List.copyOf(classes);
    }

    public Readout(List<ClassValue> classes, double threshold, TargetScale target) {
        this(classes, threshold, target, null);
    }

    /** The same readout at another threshold. */
    public Readout withThreshold(double other) {
        return new Readout(classes, other, target, calibration);
    }

    /**
     * A network's outputs as the model answers them: calibrated (a copy) when the model is, else the outputs
     * themselves.
     */
    public double[] calibrated(double[] outputs, int width) {
        if (calibration == null) {
            return outputs;
        }
        double[] copy = outputs.clone();
        calibration.apply(copy, width);
        return copy;
    }

    /** The classes as JSON values, in output order. */
    public List<Object> classValues() {
        return classes.stream().map(ClassValue::json).toList();
    }

    /** The classes as text, in output order. */
    public List<String> classNames() {
        return classes.stream().map(ClassValue::value).toList();
    }
}
