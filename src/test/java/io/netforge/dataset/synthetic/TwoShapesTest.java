package io.netforge.dataset.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The moons and circles lie on their curves, half each, and noise moves them by its standard deviation. */
class TwoShapesTest {

    @Test
    void withoutNoiseCirclesLieOnTheirRadii() {
        SyntheticData data = new TwoShapes(TwoShapes.Shape.CIRCLES, 201, 0, 0.5, true, 3).generate();
        int inner = 0;
        for (int i = 0; i < data.rows(); i++) {
            double r = Math.hypot(data.get(i, 0), data.get(i, 1));
            assertThat(r).isCloseTo(data.y()[i] == 0 ? 1.0 : 0.5, org.assertj.core.data.Offset.offset(1e-12));
            inner += data.y()[i];
        }
        // odd counts: the second shape has one more
        assertThat(inner).isEqualTo(101);
    }

    @Test
    void withoutNoiseMoonsLieOnTheirHalfCircles() {
        SyntheticData data = new TwoShapes(TwoShapes.Shape.MOONS, 100, 0, 0, false, 3).generate();
        for (int i = 0; i < data.rows(); i++) {
            double x = data.get(i, 0);
            double y = data.get(i, 1);
            if (data.y()[i] == 0) {
                assertThat(Math.hypot(x, y)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
                assertThat(y).isGreaterThanOrEqualTo(-1e-15);
            } else {
                assertThat(Math.hypot(x - 1, y - 0.5)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
                assertThat(y).isLessThanOrEqualTo(0.5 + 1e-15);
            }
        }
        // unshuffled: the first half is the upper moon, from (1, 0) round to (-1, 0)
        assertThat(data.get(0, 0)).isEqualTo(1.0);
        assertThat(data.get(49, 0)).isEqualTo(-1.0);
    }

    @Test
    void noiseHasTheGivenStandardDeviationAndTheSameSeedGivesTheSameData() {
        SyntheticData clean = new TwoShapes(TwoShapes.Shape.CIRCLES, 20_000, 0, 0.8, true, 5).generate();
        SyntheticData noisy = new TwoShapes(TwoShapes.Shape.CIRCLES, 20_000, 0.1, 0.8, true, 5).generate();
        double sum = 0;
        double squares = 0;
        for (int e = 0; e < clean.x().length; e++) {
            double d = noisy.x()[e] - clean.x()[e];
            sum += d;
            squares += d * d;
        }
        int n = clean.x().length;
        assertThat(sum / n).isBetween(-0.003, 0.003);
        assertThat(Math.sqrt(squares / n)).isBetween(0.098, 0.102);
        assertThat(noisy.x()).isEqualTo(new TwoShapes(TwoShapes.Shape.CIRCLES, 20_000, 0.1, 0.8, true, 5).generate().x());
        assertThat(noisy.y()).isEqualTo(clean.y());
    }

    @Test
    void refusesParametersOutOfTheirDomain() {
        assertThatThrownBy(() -> new TwoShapes(TwoShapes.Shape.CIRCLES, 100, 0, 1.0, true, 0))
                .hasMessageStartingWith("factor:");
        assertThatThrownBy(() -> new TwoShapes(TwoShapes.Shape.MOONS, 1, 0, 0, true, 0)).hasMessageStartingWith("samples:");
        assertThatThrownBy(() -> new TwoShapes(TwoShapes.Shape.MOONS, 10, -1, 0, true, 0)).hasMessageStartingWith("noise:");
    }
}
