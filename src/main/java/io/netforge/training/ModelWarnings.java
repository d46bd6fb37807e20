package io.netforge.training;

import java.util.ArrayList;
import java.util.List;

import io.netforge.model.ModelDocument;
import io.netforge.tabular.Targets;

/**
 * The warnings of a freshly trained model, from what its training recorded (the rows' classes here); they never
 * change its bits. Codes:
 * <ul>
 * <li>{@code few-rows-class}: a class has fewer than {@value #FEW_ROWS} training rows;</li>
 * <li>{@code class-not-in-test}: a class has no test rows (a split keeps a class of one row in the training rows),
 * so the test metrics say nothing about it;</li>
 * <li>{@code loss-diverged}: the training loss ended above where it started, or at more than {@value #GREW} times
 * its best;</li>
 * <li>{@code worse-than-trivial}: on the test rows (else the validation rows) the model does no better than
 * predicting without its features: R² at or below 0; accuracy at or below the majority class's share of the
 * training rows; AUC at or below 0.5; log-loss at or above that of the training rows' class shares.</li>
 * </ul>
 */
final class ModelWarnings {

    /** Training rows below which a class is too rare to learn reliably. */
    static final int FEW_ROWS = 10;
    /** How many times its best the training loss may end before it counts as diverged. */
    static final double GREW = 2;

    private ModelWarnings() {
    }

    /**
     * @param classes the classes as text, in code order (empty for a regression)
     * @param test    the test rows' targets, or null without test rows
     */
    static List<ModelDocument.Warning> of(List<String> classes, Targets train, Targets test) {
        List<ModelDocument.Warning> warnings = new ArrayList<>();
        if (classes.isEmpty()) {
            return warnings;
        }
        long[] trainRows = counts(train, classes.size());
        long[] testRows = test == null ? null : counts(test, classes.size());
        List<String> few = new ArrayList<>();
        List<String> untested = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            if (trainRows[c] < FEW_ROWS) {
                few.add("'" + classes.get(c) + "' (" + trainRows[c] + (trainRows[c] == 1 ? " row)" : " rows)"));
            }
            if (testRows != null && testRows[c] == 0) {
                untested.add("'" + classes.get(c) + "'");
            }
        }
        if (!few.isEmpty()) {
            warnings.add(new ModelDocument.Warning("few-rows-class", (few.size() == 1 ? "class " : "classes ")
                    + describe(few) + (few.size() == 1 ? " has" : " have") + " fewer than " + FEW_ROWS
                    + " training rows: too few to learn " + (few.size() == 1 ? "it" : "them") + " reliably",
                    "collect more rows of " + (few.size() == 1 ? "that class" : "those classes")
                            + ", merge rare classes, or try \"classWeights\": \"balanced\""));
        }
        if (!untested.isEmpty()) {
            warnings.add(new ModelDocument.Warning("class-not-in-test", (untested.size() == 1 ? "class " : "classes ")
                    + describe(untested) + (untested.size() == 1 ? " has" : " have") + " no test rows: the test"
                    + " metrics say nothing about how " + (untested.size() == 1 ? "it is" : "they are")
                    + " predicted (a class of one row stays in the training rows)",
                    "judge the model on a test dataset that has " + (untested.size() == 1 ? "that class" : "those classes")
                            + " (\"testDatasetId\"), or collect more rows of " + (untested.size() == 1 ? "it" : "them")));
        }
        return warnings;
    }

    /** The {@code loss-diverged} warning of a run's training losses (one per epoch), if it has one. */
    static List<ModelDocument.Warning> ofLosses(double[] losses, int epochs) {
        if (epochs < 2) {
            return List.of();
        }
        double start = losses[0];
        double end = losses[epochs - 1];
        int best = 0;
        for (int e = 1; e < epochs; e++) {
            if (losses[e] < losses[best]) {
                best = e;
            }
        }
        String message;
        if (end > start) {
            message = "the training loss ended at " + brief(end) + ", above its start " + brief(start);
        } else if (end > GREW * losses[best] && end - losses[best] > 1e-3) {
            message = "the training loss ended at " + brief(end) + ", " + brief(end / losses[best]) + " times its best "
                    + brief(losses[best]) + " (epoch " + (best + 1) + " of " + epochs + ")";
        } else {
            return List.of();
        }
        return List.of(new ModelDocument.Warning("loss-diverged", message + ": the steps overshoot",
                "try a smaller \"learningRate\" (a tenth) or \"optimizer\": {\"type\": \"adam\"}"));
    }

    /**
     * The {@code worse-than-trivial} warning of the metrics on held-out rows (test, else validation; null when the
     * model has none), against the training rows' classes.
     *
     * @param heldOut  the targets of those rows (classes, for a classifier)
     */
    static List<ModelDocument.Warning> ofHeldOut(io.netforge.tabular.Metrics metrics, String rows, Targets train,
            Targets heldOut, int classes) {
        if (metrics == null) {
            return List.of();
        }
        List<String> evidence = new ArrayList<>();
        if (metrics instanceof io.netforge.tabular.RegressionMetrics r && r.r2() <= 0) {
            evidence.add("R² " + brief(r.r2()) + " <= 0 (predicting the mean does as well)");
        }
        double accuracy = Double.NaN;
        double logLoss = Double.NaN;
        Double auc = null;
        if (metrics instanceof io.netforge.tabular.BinaryMetrics b) {
            accuracy = b.accuracy();
            logLoss = b.logLoss();
            auc = b.auc();
        } else if (metrics instanceof io.netforge.tabular.MulticlassMetrics m) {
            accuracy = m.accuracy();
            logLoss = m.logLoss();
        }
        if (!Double.isNaN(accuracy)) {
            long[] trainRows = counts(train, classes);
            long[] heldRows = counts(heldOut, classes);
            long total = java.util.Arrays.stream(trainRows).sum();
            double majority = (double) java.util.Arrays.stream(trainRows).max().orElse(0) / total;
            if (accuracy <= majority) {
                evidence.add("accuracy " + brief(accuracy) + " <= " + brief(majority)
                        + " (the majority class's share of the training rows)");
            }
            if (auc != null && auc <= 0.5) {
                evidence.add("AUC " + brief(auc) + " <= 0.5");
            }
            double prior = 0;
            long held = java.util.Arrays.stream(heldRows).sum();
            for (int c = 0; c < classes; c++) {
                if (heldRows[c] > 0) {
                    prior -= heldRows[c] * Math.log((double) trainRows[c] / total) / held;
                }
            }
            if (Double.isFinite(prior) && logLoss >= prior) {
                evidence.add("log-loss " + brief(logLoss) + " >= " + brief(prior)
                        + " (that of the training rows' class shares)");
            }
        }
        if (evidence.isEmpty()) {
            return List.of();
        }
        return List.of(new ModelDocument.Warning("worse-than-trivial", "on the " + rows + " rows the model does no"
                + " better than one that ignores its features: " + String.join("; ", evidence),
                "check the other warnings; try a smaller \"learningRate\", \"optimizer\": {\"type\": \"adam\"},"
                        + " another network, or more epochs"));
    }

    /**
     * The {@code constant-feature} warning: features whose inputs have one value in every training row (a column of
     * one value, or one entirely missing and filled in), so the model cannot learn from them.
     *
     * @param min each input's smallest value over the training rows (likewise max)
     */
    static List<ModelDocument.Warning> ofInputs(io.netforge.tabular.Encoding encoding, double[] min, double[] max) {
        List<String> constant = new ArrayList<>();
        int at = 0;
        for (io.netforge.tabular.Feature feature : encoding.features()) {
            boolean same = true;
            for (int i = at; i < at + feature.width(); i++) {
                same &= min[i] == max[i];
            }
            if (same) {
                constant.add("'" + feature.name() + "'");
            }
            at += feature.width();
        }
        if (constant.isEmpty()) {
            return List.of();
        }
        return List.of(new ModelDocument.Warning("constant-feature", (constant.size() == 1 ? "feature " : "features ")
                + describe(constant) + (constant.size() == 1 ? " has" : " have") + " one value in every training row"
                + " (or none: all missing), so the model learns nothing from " + (constant.size() == 1 ? "it" : "them"),
                "leave " + (constant.size() == 1 ? "it" : "them") + " out with \"ignore\", or check the upload"));
    }

    private static String brief(double value) {
        return String.format(java.util.Locale.ROOT, "%.4g", value);
    }

    private static long[] counts(Targets targets, int classes) {
        long[] counts = new long[classes];
        for (int c : targets.classes()) {
            counts[c]++;
        }
        return counts;
    }

    private static String describe(List<String> names) {
        return names.size() <= 6 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 5)) + " and " + (names.size() - 5) + " more";
    }
}
