package io.netforge.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EvaluationTest {

    @Test
    void scoresDistinctProbabilitiesByHand() {
        Evaluation evaluation = Evaluation.of(new double[] {0.1, 0.4, 0.35, 0.8}, new byte[] {0, 0, 1, 1}, 0.5);

        assertThat(evaluation.rows()).isEqualTo(4);
        // predictions 0, 0, 0, 1: row 2 is a missed positive
        assertThat(evaluation.confusion()).isEqualTo(new ConfusionMatrix(1, 0, 2, 1));
        assertThat(evaluation.accuracy()).isEqualTo(0.75);
        double expectedLoss = -(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4;
        assertThat(evaluation.logLoss()).isCloseTo(expectedLoss, within(1e-15));
        // positive/negative pairs ranked correctly: (0.35 > 0.1), (0.8 > 0.1), (0.8 > 0.4); not (0.35 > 0.4)
        assertThat(evaluation.auc()).isEqualTo(0.75);
    }

    @Test
    void tiedScoresShareTheirAverageRank() {
        Evaluation evaluation = Evaluation.of(new double[] {0.5, 0.5, 0.5, 0.2}, new byte[] {1, 0, 1, 0}, 0.5);

        // ranks: 0.2 -> 1, the three 0.5s -> (2 + 3 + 4) / 3 = 3; positives' rank sum 6
        // AUC = (6 - 2 * 3 / 2) / (2 * 2) = 0.75: each positive beats 0.2 and ties (half a win) with 0.5
        assertThat(evaluation.auc()).isEqualTo(0.75);
        // p >= threshold is positive, so all three 0.5s are predicted positive
        assertThat(evaluation.confusion()).isEqualTo(new ConfusionMatrix(2, 1, 1, 0));
        assertThat(evaluation.accuracy()).isEqualTo(0.75);
    }

    @Test
    void allScoresTiedGiveAucOneHalf() {
        assertThat(Evaluation.of(new double[] {0.3, 0.3, 0.3}, new byte[] {1, 0, 0}, 0.5).auc()).isEqualTo(0.5);
    }

    @Test
    void aucIsNaNWhenOnlyOneClassIsPresent() {
        Evaluation evaluation = Evaluation.of(new double[] {0.9, 0.2, 0.6}, new byte[] {1, 1, 1}, 0.5);

        assertThat(evaluation.auc()).isNaN();
        assertThat(evaluation.confusion()).isEqualTo(new ConfusionMatrix(2, 0, 0, 1));
        assertThat(evaluation.accuracy()).isCloseTo(2.0 / 3, within(1e-15));
        assertThat(evaluation.logLoss()).isCloseTo(-(Math.log(0.9) + Math.log(0.2) + Math.log(0.6)) / 3, within(1e-15));
    }

    @Test
    void logLossClipsCertainWrongPredictions() {
        Evaluation evaluation = Evaluation.of(new double[] {0.0, 1.0}, new byte[] {1, 0}, 0.5);

        // both rows are certain and wrong: 0.0 is clipped to 1e-12 and 1.0 to 1 - 1e-12, so they cost about
        // -ln(1e-12) each instead of infinity; 1 - 1e-12 is not exact in double, which numpy's clip shares
        double expected = -(Math.log(1e-12) + Math.log(1 - (1 - 1e-12))) / 2;
        assertThat(evaluation.logLoss()).isCloseTo(expected, within(1e-12));
        assertThat(evaluation.logLoss()).isCloseTo(-Math.log(1e-12), within(1e-4));
        assertThat(evaluation.auc()).isEqualTo(0.0);
    }

    /**
     * Expected values computed once with numpy 2.4, by the auc and log_loss functions of
     * /work/shared/bench/numpy_reference.py (run with rng = np.random.default_rng(7);
     * y = rng.integers(0, 2, 24); p = clip(round(0.35 y + rng.uniform(0, 0.65, 24), 2), 0, 1); p[3] = 0; p[10] = 1),
     * accuracy and confusion counts by numpy at threshold 0.5. The data have four tied scores (0.13, 0.64,
     * 0.68, 1.0, two of them across classes) and two probabilities that log_loss must clip.
     */
    @Test
    void agreesWithNumpyReferenceOnTiesAndClipping() {
        double[] p = {0.52, 0.64, 0.68, 0.0, 1.0, 0.87, 0.75, 0.64, 0.14, 0.1, 1.0, 0.38, 0.37, 0.33, 0.3, 0.95,
                0.41, 0.68, 0.32, 0.16, 0.36, 0.13, 0.45, 0.13};
        byte[] y = {1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0};

        Evaluation evaluation = Evaluation.of(p, y, 0.5);

        assertThat(evaluation.auc()).isCloseTo(0.7708333333333334, within(1e-15));
        assertThat(evaluation.logLoss()).isCloseTo(2.691430198988099, within(1e-12));
        assertThat(evaluation.accuracy()).isEqualTo(0.75);
        assertThat(evaluation.confusion()).isEqualTo(new ConfusionMatrix(8, 2, 10, 4));
    }

    @Test
    void rejectsLabelsOtherThanZeroAndOne() {
        assertThatThrownBy(() -> Evaluation.of(new double[] {0.1, 0.2}, new byte[] {0, 2}, 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("row 1: label 2 is not 0 or 1");
    }

    @Test
    void rejectsProbabilitiesOutsideTheUnitInterval() {
        assertThatThrownBy(() -> Evaluation.of(new double[] {Double.NaN}, new byte[] {0}, 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("row 0: probability NaN is not in [0, 1]");
    }
}
