package io.netforge.tabular;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A binary model's thresholds on some rows, as scikit-learn's curves give them: precision, recall and F1 at each
 * distinct probability ({@code precision_recall_curve}, from the lowest threshold that reaches full recall up), the
 * threshold of the largest F1 (the lowest of ties), and the threshold of the largest Youden's J = tpr - fpr over
 * {@code roc_curve} with its intermediate points dropped (the first of ties, from the highest threshold).
 */
public final class ThresholdCurve {

    private ThresholdCurve() {
    }

    public record Point(double threshold, double precision, double recall, double f1) {
    }

    public record Best(double threshold, double value) {
    }

    /**
     * @param curve  the precision-recall points by ascending threshold
     * @param counts every distinct score as a threshold, descending, with the rows at or above it
     */
    public record Result(long rows, long positives, List<Point> curve, Best maxF1, Best youden, Counts counts) {
    }

    /**
     * The confusion counts at each distinct score: predicting positive from {@code thresholds[k]} up gives
     * {@code truePositives[k]} and {@code falsePositives[k]}.
     */
    public record Counts(double[] thresholds, long[] truePositives, long[] falsePositives) {
    }

    /**
     * @param scores   each row's probability of the positive class
     * @param positive whether each row is of the positive class
     */
    public static Result of(double[] scores, boolean[] positive) {
        int n = scores.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // descending scores; ties together (their order within does not matter to the counts at a tie's end)
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
        List<Double> thresholds = new ArrayList<>();
        List<Long> tps = new ArrayList<>();
        List<Long> fps = new ArrayList<>();
        long tp = 0;
        long fp = 0;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            if (positive[i]) {
                tp++;
            } else {
                fp++;
            }
            if (k == n - 1 || scores[order[k + 1]] != scores[i]) {
                thresholds.add(scores[i]);
                tps.add(tp);
                fps.add(fp);
            }
        }
        long positives = tp;
        int m = thresholds.size();
        // precision_recall_curve: from the first point with full recall back to the highest threshold
        int last = 0;
        while (tps.get(last) < positives) {
            last++;
        }
        List<Point> curve = new ArrayList<>(last + 1);
        Best maxF1 = null;
        for (int k = last; k >= 0; k--) {
            long predicted = tps.get(k) + fps.get(k);
            double precision = predicted == 0 ? 0 : (double) tps.get(k) / predicted;
            double recall = positives == 0 ? Double.NaN : (double) tps.get(k) / positives;
            double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
            curve.add(new Point(thresholds.get(k), precision, recall, f1));
            if (maxF1 == null || f1 > maxF1.value()) {
                maxF1 = new Best(thresholds.get(k), f1);
            }
        }
        // roc_curve(drop_intermediate=True): the corners of the curve, then the point before every threshold
        List<Integer> kept = new ArrayList<>();
        for (int k = 0; k < m; k++) {
            boolean corner = k == 0 || k == m - 1
                    || fps.get(k + 1) - 2 * fps.get(k) + fps.get(k - 1) != 0
                    || tps.get(k + 1) - 2 * tps.get(k) + tps.get(k - 1) != 0;
            if (corner) {
                kept.add(k);
            }
        }
        long allPositives = tps.get(m - 1);
        long allNegatives = fps.get(m - 1);
        Best youden = new Best(thresholds.get(kept.get(0)) + 1, 0); // the added first point: nothing positive
        for (int k : kept) {
            double tpr = (double) tps.get(k) / allPositives;
            double fpr = (double) fps.get(k) / allNegatives;
            if (tpr - fpr > youden.value()) {
                youden = new Best(thresholds.get(k), tpr - fpr);
            }
        }
        return new Result(n, positives, curve, maxF1, youden, new Counts(
                thresholds.stream().mapToDouble(Double::doubleValue).toArray(),
                tps.stream().mapToLong(Long::longValue).toArray(), fps.stream().mapToLong(Long::longValue).toArray()));
    }
}
