package io.netforge.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.netforge.model.ModelDocument;

class TrainingRunnerTest {

    @Test
    void keepsEveryLossOfAShortRun() {
        double[] losses = {0.7, 0.6, 0.5};
        assertThat(TrainingRunner.lossCurve(losses, 3)).containsExactly(new ModelDocument.LossPoint(1, 0.7),
                new ModelDocument.LossPoint(2, 0.6), new ModelDocument.LossPoint(3, 0.5));
    }

    @Test
    void samplesALongRunEvenlyFromTheFirstToTheLastIteration() {
        int iterations = 2000;
        double[] losses = new double[iterations];
        for (int t = 0; t < iterations; t++) {
            losses[t] = 1.0 / (t + 1);
        }
        List<ModelDocument.LossPoint> curve = TrainingRunner.lossCurve(losses, iterations);
        assertThat(curve).hasSize(TrainingRunner.LOSS_CURVE_POINTS);
        assertThat(curve.get(0)).isEqualTo(new ModelDocument.LossPoint(1, 1.0));
        assertThat(curve.get(curve.size() - 1)).isEqualTo(new ModelDocument.LossPoint(2000, 1.0 / 2000));
        for (int k = 1; k < curve.size(); k++) {
            int step = curve.get(k).iteration() - curve.get(k - 1).iteration();
            assertThat(step).isBetween(1, 3);
            assertThat(curve.get(k).loss()).isEqualTo(losses[curve.get(k).iteration() - 1]);
        }
    }
}
