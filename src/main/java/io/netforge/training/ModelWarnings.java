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
 * so the test metrics say nothing about it.</li>
 * </ul>
 */
final class ModelWarnings {

    /** Training rows below which a class is too rare to learn reliably. */
    static final int FEW_ROWS = 10;

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
