package io.netforge.tabular;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Threshold rules and calibration fits on rows small enough to work out by hand (the HTTP tests check them against
 * scikit-learn on real models).
 */
class ThresholdRuleTest {

    // by descending score: + + - + - - + - (8 rows, 4 positive)
    private static final double[] SCORES = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2};
    private static final boolean[] POSITIVE = {true, true, false, true, false, false, true, false};

    private static ThresholdRule.Choice choose(String by, Double value, ThresholdRule.Costs costs) {
        return new ThresholdRule(by, value, costs).choose(SCORES, POSITIVE);
    }

    @Test
    void eachRuleChoosesTheThresholdWorkedOutByHand() {
        // at 0.6: tp 3, fp 1 -> precision 0.75, recall 0.75, F1 0.75; at 0.3: tp 4 fp 3 -> F1 8/11 = 0.727
        ThresholdRule.Choice f1 = choose(ThresholdRule.MAX_F1, null, null);
        assertThat(f1.threshold()).isEqualTo(0.6);
        assertThat(f1.f1()).isEqualTo(0.75);
        assertThat(f1.precision()).isEqualTo(0.75);
        // Youden: tpr - fpr at 0.8 is 0.5, at 0.6 is 0.75 - 0.25 = 0.5, at 0.3 is 1 - 0.75 = 0.25: the first of ties
        assertThat(choose(ThresholdRule.YOUDEN, null, null).threshold()).isEqualTo(0.8);
        // precision >= 0.7: 0.9 (1.0), 0.8 (1.0), 0.6 (0.75) qualify; the largest recall is 0.6's
        assertThat(choose(ThresholdRule.PRECISION_AT_LEAST, 0.7, null).threshold()).isEqualTo(0.6);
        // precision >= 0.8: only 0.9 and 0.8; the larger recall is 0.8's
        assertThat(choose(ThresholdRule.PRECISION_AT_LEAST, 0.8, null).threshold()).isEqualTo(0.8);
        // recall >= 0.9: only 0.3 and 0.2 (recall 1); precision 4/7 beats 4/8
        ThresholdRule.Choice recall = choose(ThresholdRule.RECALL_AT_LEAST, 0.9, null);
        assertThat(recall.threshold()).isEqualTo(0.3);
        assertThat(recall.recall()).isEqualTo(1.0);
        assertThat(recall.precision()).isEqualTo(4.0 / 7);
        // cost FP 1, FN 1: errors at 0.9: 3, 0.8: 2, 0.7: 3, 0.6: 2, 0.5: 3, 0.4: 4, 0.3: 3, 0.2: 4, none: 4 -> the
        // highest of the ties, 0.8
        ThresholdRule.Choice even = choose(ThresholdRule.COST, null, new ThresholdRule.Costs(1, 1));
        assertThat(even.threshold()).isEqualTo(0.8);
        assertThat(even.cost()).isEqualTo(2.0);
        // a missed positive costs 10: all positive from 0.3 (3 FP = 3) beats 0.6 (1 FP + 1 FN = 11)
        assertThat(choose(ThresholdRule.COST, null, new ThresholdRule.Costs(1, 10)).threshold()).isEqualTo(0.3);
        // a false alarm costs 10: 0.8 (no FP, 2 FN = 2) beats nothing positive (4 FN = 4)
        assertThat(choose(ThresholdRule.COST, null, new ThresholdRule.Costs(10, 1)).threshold()).isEqualTo(0.8);
        // a false alarm costs 10, a miss nothing: predicting nothing positive costs 0, above every score
        ThresholdRule.Choice none = choose(ThresholdRule.COST, null, new ThresholdRule.Costs(10, 0));
        assertThat(none.threshold()).isGreaterThan(0.9);
        assertThat(none.cost()).isEqualTo(0.0);
    }

    @Test
    void anUnreachableBoundSaysSoAndTakesTheLargestPrecision() {
        double[] scores = {0.9, 0.8, 0.7, 0.6};
        boolean[] positive = {false, true, true, false};
        ThresholdRule.Choice choice = new ThresholdRule(ThresholdRule.PRECISION_AT_LEAST, 0.9, null).choose(scores,
                positive);
        assertThat(choice.met()).isFalse();
        // precision at 0.9: 0, 0.8: 1/2, 0.7: 2/3, 0.6: 2/4 -> 0.7
        assertThat(choice.threshold()).isEqualTo(0.7);
        assertThat(choice.precision()).isEqualTo(2.0 / 3);
        assertThatThrownBy(() -> new ThresholdRule(ThresholdRule.MAX_F1, null, null).choose(new double[] {0.2, 0.4},
                new boolean[] {true, true})).hasMessageContaining("2 positive and 0 negative");
    }

    @Test
    void isotonicPoolsViolatorsAndTiesAsScikitLearnDoes() {
        // scikit-learn's test_isotonic_regression_ties_min, as labels of one class: x [1, 1, 2, 3], y [0, 1, 0, 1]
        Calibration.Isotonic fit = CalibrationFit.isotonic(new double[] {0.1, 0.1, 0.2, 0.3},
                new boolean[] {false, true, false, true});
        // the tie averages to 0.5; then 0.5 > 0 at 0.2 pools to (2 x 0.5 + 0) / 3 = 1/3; 0.3 stays 1
        assertThat(fit.x()).containsExactly(0.1, 0.2, 0.3);
        assertThat(fit.y()).containsExactly(1.0 / 3, 1.0 / 3, 1.0);
        // interpolated between the points, clipped outside them
        assertThat(fit.at(0.25)).isCloseTo(1.0 / 3 + 0.5 * (2.0 / 3), org.assertj.core.data.Offset.offset(1e-15));
        assertThat(fit.at(0.0)).isEqualTo(1.0 / 3);
        assertThat(fit.at(1.0)).isEqualTo(1.0);
        // probabilities within 1e-15 of each other are one point (scikit-learn's _make_unique)
        Calibration.Isotonic merged = CalibrationFit.isotonic(new double[] {0.9, Math.nextUp(0.9), 0.95},
                new boolean[] {false, true, true});
        assertThat(merged.x()).containsExactly(0.9, 0.95);
        assertThat(merged.y()).containsExactly(0.5, 1.0);
    }

    @Test
    void temperatureAndPlattSitAtTheirOptimum() {
        // two classes, every row 0.8 for its true class: log-loss falls as t falls, to the bound
        double[] sure = {0.8, 0.2, 0.8, 0.2};
        int[] right = {1, 0, 1, 0};
        assertThat(CalibrationFit.temperature(sure, 1, right).t()).isEqualTo(CalibrationFit.MIN_TEMPERATURE);
        // half of them wrong: the best probability is 0.5, t = 20 (the flattest allowed)
        int[] half = {1, 1, 0, 0};
        assertThat(CalibrationFit.temperature(sure, 1, half).t()).isEqualTo(CalibrationFit.MAX_TEMPERATURE);
        // three of four right at 0.8 -> the calibrated probability is 0.75: 0.8^s / (0.8^s + 0.2^s) = 0.75
        int[] three = {1, 0, 1, 1};
        double t = CalibrationFit.temperature(sure, 1, three).t();
        double s = 1 / t;
        assertThat(Math.pow(0.8, s) / (Math.pow(0.8, s) + Math.pow(0.2, s))).isCloseTo(0.75,
                org.assertj.core.data.Offset.offset(1e-14));
        // Platt: the gradient of its loss is zero at the answer
        double[] f = {0.1, 0.3, 0.35, 0.6, 0.8, 0.9};
        boolean[] y = {false, false, true, false, true, true};
        Calibration.Platt platt = CalibrationFit.platt(f, y);
        double t1 = 4.0 / 5;
        double t0 = 1.0 / 5;
        double ga = 0;
        double gb = 0;
        for (int i = 0; i < f.length; i++) {
            double p = 1 / (1 + Math.exp(platt.a() * f[i] + platt.b()));
            double target = y[i] ? t1 : t0;
            ga += (target - p) * f[i];
            gb += target - p;
        }
        assertThat(Math.abs(ga) + Math.abs(gb)).isLessThan(1e-12);
    }
}
