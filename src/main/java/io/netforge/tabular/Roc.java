package io.netforge.tabular;

import java.util.List;

/**
 * A classifier's ROC curves on some rows: binary, one (positive class the second); multi-class, one per class against
 * the rest.
 *
 * @param rows {@code test} or {@code train}: the rows the curves were computed on
 */
public record Roc(String rows, List<Curve> curves) {

    /**
     * @param positiveClass the class scored (as uploaded: a number or a string)
     * @param auc           the area under the full curve (the points may be thinned to at most 1000)
     * @param points        from (0, 0) to (1, 1); the first has no threshold (nothing called positive)
     */
    public record Curve(Object positiveClass, double auc, List<Point> points) {
    }

    public record Point(double falsePositiveRate, double truePositiveRate, Double threshold) {
    }
}
