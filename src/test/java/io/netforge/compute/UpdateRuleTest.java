package io.netforge.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

/** A step cut into ranges of parameters (as the wide kernel runs it on two threads) is the whole step, bit for bit. */
class UpdateRuleTest {

    private static final List<Supplier<UpdateRule>> RULES = List.of(() -> new UpdateRule.GradientDescent(0.3),
            () -> new UpdateRule.Momentum(0.1, 0.9, false), () -> new UpdateRule.Momentum(0.1, 0.9, true),
            () -> new UpdateRule.Adam(0.01, 0.9, 0.999, 1e-8));

    @Test
    void aStepInRangesIsTheWholeStepInFloat64() {
        for (Supplier<UpdateRule> make : RULES) {
            Random random = new Random(5);
            double[] start = random.doubles(1001, -1, 1).toArray();
            double[][] gradients = {random.doubles(1001, -1, 1).toArray(), random.doubles(1001, -1, 1).toArray(),
                    random.doubles(1001, -1, 1).toArray()};
            double[] whole = start.clone();
            double[] cut = start.clone();
            try (UpdateRule one = make.get(); UpdateRule other = make.get()) {
                for (double[] gradient : gradients) {
                    one.step(whole, gradient.clone());
                    double[] g = gradient.clone();
                    other.begin(cut);
                    other.update(cut, g, 600, 1001);
                    other.update(cut, g, 0, 7);
                    other.update(cut, g, 7, 600);
                }
            }
            assertThat(cut).as(make.get().getClass().getSimpleName()).isEqualTo(whole);
            assertThat(cut).isNotEqualTo(start);
        }
    }

    @Test
    void aStepInRangesIsTheWholeStepInFloat32() {
        for (Supplier<UpdateRule> make : RULES) {
            Random random = new Random(6);
            float[] start = floats(random, 999);
            float[][] gradients = {floats(random, 999), floats(random, 999), floats(random, 999)};
            float[] whole = start.clone();
            float[] cut = start.clone();
            try (UpdateRule one = make.get(); UpdateRule other = make.get()) {
                for (float[] gradient : gradients) {
                    one.step(whole, gradient.clone());
                    float[] g = gradient.clone();
                    other.begin(cut);
                    other.update(cut, g, 500, 999);
                    other.update(cut, g, 0, 500);
                }
            }
            assertThat(cut).as(make.get().getClass().getSimpleName()).isEqualTo(whole);
            assertThat(cut).isNotEqualTo(start);
        }
    }

    private static float[] floats(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) (2 * random.nextDouble() - 1);
        }
        return values;
    }
}
