package io.netforge.tabular;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How a binary model's threshold is chosen on rows held out from training (never the test rows), from its
 * probabilities of the positive class there (calibrated, when the model is):
 * <ul>
 * <li>{@code maxF1}: the largest F1 over scikit-learn's {@code precision_recall_curve} (the lowest threshold of
 * ties), as H2O's default;</li>
 * <li>{@code youden}: the largest tpr - fpr over scikit-learn's {@code roc_curve};</li>
 * <li>{@code precisionAtLeast} {@code value}: the largest recall whose precision is at least the value (the highest
 * threshold of ties); when no threshold reaches it, the largest precision, and the choice says it was not met;</li>
 * <li>{@code recallAtLeast} {@code value}: the largest precision whose recall is at least the value (the highest
 * threshold of ties);</li>
 * <li>{@code cost}: the least {@code falsePositive} x FP + {@code falseNegative} x FN over every distinct probability
 * (and above them all: nothing positive), the highest threshold of ties.</li>
 * </ul>
 *
 * @param by    the rule's name
 * @param value {@code precisionAtLeast} and {@code recallAtLeast}: the bound, in (0, 1]; else null
 * @param costs {@code cost}: the cost of each kind of error; else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ThresholdRule(String by, Double value, Costs costs) {

    public static final String MAX_F1 = "maxF1";
    public static final String YOUDEN = "youden";
    public static final String PRECISION_AT_LEAST = "precisionAtLeast";
    public static final String RECALL_AT_LEAST = "recallAtLeast";
    public static final String COST = "cost";
    /** Every rule, as a request names it. */
    public static final List<String> RULES = List.of(MAX_F1, YOUDEN, PRECISION_AT_LEAST, RECALL_AT_LEAST, COST);

    /** The cost of a negative row predicted positive and of a positive row predicted negative (>= 0, not both 0). */
    public record Costs(double falsePositive, double falseNegative) {
    }

    /**
     * The threshold chosen and what it gives on the rows it was chosen on.
     *
     * @param rule      the rule
     * @param threshold a probability at or above it is the positive class
     * @param rows      rows it was chosen on, of which {@code positives} positive
     * @param cost      with {@code cost}: the total cost on the rows; else null
     * @param met       false when no threshold reached {@code precisionAtLeast}'s bound
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Choice(ThresholdRule rule, double threshold, long rows, long positives, double precision,
            double recall, double f1, Double cost, boolean met) {
    }

    /**
     * The rule applied to rows' probabilities of the positive class.
     *
     * @throws IllegalArgumentException when the rows have no positive or no negative row
     */
    public Choice choose(double[] scores, boolean[] positive) {
        ThresholdCurve.Result result = ThresholdCurve.of(scores, positive);
        long positives = result.positives();
        long negatives = result.rows() - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("the held-out rows have " + positives + " positive and " + negatives
                    + " negative rows; choosing a threshold needs both");
        }
        ThresholdCurve.Counts c = result.counts();
        double[] t = c.thresholds();
        long[] tp = c.truePositives();
        long[] fp = c.falsePositives();
        int m = t.length;
        boolean met = true;
        double threshold;
        Double cost = null;
        switch (by) {
            case MAX_F1 -> threshold = result.maxF1().threshold();
            case YOUDEN -> threshold = result.youden().threshold();
            case PRECISION_AT_LEAST -> {
                int best = -1;
                for (int k = 0; k < m; k++) {
                    if (precision(tp[k], fp[k]) >= value && (best < 0 || tp[k] > tp[best])) {
                        best = k;
                    }
                }
                if (best < 0) {
                    met = false;
                    best = 0;
                    for (int k = 1; k < m; k++) {
                        double p = precision(tp[k], fp[k]);
                        double q = precision(tp[best], fp[best]);
                        if (p > q || p == q && tp[k] > tp[best]) {
                            best = k;
                        }
                    }
                }
                threshold = t[best];
            }
            case RECALL_AT_LEAST -> {
                int best = -1;
                for (int k = 0; k < m; k++) {
                    if ((double) tp[k] / positives >= value
                            && (best < 0 || precision(tp[k], fp[k]) > precision(tp[best], fp[best]))) {
                        best = k;
                    }
                }
                threshold = t[best];
            }
            case COST -> {
                // nothing positive: every positive row a false negative
                double least = costs.falseNegative() * positives;
                threshold = Math.nextUp(t[0]);
                for (int k = 0; k < m; k++) {
                    double total = costs.falsePositive() * fp[k] + costs.falseNegative() * (positives - tp[k]);
                    if (total < least) {
                        least = total;
                        threshold = t[k];
                    }
                }
                cost = least;
            }
            default -> throw new IllegalArgumentException("unknown threshold rule " + by);
        }
        long truePositives = 0;
        long falsePositives = 0;
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] >= threshold) {
                if (positive[i]) {
                    truePositives++;
                } else {
                    falsePositives++;
                }
            }
        }
        double precision = precision(truePositives, falsePositives);
        double recall = (double) truePositives / positives;
        double f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
        return new Choice(this, threshold, result.rows(), positives, precision, recall, f1, cost, met);
    }

    /** scikit-learn's: 0 when nothing is predicted positive. */
    private static double precision(long tp, long fp) {
        return tp + fp == 0 ? 0 : (double) tp / (tp + fp);
    }
}
