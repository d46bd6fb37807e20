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
 * <li>{@code loss-oscillates}: in full-batch training, the loss rose (by more than a relative {@value #ROSE}, above
 * rounding) from one epoch to the next in at least a tenth of the epochs, and at least {@value #MIN_RISES} times; in
 * mini-batch training, whose epoch losses are averages over different batches and jitter as they fall, the loss
 * was more than {@value #BOUNCE} times its best so far in as many epochs;</li>
 * <li>{@code still-improving}: the run used every epoch it was given while still learning: without early stopping
 * the last tenth of its epochs (at least {@value #MIN_EPOCHS} epochs in all) brought more than
 * {@value #LATE_SHARE} of its whole fall in loss; with early stopping its best validation loss was its last
 * epoch's;</li>
 * <li>{@code overfitting}: on the held-out rows (test, else validation; at least {@value #MIN_HELD_OUT} of them)
 * accuracy is at least {@value #ACCURACY_GAP} below the training rows', or R² at least {@value #R2_GAP} below;</li>
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
    /** A rise of the loss smaller than this share of it is rounding, not a step that overshot. */
    static final double ROSE = 1e-9;
    /** In mini-batch training, how far above its best so far an epoch's loss counts as a bounce. */
    static final double BOUNCE = 1.2;
    /** Fewest rises for an oscillation. */
    static final int MIN_RISES = 5;
    /** Fewest epochs for a run to count as still improving. */
    static final int MIN_EPOCHS = 20;
    /** The share of the whole fall in loss the last tenth of the epochs may bring before the run is still improving. */
    static final double LATE_SHARE = 0.05;
    /** Fewest held-out rows to judge a gap between training and held-out metrics. */
    static final int MIN_HELD_OUT = 20;
    static final double ACCURACY_GAP = 0.10;
    static final double R2_GAP = 0.20;

    private ModelWarnings() {
    }

    /** A threshold rule whose bound no threshold reached on the held-out rows. */
    static List<ModelDocument.Warning> ofThreshold(io.netforge.tabular.ThresholdRule.Choice choice) {
        if (choice.met()) {
            return List.of();
        }
        return List.of(new ModelDocument.Warning("threshold-bound-unmet", "no threshold reaches precision "
                + choice.rule().value() + " on the " + choice.rows() + " held-out rows; the threshold "
                + String.format(java.util.Locale.ROOT, "%.4g", choice.threshold()) + " gives the largest, "
                + String.format(java.util.Locale.ROOT, "%.4f", choice.precision()),
                "lower the bound, or hold out more rows (a larger earlyStopping.validationFraction or a"
                        + " heldOutDatasetId)"));
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
     * The {@code loss-oscillates} warning of a run's training losses (one per epoch), if it has one.
     *
     * @param miniBatch whether an epoch took several steps, each on a batch of rows
     */
    static List<ModelDocument.Warning> ofOscillation(double[] losses, int epochs, boolean miniBatch) {
        if (miniBatch) {
            return ofBounces(losses, epochs);
        }
        int rises = 0;
        double largest = 0;
        for (int e = 1; e < epochs; e++) {
            double rise = losses[e] - losses[e - 1];
            if (rise > ROSE * Math.abs(losses[e - 1])) {
                rises++;
                largest = Math.max(largest, rise / Math.abs(losses[e - 1]));
            }
        }
        if (rises < MIN_RISES || rises * 10 < epochs - 1) {
            return List.of();
        }
        return List.of(new ModelDocument.Warning("loss-oscillates", "the training loss rose from one epoch to the next "
                + rises + " times in " + epochs + " epochs (by up to " + brief(100 * largest) + "%): the steps"
                + " overshoot the minimum and bounce around it",
                "try a smaller \"learningRate\", \"standardize\": true, or \"optimizer\": {\"type\": \"adam\"}"));
    }

    /** Mini-batch training: epochs whose loss is more than {@link #BOUNCE} times the best before them. */
    private static List<ModelDocument.Warning> ofBounces(double[] losses, int epochs) {
        int bounces = 0;
        double best = losses[0];
        double largest = 1;
        for (int e = 1; e < epochs; e++) {
            if (losses[e] > BOUNCE * best) {
                bounces++;
                largest = Math.max(largest, losses[e] / best);
            }
            best = Math.min(best, losses[e]);
        }
        if (bounces < MIN_RISES || bounces * 10 < epochs - 1) {
            return List.of();
        }
        return List.of(new ModelDocument.Warning("loss-oscillates", "the training loss was more than "
                + brief(BOUNCE) + " times its best so far in " + bounces + " of " + epochs + " epochs (up to "
                + brief(largest) + " times): the steps overshoot the minimum and bounce around it",
                "try a smaller \"learningRate\", a larger \"batchSize\", or \"standardize\": true"));
    }

    /**
     * The {@code still-improving} warning of a run that used every epoch it was given.
     *
     * @param stoppedEarly       early stopping ended it
     * @param bestValidationEpoch with early stopping, the epoch (1-based) of the best validation loss; else null
     */
    static List<ModelDocument.Warning> ofProgress(double[] losses, int epochs, boolean stoppedEarly,
            Integer bestValidationEpoch) {
        if (stoppedEarly) {
            return List.of();
        }
        String evidence = null;
        if (bestValidationEpoch != null) {
            if (bestValidationEpoch == epochs && epochs >= 2) {
                evidence = "its validation loss was still falling at the last of its " + epochs + " epochs";
            }
        } else if (epochs >= MIN_EPOCHS) {
            double best = losses[0];
            for (int e = 0; e < epochs; e++) {
                best = Math.min(best, losses[e]);
            }
            double fall = losses[0] - best;
            int lateStart = epochs - Math.max(1, epochs / 10) - 1;
            double late = losses[lateStart] - losses[epochs - 1];
            if (fall > 0 && late > LATE_SHARE * fall) {
                evidence = "the last " + (epochs - 1 - lateStart) + " of its " + epochs + " epochs brought "
                        + brief(100 * late / fall) + "% of its whole fall in training loss";
            }
        }
        if (evidence == null) {
            return List.of();
        }
        return List.of(new ModelDocument.Warning("still-improving", "training stopped at \"maxIterations\" while"
                + " the model was still learning: " + evidence,
                "raise \"maxIterations\" (with \"earlyStopping\": {} to stop when it no longer helps)"));
    }

    /**
     * The {@code overfitting} warning: a large gap between the training rows' metrics and the held-out rows'.
     *
     * @param rows what the held-out rows are ({@code test} or {@code validation})
     */
    static List<ModelDocument.Warning> ofGap(io.netforge.tabular.Metrics train, io.netforge.tabular.Metrics heldOut,
            String rows, long heldOutRows) {
        if (train == null || heldOut == null || heldOutRows < MIN_HELD_OUT) {
            return List.of();
        }
        String evidence = null;
        if (train instanceof io.netforge.tabular.RegressionMetrics t
                && heldOut instanceof io.netforge.tabular.RegressionMetrics h && t.r2() - h.r2() >= R2_GAP) {
            evidence = "R² " + brief(t.r2()) + " on the training rows, " + brief(h.r2()) + " on the " + rows + " rows";
        }
        double trainAccuracy = accuracy(train);
        double heldAccuracy = accuracy(heldOut);
        if (trainAccuracy - heldAccuracy >= ACCURACY_GAP) {
            evidence = "accuracy " + brief(trainAccuracy) + " on the training rows, " + brief(heldAccuracy) + " on the "
                    + rows + " rows";
        }
        if (evidence == null) {
            return List.of();
        }
        return List.of(new ModelDocument.Warning("overfitting", "the model does much better on the rows it trained on"
                + " than on rows it did not see: " + evidence,
                "try \"earlyStopping\": {}, an \"l2\" penalty, a smaller network, or more rows"));
    }

    private static double accuracy(io.netforge.tabular.Metrics metrics) {
        if (metrics instanceof io.netforge.tabular.BinaryMetrics b) {
            return b.accuracy();
        }
        if (metrics instanceof io.netforge.tabular.MulticlassMetrics m) {
            return m.accuracy();
        }
        return Double.NaN;
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
