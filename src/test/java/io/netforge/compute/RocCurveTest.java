package io.netforge.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** ROC points by hand, the area under them against the rank AUC, and thinning that keeps both ends. */
class RocCurveTest {

    @Test
    void givesOnePointPerDistinctScoreTiesMovingDiagonally() {
        // by hand: 0.9 (positive) -> (0, 0.5); the tie at 0.8 (one of each) -> (0.5, 1); 0.3 (negative) -> (1, 1)
        RocCurve curve = RocCurve.of(new double[] {0.9, 0.8, 0.8, 0.3}, new byte[] {1, 0, 1, 0}, 1000);
        assertThat(curve.falsePositiveRate()).containsExactly(0, 0, 0.5, 1);
        assertThat(curve.truePositiveRate()).containsExactly(0, 0.5, 1, 1);
        assertThat(curve.thresholds()).containsExactly(Double.POSITIVE_INFINITY, 0.9, 0.8, 0.3);
        // 0.5 x 1.5 / 2 + 0.5 x 2 / 2; pairs: 3 won and a tie of 4
        assertThat(curve.auc()).isEqualTo(0.875);
        assertThat(Evaluation.auc(new double[] {0.9, 0.8, 0.8, 0.3}, new byte[] {1, 0, 1, 0})).isEqualTo(0.875);
        assertThat(RocCurve.of(new double[] {0.2, 0.4}, new byte[] {1, 1}, 10)).isNull();
    }

    @Test
    void theAreaUnderTheCurveIsTheRankAucAndThinningKeepsTheEnds() {
        Random random = new Random(3);
        int n = 20_000;
        double[] scores = new double[n];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (random.nextDouble() < 0.4 ? 1 : 0);
            // rounded, so that there are many ties
            scores[i] = Math.round((random.nextGaussian() + labels[i]) * 100) / 100.0;
        }
        RocCurve full = RocCurve.of(scores, labels, n + 1);
        assertThat(full.falsePositiveRate().length).isGreaterThan(300).isLessThan(1000);
        RocCurve curve = RocCurve.of(scores, labels, 200);
        assertThat(curve.auc()).isEqualTo(full.auc());
        assertThat(curve.auc()).isCloseTo(Evaluation.auc(scores, labels), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(curve.falsePositiveRate()).hasSize(200);
        assertThat(curve.falsePositiveRate()[0]).isZero();
        assertThat(curve.truePositiveRate()[199]).isEqualTo(1.0);
        assertThat(curve.falsePositiveRate()[199]).isEqualTo(1.0);
        for (int i = 1; i < 200; i++) {
            assertThat(curve.falsePositiveRate()[i]).isGreaterThanOrEqualTo(curve.falsePositiveRate()[i - 1]);
            assertThat(curve.truePositiveRate()[i]).isGreaterThanOrEqualTo(curve.truePositiveRate()[i - 1]);
            assertThat(curve.thresholds()[i]).isLessThan(curve.thresholds()[i - 1]);
        }
    }
}
