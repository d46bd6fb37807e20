package io.netforge.compute;

import java.util.Arrays;

/**
 * The ROC curve of scores against 0/1 labels: one point per distinct score, from the highest down, at which every
 * row scoring at least that much is called positive; from (0, 0) (threshold +infinity) to (1, 1). Ties move the
 * curve diagonally, so the trapezoids under it add up to the rank AUC with ties averaged ({@link Evaluation}'s).
 * Curves of many rows are thinned to at most {@code maxPoints} points, keeping both ends.
 *
 * @param falsePositiveRate x of each point, non-decreasing
 * @param truePositiveRate  y of each point, non-decreasing
 * @param thresholds        the score at each point ({@code +Infinity} for the first)
 * @param auc               the area under the full curve (before thinning)
 */
public record RocCurve(double[] falsePositiveRate, double[] truePositiveRate, double[] thresholds, double auc) {

    /** @return null when the labels have only one class (the curve is undefined) */
    public static RocCurve of(double[] scores, byte[] labels, int maxPoints) {
        int n = scores.length;
        long positives = 0;
        for (byte label : labels) {
            positives += label;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return null;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // -0.0 + 0.0 is 0.0: the two zeros are one score
        Arrays.sort(order, (a, b) -> Double.compare(scores[b] + 0.0, scores[a] + 0.0));
        double[] fpr = new double[n + 1];
        double[] tpr = new double[n + 1];
        double[] thresholds = new double[n + 1];
        thresholds[0] = Double.POSITIVE_INFINITY;
        int points = 1;
        long tp = 0;
        long fp = 0;
        double area = 0;
        for (int i = 0; i < n; ) {
            double score = scores[order[i]] + 0.0;
            while (i < n && scores[order[i]] + 0.0 == score) {
                if (labels[order[i]] == 1) {
                    tp++;
                } else {
                    fp++;
                }
                i++;
            }
            fpr[points] = (double) fp / negatives;
            tpr[points] = (double) tp / positives;
            thresholds[points] = score;
            area += (fpr[points] - fpr[points - 1]) * (tpr[points] + tpr[points - 1]) / 2;
            points++;
        }
        return thin(Arrays.copyOf(fpr, points), Arrays.copyOf(tpr, points), Arrays.copyOf(thresholds, points), area,
                maxPoints);
    }

    private static RocCurve thin(double[] fpr, double[] tpr, double[] thresholds, double auc, int maxPoints) {
        int n = fpr.length;
        if (n <= maxPoints) {
            return new RocCurve(fpr, tpr, thresholds, auc);
        }
        double[] x = new double[maxPoints];
        double[] y = new double[maxPoints];
        double[] t = new double[maxPoints];
        for (int k = 0; k < maxPoints; k++) {
            int index = (int) Math.round((double) k * (n - 1) / (maxPoints - 1));
            x[k] = fpr[index];
            y[k] = tpr[index];
            t[k] = thresholds[index];
        }
        return new RocCurve(x, y, t, auc);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RocCurve r && Arrays.equals(falsePositiveRate, r.falsePositiveRate)
                && Arrays.equals(truePositiveRate, r.truePositiveRate) && Arrays.equals(thresholds, r.thresholds)
                && Double.compare(auc, r.auc) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(falsePositiveRate) * 31 + Arrays.hashCode(truePositiveRate);
    }

    @Override
    public String toString() {
        return "RocCurve[" + falsePositiveRate.length + " points, auc " + auc + "]";
    }
}
