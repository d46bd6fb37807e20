package io.netforge.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Vector API kernels against the straightforward ND4J formulation ({@link Backprop}): the same loss and
 * gradients, for networks with and without hidden layers, row counts that fill no block, one block or many (so
 * padding, several blocks per segment and several segments are all exercised), in both precisions.
 */
class VectorKernelTest {

    static Stream<Arguments> shapes() {
        List<Arguments> shapes = new ArrayList<>();
        for (Precision precision : Precision.values()) {
            for (List<Integer> hidden : List.of(List.<Integer>of(), List.of(3), List.of(8, 3), List.of(6, 5, 4),
                    List.of(9, 1))) {
                for (int rows : new int[] {1, 7, 256, 1001, 17_000}) {
                    shapes.add(Arguments.of(precision, hidden, rows));
                }
            }
        }
        return shapes.stream();
    }

    /**
     * float64: both add the same terms in another order. float32: the kernel's float sums are compared with the
     * straightforward formulation evaluated in float64 on the same (float) inputs and weights, the exact answer
     * they both approximate, and only loosely with ND4J's own float32 result: ND4J's float sums over 17 000 rows
     * are off by up to 3e-6 of the largest gradient on an AVX-512 machine (its sgemm adds in another order there),
     * where the kernel's blocked sums stay under 1e-6.
     */
    @ParameterizedTest(name = "{0} hidden {1}, {2} rows")
    @MethodSource("shapes")
    void lossAndGradientsEqualTheStraightforwardBackprop(Precision precision, List<Integer> hidden, int rows) {
        Random random = new Random(rows * 31L + hidden.hashCode());
        int inputs = 5;
        try (LabelledData data = randomData(random, rows, inputs, precision);
                Network network = randomNetwork(random, inputs, hidden, precision);
                Gradients reference = Backprop.gradients(network, data.x(), data.y());
                TrainingKernel kernel = Kernels.create(Kernels.Path.VECTOR, network, data.x(), data.y(),
                        new UpdateRule.GradientDescent(1.0))) {
            double loss = kernel.lossAndGradients();
            try (Gradients fast = kernel.gradients(loss)) {
                if (precision == Precision.FLOAT64) {
                    assertSame(fast, reference, 1e-13);
                } else {
                    try (LabelledData data64 = inFloat64(data, inputs);
                            Network network64 = inFloat64(network);
                            Gradients exact = Backprop.gradients(network64, data64.x(), data64.y())) {
                        assertSame(fast, exact, 2e-6);
                    }
                    assertSame(fast, reference, 1e-5);
                }
            }
        }
    }

    /**
     * Rows of many inputs: the copy into blocks moves them a block of rows and 64 inputs at a time, so 130 inputs
     * take two whole groups and a part of one, and 1001 rows end in a part of a block; a value put in the wrong
     * place would move the gradient far more than the sums' rounding.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Precision.class)
    void rowsOfManyInputsAreCopiedIntoTheirBlocksWhole(Precision precision) {
        Random random = new Random(130);
        int inputs = 130;
        try (LabelledData data = randomData(random, 1001, inputs, precision);
                Network network = randomNetwork(random, inputs, List.of(6), precision);
                TrainingKernel kernel = Kernels.create(Kernels.Path.VECTOR, network, data.x(), data.y(),
                        new UpdateRule.GradientDescent(1.0))) {
            double loss = kernel.lossAndGradients();
            try (LabelledData data64 = inFloat64(data, inputs);
                    Network network64 = inFloat64(network);
                    Gradients exact = Backprop.gradients(network64, data64.x(), data64.y());
                    Gradients fast = kernel.gradients(loss)) {
                assertSame(fast, exact, precision == Precision.FLOAT64 ? 1e-13 : 2e-6);
            }
        }
    }

    private static void assertSame(Gradients actual, Gradients expected, double tolerance) {
        assertThat(relative(actual.loss(), expected.loss())).as("loss %s vs %s", actual.loss(), expected.loss())
                .isLessThan(tolerance);
        for (int l = 0; l < expected.weights().size(); l++) {
            assertClose(NdArrays.toDoubles(actual.weights().get(l)), NdArrays.toDoubles(expected.weights().get(l)),
                    tolerance, "dJ/dW of layer " + l);
            assertClose(NdArrays.toDoubles(actual.biases().get(l)), NdArrays.toDoubles(expected.biases().get(l)),
                    tolerance, "dJ/db of layer " + l);
        }
    }

    /** The same values (floats are exact doubles) in float64. */
    static LabelledData inFloat64(LabelledData data, int inputs) {
        double[] flat = NdArrays.toDoubles(data.x());
        double[][] x = new double[flat.length / inputs][];
        for (int r = 0; r < x.length; r++) {
            x[r] = java.util.Arrays.copyOfRange(flat, r * inputs, (r + 1) * inputs);
        }
        return LabelledData.of(x, NdArrays.toDoubles(data.y()), Precision.FLOAT64);
    }

    static Network inFloat64(Network network) {
        List<double[]> weights = new ArrayList<>();
        List<double[]> biases = new ArrayList<>();
        for (int l = 0; l < network.layerCount(); l++) {
            weights.add(network.weightsData(l));
            biases.add(network.biasData(l));
        }
        return Network.of(network.architecture(), weights, biases, Precision.FLOAT64);
    }

    @Test
    void stepsAndWritesBackTheSameParametersAsTheNd4jPath() {
        Random random = new Random(3);
        try (LabelledData data = randomData(random, 1500, 6, Precision.FLOAT64);
                Network start = randomNetwork(random, 6, List.of(4, 2), Precision.FLOAT64)) {
            TrainingSettings settings = TrainingSettings.article(List.of(4, 2), 0.5, 20, 0, Precision.FLOAT64);
            try (TrainingResult fast = Trainer.trainOwned(Kernels.Path.VECTOR, start.copy(), data.x(), data.y(),
                    settings, TrainingMonitor.NONE);
                    TrainingResult nd4j = Trainer.trainOwned(Kernels.Path.ND4J, start.copy(), data.x(), data.y(),
                            settings, TrainingMonitor.NONE)) {
                assertThat(fast.trainer()).isEqualTo(Trainer.VECTOR_F64);
                assertThat(nd4j.trainer()).isEqualTo(Trainer.ND4J);
                for (int t = 0; t < 20; t++) {
                    assertThat(relative(fast.losses()[t], nd4j.losses()[t])).as("loss of iteration %d", t + 1)
                            .isLessThan(1e-13);
                }
                for (int l = 0; l < 3; l++) {
                    assertClose(fast.network().weightsData(l), nd4j.network().weightsData(l), 1e-12, "W of layer " + l);
                    assertClose(fast.network().biasData(l), nd4j.network().biasData(l), 1e-12, "b of layer " + l);
                }
            }
        }
    }

    /**
     * The kernels compute the sigmoid's slope inside the backward recurrence, and every other activation's in a pass
     * of its own before it: for the sigmoid both give the same bits, in both precisions, for full and partial blocks.
     */
    @Test
    void theFusedSigmoidRecurrenceGivesTheBitsOfTheSlopePassAndTheGenericOne() {
        Random random = new Random(17);
        int b = RowBlocks.ROWS_PER_BLOCK;
        int nIn = 7; // a group of four inputs and three left over
        int nOut = 5;
        int offset = 3; // the weights start inside the flat parameter array
        double[] weights = random.doubles(offset + nIn * nOut).map(v -> 2 * v - 1).toArray();
        double[] delta = random.doubles(nOut * b).map(v -> v - 0.5).toArray();
        double[] a = random.doubles(nIn * b).toArray();
        for (int end : new int[] {b, 40}) {
            double[] slope = a.clone();
            for (int k = 0; k < nIn; k++) {
                VectorMathF64.slopeInPlace(Activation.SIGMOID, slope, k * b, k * b + end);
            }
            double[] generic = new double[nIn * b];
            double[] fused = new double[nIn * b];
            VectorKernelF64.backpropagate(delta, nOut, weights, offset, slope, nIn, generic, end);
            VectorKernelF64.backpropagateSigmoid(delta, nOut, weights, offset, a, nIn, fused, end);
            assertThat(fused).as("float64, %d rows", end).isEqualTo(generic);

            float[] weightsF = floats(weights);
            float[] deltaF = floats(delta);
            float[] aF = floats(a);
            float[] slopeF = aF.clone();
            for (int k = 0; k < nIn; k++) {
                VectorMathF32.slopeInPlace(Activation.SIGMOID, slopeF, k * b, k * b + end);
            }
            float[] genericF = new float[nIn * b];
            float[] fusedF = new float[nIn * b];
            VectorKernelF32.backpropagate(deltaF, nOut, weightsF, offset, slopeF, nIn, genericF, end);
            VectorKernelF32.backpropagateSigmoid(deltaF, nOut, weightsF, offset, aF, nIn, fusedF, end);
            assertThat(fusedF).as("float32, %d rows", end).isEqualTo(genericF);
        }
    }

    private static float[] floats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }

    @Test
    void helperThreadsDoNotChangeABit() {
        // 40 000 rows: 157 blocks in 53 segments of up to 3 blocks, so threads interleave within and across segments
        Random random = new Random(5);
        for (Precision precision : Precision.values()) {
            try (LabelledData data = randomData(random, 40_000, 7, precision);
                    Network network = randomNetwork(random, 7, List.of(8, 3), precision)) {
                double[] alone = lossAndGradients(network, data, 0);
                for (int repeat = 0; repeat < 5; repeat++) {
                    assertThat(lossAndGradients(network, data, ParallelSegments.HELPERS)).as(precision + " with helpers")
                            .isEqualTo(alone);
                }
            }
        }
    }

    private static double[] lossAndGradients(Network network, LabelledData data, int helpers) {
        try (TrainingKernel kernel = VectorKernels.create(network, data.x(), data.y(), new UpdateRule.GradientDescent(1.0),
                helpers)) {
            double loss = kernel.lossAndGradients();
            List<Double> values = new ArrayList<>();
            values.add(loss);
            try (Gradients gradients = kernel.gradients(loss)) {
                for (int l = 0; l < network.layerCount(); l++) {
                    for (double v : NdArrays.toDoubles(gradients.weights().get(l))) {
                        values.add(v);
                    }
                    for (double v : NdArrays.toDoubles(gradients.biases().get(l))) {
                        values.add(v);
                    }
                }
            }
            return values.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    static LabelledData randomData(Random random, int rows, int inputs, Precision precision) {
        double[][] x = new double[rows][inputs];
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < inputs; k++) {
                x[r][k] = random.nextGaussian();
            }
            y[r] = random.nextBoolean() ? 1 : 0;
        }
        return LabelledData.of(x, y, precision);
    }

    /** Weights N(0, 1), larger than the initial ones, so that every layer's gradient is far from zero. */
    static Network randomNetwork(Random random, int inputs, List<Integer> hidden, Precision precision) {
        List<Integer> sizes = new ArrayList<>();
        sizes.add(inputs);
        sizes.addAll(hidden);
        sizes.add(1);
        List<double[]> weights = new ArrayList<>();
        List<double[]> biases = new ArrayList<>();
        for (int l = 0; l + 1 < sizes.size(); l++) {
            weights.add(random.doubles(sizes.get(l) * sizes.get(l + 1)).map(v -> 2 * v - 1).toArray());
            biases.add(random.doubles(sizes.get(l + 1)).map(v -> 2 * v - 1).toArray());
        }
        return Network.of(sizes, weights, biases, precision);
    }

    private static double relative(double a, double b) {
        double scale = Math.max(Math.abs(a), Math.abs(b));
        return scale == 0 ? 0 : Math.abs(a - b) / scale;
    }

    /** Element by element, relative to the largest element of the reference (sums of mixed signs can cancel). */
    private static void assertClose(double[] actual, double[] expected, double tolerance, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertThat(Math.abs(actual[i] - expected[i])).as("%s element %d: %s vs %s", what, i, actual[i], expected[i])
                    .isLessThanOrEqualTo(tolerance * scale);
        }
    }
}
