package io.netforge.tabular;

import java.util.ArrayList;
import java.util.List;

/**
 * How well a classifier's probabilities mean what they say on some rows.
 *
 * @param brier       binary: mean (p - y)², p the probability of the positive class (scikit-learn's
 *                    {@code brier_score_loss}); multi-class: mean over rows of the sum over classes of (p_k - y_k)²
 * @param ece         expected calibration error over {@value #ECE_BINS} equal-width bins (lo, hi] of the top class's
 *                    probability: sum over bins of (rows in it / rows) x |accuracy - mean top probability|
 * @param logLoss     mean -log p of the true class (p clipped below at 1e-15, as scikit-learn's {@code log_loss})
 * @param reliability the reliability diagram: binary, {@value #BINARY_BINS} bins of the positive class's probability
 *                    ([0, 0.1], (0.1, 0.2], ..., scikit-learn's {@code calibration_curve}) against the fraction of
 *                    positive rows; multi-class, the ECE's bins of the top class's probability against accuracy; empty
 *                    bins left out
 */
public record CalibrationReport(long rows, double brier, double ece, double logLoss, List<Bin> reliability) {

    public static final int ECE_BINS = 15;
    public static final int BINARY_BINS = 10;

    /**
     * @param predicted the bin's mean probability (positive class, or top class)
     * @param observed  the bin's fraction of positive rows (binary) or of rows whose top class is right
     */
    public record Bin(double lower, double upper, long rows, double predicted, double observed) {
    }

    /**
     * @param outputs {@code width} per row: a binary model's probability of its positive class (width 1) or the
     *                probability of each class
     * @param classes each row's class index (binary: 1 is positive)
     */
    public static CalibrationReport of(double[] outputs, int width, int[] classes) {
        int n = classes.length;
        int k = width == 1 ? 2 : width;
        double[] top = new double[n];
        boolean[] right = new boolean[n];
        double brier = 0;
        double logLoss = 0;
        for (int r = 0; r < n; r++) {
            int best = 0;
            double bestP = -1;
            for (int c = 0; c < k; c++) {
                double p = probability(outputs, width, r, c);
                if (p > bestP) {
                    bestP = p;
                    best = c;
                }
                if (width > 1) {
                    double y = classes[r] == c ? 1 : 0;
                    brier += (p - y) * (p - y);
                }
            }
            if (width == 1) {
                double y = classes[r];
                brier += (outputs[r] - y) * (outputs[r] - y);
            }
            top[r] = bestP;
            right[r] = best == classes[r];
            double truth = probability(outputs, width, r, classes[r]);
            logLoss -= Math.log(Math.min(1 - 1e-15, Math.max(1e-15, truth)));
        }
        double ece = 0;
        for (Bin bin : bins(top, right, ECE_BINS, false)) {
            ece += (double) bin.rows() / n * Math.abs(bin.observed() - bin.predicted());
        }
        List<Bin> reliability;
        if (width == 1) {
            boolean[] positive = new boolean[n];
            for (int r = 0; r < n; r++) {
                positive[r] = classes[r] == 1;
            }
            reliability = bins(outputs, positive, BINARY_BINS, true);
        } else {
            reliability = bins(top, right, ECE_BINS, false);
        }
        return new CalibrationReport(n, brier / n, ece, logLoss / n, reliability);
    }

    private static double probability(double[] outputs, int width, int r, int c) {
        return width == 1 ? (c == 1 ? outputs[r] : 1 - outputs[r]) : outputs[r * width + c];
    }

    /**
     * Equal-width bins of {@code p}, edges {@code i / bins} as numpy's {@code linspace(0, 1, bins + 1)}: (lo, hi], the
     * first closed at 0 when {@code closedAtZero}.
     */
    private static List<Bin> bins(double[] p, boolean[] hit, int bins, boolean closedAtZero) {
        long[] count = new long[bins];
        double[] sumP = new double[bins];
        long[] hits = new long[bins];
        double step = 1.0 / bins;
        for (int r = 0; r < p.length; r++) {
            int bin = -1;
            for (int b = 0; b < bins; b++) {
                double lo = b * step;
                double hi = b == bins - 1 ? 1.0 : (b + 1) * step;
                if ((p[r] > lo || closedAtZero && b == 0 && p[r] >= lo) && p[r] <= hi) {
                    bin = b;
                    break;
                }
            }
            if (bin >= 0) {
                count[bin]++;
                sumP[bin] += p[r];
                hits[bin] += hit[r] ? 1 : 0;
            }
        }
        List<Bin> out = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            if (count[b] > 0) {
                out.add(new Bin(b * step, b == bins - 1 ? 1.0 : (b + 1) * step, count[b], sumP[b] / count[b],
                        (double) hits[b] / count[b]));
            }
        }
        return out;
    }
}
