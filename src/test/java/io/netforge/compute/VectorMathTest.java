package io.netforge.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** The kernels' own exp and log1p (see VectorMathF64 for why they have their own) against java.lang.Math. */
class VectorMathTest {

    private static final double[] EDGES = {0, -0.0, 1e-300, -1e-300, 0.5, -0.5, 20, -20, 36, -36, 700, -700, 706.9,
            -706.9, 709.7, -709.7, 710, -710, 745, -745, 1e4, -1e4, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};

    @Test
    void float64SigmoidIsWithinFourUlpsOfMath() {
        double[] z = values(1 << 16, 40);
        double[] expected = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            expected[i] = 1.0 / (1.0 + Math.exp(-z[i]));
        }
        VectorMathF64.sigmoidInPlace(z, 0, z.length);
        for (int i = 0; i < z.length; i++) {
            // for z << 0, sigmoid(z) ~ e^z: the error of both exps, then a division
            assertThat(Math.abs(z[i] - expected[i])).as("sigmoid, element %d: %s vs %s", i, z[i], expected[i])
                    .isLessThanOrEqualTo(4 * Math.ulp(expected[i]));
        }
    }

    @Test
    void float64LossTermsAreWithinFourUlpsOfMath() {
        double[] z = values(1 << 16, 40);
        double[] y = new double[z.length];
        double[] mask = new double[z.length];
        Random random = new Random(2);
        for (int i = 0; i < z.length; i++) {
            y[i] = random.nextBoolean() ? 1 : 0;
            mask[i] = 1;
        }
        int lanes = VectorMathF64.LANES;
        // addLossTerms reads logits from index 0 and labels from yAt: give it one chunk of logits at a time
        for (int i = 0; i < z.length; i += lanes) {
            double[] chunk = java.util.Arrays.copyOfRange(z, i, i + lanes);
            double[] sums = new double[lanes];
            double[] linear = new double[lanes];
            double[] small = new double[lanes];
            VectorMathF64.lossTermParts(chunk, y, i, lanes, linear, small);
            VectorMathF64.addLossTerms(linear, small, mask, i, lanes, sums, 0);
            for (int lane = 0; lane < lanes; lane++) {
                double v = chunk[lane];
                double expected = Math.max(v, 0) - v * y[i + lane] + Math.log1p(Math.exp(-Math.abs(v)));
                if (!Double.isFinite(expected)) { // z = +-inf
                    assertThat(Double.compare(sums[lane], expected)).as("z = %s", v).isZero();
                    continue;
                }
                // exp and log1p err by about 1.5 ulp each; e^-|z| is flushed to e^-707 ~ 1e-307 below that
                assertThat(Math.abs(sums[lane] - expected)).as("loss term of z = %s, y = %s", v, y[i + lane])
                        .isLessThanOrEqualTo(Math.max(4 * Math.ulp(expected), 1e-306));
            }
        }
    }

    @Test
    void float32SigmoidIsWithinTwoUlpsOfMath() {
        double[] source = values(1 << 16, 20);
        float[] z = new float[source.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) source[i];
        }
        float[] expected = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            expected[i] = (float) (1.0 / (1.0 + Math.exp(-(double) z[i])));
        }
        VectorMathF32.sigmoidInPlace(z, 0, z.length);
        for (int i = 0; i < z.length; i++) {
            assertThat(Math.abs(z[i] - expected[i])).as("sigmoid, element %d: %s vs %s", i, z[i], expected[i])
                    .isLessThanOrEqualTo(2 * Math.ulp(expected[i]));
        }
    }

    @Test
    void float32LossTermsAreWithinThreeUlpsOfMath() {
        double[] source = values(1 << 16, 20);
        int lanes = VectorMathF32.LANES;
        // the float32 functions work two vectors at a time: room for a second one past every chunk
        float[] y = new float[source.length + 2 * lanes];
        float[] mask = new float[source.length + 2 * lanes];
        Random random = new Random(3);
        for (int i = 0; i < source.length; i++) {
            y[i] = random.nextBoolean() ? 1 : 0;
            mask[i] = 1;
        }
        for (int i = 0; i < source.length; i += lanes) {
            float[] chunk = new float[2 * lanes];
            for (int lane = 0; lane < lanes; lane++) {
                chunk[lane] = (float) source[i + lane];
            }
            float[] sums = new float[lanes];
            float[] linear = new float[2 * lanes];
            float[] small = new float[2 * lanes];
            VectorMathF32.lossTermParts(chunk, y, i, lanes, linear, small);
            VectorMathF32.addLossTerms(linear, small, mask, i, lanes, sums, 0);
            for (int lane = 0; lane < lanes; lane++) {
                double v = chunk[lane];
                float expected = (float) (Math.max(v, 0) - v * y[i + lane] + Math.log1p(Math.exp(-Math.abs(v))));
                if (!Float.isFinite(expected)) { // z = +-inf
                    assertThat(Double.compare(sums[lane], expected)).as("z = %s", v).isZero();
                    continue;
                }
                // e^-|z| is flushed to e^-86 ~ 4e-38 below that
                assertThat(Math.abs(sums[lane] - expected)).as("loss term of z = %s, y = %s", v, y[i + lane])
                        .isLessThanOrEqualTo(Math.max(3 * Math.ulp(expected), 1e-37f));
            }
        }
    }

    @Test
    void float64TanhIsWithinThreeUlpsOfMath() {
        double[] z = values(1 << 16, 25);
        double[] expected = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            expected[i] = Math.tanh(z[i]);
        }
        VectorMathF64.tanhInPlace(z, 0, z.length);
        for (int i = 0; i < z.length; i++) {
            // relative to the value: tanh keeps its accuracy for tiny z (expm1 does not cancel)
            assertThat(Math.abs(z[i] - expected[i])).as("tanh, element %d: %s vs %s", i, z[i], expected[i])
                    .isLessThanOrEqualTo(3 * Math.ulp(expected[i]));
        }
    }

    @Test
    void float32TanhIsWithinThreeUlpsOfMath() {
        double[] source = values(1 << 16, 15);
        float[] z = new float[source.length];
        float[] expected = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) source[i];
            expected[i] = (float) Math.tanh(z[i]);
        }
        VectorMathF32.tanhInPlace(z, 0, z.length);
        for (int i = 0; i < z.length; i++) {
            assertThat(Math.abs(z[i] - expected[i])).as("tanh, element %d: %s vs %s", i, z[i], expected[i])
                    .isLessThanOrEqualTo(3 * Math.ulp(expected[i]));
        }
    }

    /** The rectifiers, identity and every slope are exact: the vector functions equal the scalar ones bit for bit. */
    @Test
    void theOtherActivationsAndEverySlopeEqualTheScalarFunctionsExactly() {
        double[] source = values(1 << 12, 5);
        for (Activation activation : Activation.values()) {
            double[] values = source.clone();
            float[] floats = new float[source.length];
            for (int i = 0; i < floats.length; i++) {
                floats[i] = (float) source[i];
            }
            VectorMathF64.activate(activation, values, 0, values.length);
            VectorMathF32.activate(activation, floats, 0, floats.length);
            double[] slopes = values.clone();
            float[] floatSlopes = floats.clone();
            VectorMathF64.slopeInPlace(activation, slopes, 0, slopes.length);
            VectorMathF32.slopeInPlace(activation, floatSlopes, 0, floatSlopes.length);
            for (int i = 0; i < source.length; i++) {
                if (activation != Activation.SIGMOID && activation != Activation.TANH) {
                    assertThat(values[i]).as("%s of %s", activation, source[i]).isEqualTo(activation.value(source[i]));
                    assertThat(floats[i]).as("%s of %s in float", activation, floats[i])
                            .isEqualTo(activation == Activation.LEAKY_RELU && (float) source[i] < 0
                                    ? (float) Activation.LEAKY_SLOPE * (float) source[i]
                                    : (float) activation.value((float) source[i]));
                }
                assertThat(slopes[i]).as("%s' at a = %s", activation, values[i]).isEqualTo(activation.slope(values[i]));
                assertThat(floatSlopes[i]).as("%s' at a = %s in float", activation, floats[i])
                        .isEqualTo(floatSlope(activation, floats[i]));
            }
        }
    }

    /** The scalar slope in float arithmetic, as the float kernel computes it. */
    private static float floatSlope(Activation activation, float a) {
        return switch (activation) {
            case SIGMOID -> a * (1f - a);
            case TANH -> 1f - a * a;
            case RELU -> a > 0 ? 1f : 0f;
            case LEAKY_RELU -> a > 0 ? 1f : (float) Activation.LEAKY_SLOPE;
            case IDENTITY -> 1f;
        };
    }

    @Test
    void theSoftmaxsExpIsWithinTwoUlpsOfMathInBothPrecisions() {
        double[] z = values(1 << 16, 50);
        float[] zf = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = -Math.abs(z[i]); // the shifted logits are never positive
            zf[i] = (float) z[i];
        }
        double[] e = z.clone();
        float[] ef = zf.clone();
        VectorMathF64.expInPlace(e, 0, e.length);
        VectorMathF32.expInPlace(ef, 0, ef.length);
        double[] floor = {-707, -707, -707, -707};
        float[] floorF = {-86f, -86f, -86f, -86f, -86f, -86f, -86f, -86f};
        VectorMathF64.expInPlace(floor, 0, floor.length);
        VectorMathF32.expInPlace(floorF, 0, floorF.length);
        for (int i = 0; i < z.length; i++) {
            if (zf[i] <= -86) {
                assertThat(ef[i]).as("float exp(%s), clamped", zf[i]).isEqualTo(floorF[0]);
            }
            if (z[i] < -707 || Double.isInfinite(z[i])) {
                assertThat(e[i]).as("exp(%s), clamped", z[i]).isEqualTo(floor[0]);
                continue;
            }
            double expected = Math.exp(z[i]);
            assertThat(Math.abs(e[i] - expected)).as("exp(%s)", z[i]).isLessThanOrEqualTo(2 * Math.ulp(expected));
            if (zf[i] > -86) {
                float expectedF = (float) Math.exp(zf[i]);
                assertThat(Math.abs(ef[i] - expectedF)).as("float exp(%s)", zf[i])
                        .isLessThanOrEqualTo(2 * Math.ulp(expectedF));
            }
        }
    }

    @Test
    void nanStaysNan() {
        double[] z = {Double.NaN, 1, Double.NaN, -1};
        VectorMathF64.sigmoidInPlace(z, 0, 4);
        assertThat(z[0]).isNaN();
        assertThat(z[2]).isNaN();
        double[] sums = new double[4];
        double[] linear = new double[4];
        double[] small = new double[4];
        VectorMathF64.lossTermParts(new double[] {Double.NaN, 0, 0, 0}, new double[4], 0, 4, linear, small);
        VectorMathF64.addLossTerms(linear, small, new double[] {1, 1, 1, 1}, 0, 4, sums, 0);
        assertThat(sums[0]).isNaN();
        for (Activation activation : Activation.values()) {
            double[] values = {Double.NaN, 1, 2, 3};
            VectorMathF64.activate(activation, values, 0, 4);
            assertThat(values[0]).as(activation.id()).isNaN();
        }
    }

    /** The edge cases, then uniform values in [-range, range] and a band of tiny ones. */
    private static double[] values(int count, double range) {
        double[] values = new double[count];
        System.arraycopy(EDGES, 0, values, 0, EDGES.length);
        Random random = new Random(1);
        for (int i = EDGES.length; i < count; i++) {
            values[i] = i % 10 == 0 ? (random.nextDouble() - 0.5) * 1e-6 : (2 * random.nextDouble() - 1) * range;
        }
        return values;
    }
}
