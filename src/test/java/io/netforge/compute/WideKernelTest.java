package io.netforge.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The matrix-product kernel for large networks ({@link WideKernelF64}, and WideKernelF32 generated from it) against
 * the straightforward ND4J formulation ({@link Backprop}), on shapes that exercise every tile of its products (full
 * tiles of three vectors, single vectors, scalar tails; groups of four rows and inputs and their remainders),
 * several chunks of rows, every objective; and its claim that no bit depends on the helper threads or on the size
 * of its chunks.
 */
class WideKernelTest {

    record Shape(int inputs, List<Integer> hidden, Objective objective, int outputs) {
        @Override
        public String toString() {
            return inputs + "-" + hidden + "-" + outputs + " " + objective;
        }
    }

    static Stream<Arguments> shapes() {
        List<Shape> shapes = List.of(new Shape(37, List.of(50, 29), Objective.SOFTMAX_CROSS_ENTROPY, 3),
                new Shape(300, List.of(64, 32), Objective.SOFTMAX_CROSS_ENTROPY, 5),
                new Shape(13, List.of(26), Objective.SIGMOID_CROSS_ENTROPY, 1),
                new Shape(21, List.of(100), Objective.SQUARED_ERROR, 1),
                new Shape(9, List.of(), Objective.SIGMOID_CROSS_ENTROPY, 1),
                // strips narrower than a tile with one or two vectors and single columns in them (20 = 12 + 8
                // units, 44 = 3 x 12 + 8, 10 = 8 + 2 on 256-bit vectors; 20 = 16 + 4, 44 = 24 + 20 on 512-bit ones)
                new Shape(23, List.of(20, 44), Objective.SOFTMAX_CROSS_ENTROPY, 10));
        List<Arguments> cases = new ArrayList<>();
        for (Precision precision : Precision.values()) {
            for (Shape shape : shapes) {
                for (int rows : new int[] {1, 7, 300, 1001}) {
                    cases.add(Arguments.of(precision, shape, rows));
                }
            }
        }
        return cases.stream();
    }

    /** float32 against the float64 formulation on the same (float) values: the exact answer both approximate. */
    @ParameterizedTest(name = "{0} {1}, {2} rows")
    @MethodSource("shapes")
    void lossAndGradientsEqualTheStraightforwardBackprop(Precision precision, Shape shape, int rows) {
        Random random = new Random(rows * 31L + shape.toString().hashCode());
        Architecture architecture = architecture(shape, Activation.TANH);
        try (LabelledData data = labelled(random, rows, architecture, precision);
                Network network = network(random, architecture, precision);
                TrainingKernel kernel = Kernels.create(Kernels.Path.WIDE, network, new Rows(data.x(), data.y(), null),
                        null, 0, gd())) {
            assertThat(kernel.name()).isEqualTo(precision == Precision.FLOAT64 ? Trainer.WIDE_F64 : Trainer.WIDE_F32);
            double loss = kernel.lossAndGradients();
            try (Gradients fast = kernel.gradients(loss);
                    LabelledData data64 = inFloat64(data);
                    Network network64 = VectorKernelTest.inFloat64(network);
                    Gradients exact = Backprop.gradients(network64, data64.x(), data64.y())) {
                assertSame(fast, exact, precision == Precision.FLOAT64 ? 1e-12 : 2e-5);
            }
        }
    }

    @Test
    void everyActivationAndAMiniBatchGiveBackpropsGradientsOnTheBatchsRows() {
        Random random = new Random(23);
        for (Activation activation : Activation.values()) {
            Architecture architecture = architecture(new Shape(30, List.of(40, 20), Objective.SOFTMAX_CROSS_ENTROPY, 4),
                    activation);
            try (LabelledData data = labelled(random, 700, architecture, Precision.FLOAT64);
                    Network network = network(random, architecture, Precision.FLOAT64);
                    TrainingKernel kernel = Kernels.create(Kernels.Path.WIDE, network,
                            new Rows(data.x(), data.y(), null), null, 64, gd())) {
                int[] order = new int[700];
                for (int i = 0; i < order.length; i++) {
                    order[i] = (i * 379) % 700;
                }
                double loss = kernel.lossAndGradients(order, 128, 192);
                try (Gradients fast = kernel.gradients(loss);
                        LabelledData batch = subset(data, order, 128, 192);
                        Gradients exact = Backprop.gradients(network, batch.x(), batch.y())) {
                    assertSame(fast, exact, 1e-12);
                }
            }
        }
    }

    /**
     * ReLU runs its activation on the caller; tanh, in chunks of 16,384 values or more, over the threads too. 3000
     * rows are two segments, one per thread; 200 rows one, its products cut across the threads.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"RELU, 3000", "TANH, 3000", "RELU, 200", "TANH, 200"})
    void neitherHelperThreadsNorTheChunkSizeChangeABitOfTheGradient(Activation activation, int count) {
        Random random = new Random(29);
        Architecture architecture = architecture(new Shape(120, List.of(64, 32), Objective.SOFTMAX_CROSS_ENTROPY, 5),
                activation);
        for (Precision precision : Precision.values()) {
            try (LabelledData data = labelled(random, count, architecture, precision);
                    Network network = network(random, architecture, precision)) {
                Rows rows = new Rows(data.x(), data.y(), random.doubles(count).map(v -> 0.5 + v).toArray());
                double[] alone = lossAndGradients(network, rows, 0, 256);
                for (int chunk : new int[] {16, 48, 256, 1024}) {
                    for (int helpers : new int[] {0, ParallelSegments.HELPERS}) {
                        double[] other = lossAndGradients(network, rows, helpers, chunk);
                        // the loss is added up chunk by chunk: its last bits depend on the chunk size (which the
                        // shape fixes), not on the threads
                        assertThat(Math.abs(other[0] - alone[0]) / alone[0]).as("%s, loss with chunks of %d rows",
                                precision, chunk).isLessThan(precision == Precision.FLOAT64 ? 1e-15 : 1e-6);
                        if (chunk == 256) {
                            assertThat(other[0]).as("%s, loss with %d helpers", precision, helpers).isEqualTo(alone[0]);
                        }
                        other[0] = alone[0];
                        int differs = Arrays.mismatch(other, alone);
                        assertThat(differs).as("%s, %d helpers, chunks of %d rows: value %d is %s, not %s", precision,
                                helpers, chunk, differs, differs < 0 ? 0 : other[differs],
                                differs < 0 ? 0 : alone[differs]).isEqualTo(-1);
                    }
                }
            }
        }
    }

    /**
     * Adam on mini-batches with L2 and early stopping: the same losses as ND4J's path, to 1e-12. Batches of 32 are
     * one segment; batches of 256 two (rows split between the threads), and with 17,259 parameters (16,384 or more)
     * the step's update and the halves' gradient sum run a half per thread too.
     */
    @ParameterizedTest(name = "hidden {0}, batches of {1}")
    @org.junit.jupiter.params.provider.CsvSource({"80/40, 32", "136/64, 256"})
    void trainsAsTheNd4jPathDoes(String hidden, int batch) {
        Random random = new Random(31);
        List<Integer> layers = Arrays.stream(hidden.split("/")).map(Integer::valueOf).toList();
        Architecture architecture = architecture(new Shape(60, layers, Objective.SOFTMAX_CROSS_ENTROPY, 3),
                Activation.RELU);
        try (LabelledData data = labelled(random, 900, architecture, Precision.FLOAT64);
                Network start = network(random, architecture, Precision.FLOAT64)) {
            TrainingSettings settings = TrainingSettings.article(architecture.hiddenLayers(), 0.01, 12, 7,
                    Precision.FLOAT64).withActivations(List.of(Activation.RELU))
                    .withObjective(Objective.SOFTMAX_CROSS_ENTROPY).withOptimizer(new Optimizer.Adam(0.01, 0.9, 0.999, 1e-8))
                    .withBatchSize(batch).withL2(1e-3).withEarlyStopping(new EarlyStopping(0.2, 3, 0));
            try (TrainingResult wide = Trainer.trainOwned(Kernels.Path.WIDE, start.copy(), data.x(), data.y(),
                    settings, TrainingMonitor.NONE);
                    TrainingResult nd4j = Trainer.trainOwned(Kernels.Path.ND4J, start.copy(), data.x(), data.y(),
                            settings, TrainingMonitor.NONE)) {
                assertThat(wide.trainer()).isEqualTo(Trainer.WIDE_F64);
                assertThat(wide.losses()).hasSameSizeAs(nd4j.losses());
                for (int t = 0; t < nd4j.losses().length; t++) {
                    assertThat(Math.abs(wide.losses()[t] - nd4j.losses()[t]) / nd4j.losses()[t])
                            .as("loss of epoch %d", t + 1).isLessThan(1e-12);
                }
            }
        }
    }

    @Test
    void largerNetworksTakeTheWidePathAsMeasured() {
        Architecture small = architecture(new Shape(64, List.of(8, 3), Objective.SOFTMAX_CROSS_ENTROPY, 10),
                Activation.SIGMOID);
        Architecture large = architecture(new Shape(300, List.of(64, 32), Objective.SOFTMAX_CROSS_ENTROPY, 5),
                Activation.RELU);
        Architecture articleShape = architecture(new Shape(20, List.of(8, 3), Objective.SIGMOID_CROSS_ENTROPY, 1),
                Activation.SIGMOID);
        Random random = new Random(1);
        try (Network a = network(random, small, Precision.FLOAT64);
                Network b = network(random, large, Precision.FLOAT32);
                Network article = network(random, articleShape, Precision.FLOAT64)) {
            assertThat(Kernels.choose(a, 1797)).isEqualTo(Kernels.Path.VECTOR);
            // 551 parameters but 64 inputs: the wide kernel on mini-batches (the small one copies each batch into
            // its blocks input by input); the article's 20 inputs stay on the small kernel
            assertThat(Kernels.choose(a, 1797, true)).isEqualTo(Kernels.Path.WIDE);
            assertThat(Kernels.choose(article, 4000, true)).isEqualTo(Kernels.Path.VECTOR);
            // 21,509 parameters: the wide kernel on the full batch too (past 20,000 in float32)
            assertThat(Kernels.choose(b, 5000)).isEqualTo(Kernels.Path.WIDE);
            assertThat(Kernels.choose(b, 5000, true)).isEqualTo(Kernels.Path.WIDE);
            // data beyond the small kernel's copy: the wide kernel reads it where it is
            assertThat(Kernels.choose(a, 200_000)).isEqualTo(Kernels.Path.WIDE);
        }
        // full batch: 13,313 parameters stay on the small kernel; 16,033 go to the wide one in float64 only
        Architecture oneWideLayer = architecture(new Shape(50, List.of(256), Objective.SIGMOID_CROSS_ENTROPY, 1),
                Activation.RELU);
        Architecture manyInputs = architecture(new Shape(1000, List.of(16), Objective.SIGMOID_CROSS_ENTROPY, 1),
                Activation.RELU);
        try (Network c64 = network(random, oneWideLayer, Precision.FLOAT64);
                Network d64 = network(random, manyInputs, Precision.FLOAT64);
                Network d32 = network(random, manyInputs, Precision.FLOAT32)) {
            assertThat(c64.parameterCount()).isEqualTo(13_313);
            assertThat(d64.parameterCount()).isEqualTo(16_033);
            assertThat(Kernels.choose(c64, 4096)).isEqualTo(Kernels.Path.VECTOR);
            assertThat(Kernels.choose(d64, 4096)).isEqualTo(Kernels.Path.WIDE);
            assertThat(Kernels.choose(d32, 4096)).isEqualTo(Kernels.Path.VECTOR);
        }
    }

    private static double[] lossAndGradients(Network network, Rows rows, int helpers, int chunk) {
        TrainingKernel kernel = network.precision() == Precision.FLOAT64
                ? new WideKernelF64(network, rows, null, 0, gd(), helpers, chunk)
                : new WideKernelF32(network, rows, null, 0, gd(), helpers, chunk);
        try (kernel) {
            double loss = kernel.lossAndGradients();
            List<Double> values = new ArrayList<>();
            values.add(loss);
            try (Gradients gradients = kernel.gradients(loss)) {
                for (int l = 0; l < network.layerCount(); l++) {
                    Arrays.stream(NdArrays.toDoubles(gradients.weights().get(l))).forEach(values::add);
                    Arrays.stream(NdArrays.toDoubles(gradients.biases().get(l))).forEach(values::add);
                }
            }
            return values.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    private static Architecture architecture(Shape shape, Activation activation) {
        return Architecture.of(shape.inputs(), shape.hidden(), List.of(activation), shape.objective(), shape.outputs());
    }

    private static UpdateRule gd() {
        return new UpdateRule.GradientDescent(0.5);
    }

    /** Rows of N(0, 1) features with labels for the objective: 0/1, one-hot, or N(0, 1) targets. */
    private static LabelledData labelled(Random random, int rows, Architecture architecture, Precision precision) {
        int inputs = architecture.inputs();
        double[][] x = new double[rows][inputs];
        double[][] y = new double[rows][architecture.outputs()];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < inputs; k++) {
                x[r][k] = random.nextGaussian();
            }
            switch (architecture.objective()) {
                case SIGMOID_CROSS_ENTROPY -> y[r][0] = random.nextBoolean() ? 1 : 0;
                case SOFTMAX_CROSS_ENTROPY -> y[r][random.nextInt(architecture.outputs())] = 1;
                case SQUARED_ERROR -> y[r][0] = 2 * random.nextGaussian();
            }
        }
        return LabelledData.of(x, y, precision);
    }

    /** Weights uniform in (-s, s) with s = 2 / sqrt(inputs): every unit's input of order one, gradients far from 0. */
    private static Network network(Random random, Architecture architecture, Precision precision) {
        List<Integer> sizes = architecture.layerSizes();
        List<double[]> weights = new ArrayList<>();
        List<double[]> biases = new ArrayList<>();
        for (int l = 0; l + 1 < sizes.size(); l++) {
            double scale = 2 / Math.sqrt(sizes.get(l));
            weights.add(random.doubles(sizes.get(l) * sizes.get(l + 1)).map(v -> scale * (2 * v - 1)).toArray());
            biases.add(random.doubles(sizes.get(l + 1)).map(v -> 2 * v - 1).toArray());
        }
        return Network.of(architecture, weights, biases, precision);
    }

    /** The same values (floats are exact doubles) in float64. */
    private static LabelledData inFloat64(LabelledData data) {
        int[] all = new int[(int) data.x().rows()];
        Arrays.setAll(all, i -> i);
        return subset(data, all, 0, all.length);
    }

    /** Rows order[from..to) of the data, in float64. */
    private static LabelledData subset(LabelledData data, int[] order, int from, int to) {
        int inputs = (int) data.x().columns();
        int outputs = (int) data.y().columns();
        double[] x = NdArrays.toDoubles(data.x());
        double[] y = NdArrays.toDoubles(data.y());
        double[][] xs = new double[to - from][];
        double[][] ys = new double[to - from][];
        for (int i = from; i < to; i++) {
            xs[i - from] = Arrays.copyOfRange(x, order[i] * inputs, (order[i] + 1) * inputs);
            ys[i - from] = Arrays.copyOfRange(y, order[i] * outputs, (order[i] + 1) * outputs);
        }
        return LabelledData.of(xs, ys, Precision.FLOAT64);
    }

    /**
     * The loss within {@code tolerance} of itself (or of 0.01, for a loss near zero: one row predicted almost
     * exactly, whose float32 loss is a difference of nearby numbers), and every gradient element within
     * {@code tolerance} of the largest element of its array.
     */
    private static void assertSame(Gradients actual, Gradients expected, double tolerance) {
        assertThat(Math.abs(actual.loss() - expected.loss()) / Math.max(Math.abs(expected.loss()), 0.01))
                .as("loss %s vs %s", actual.loss(), expected.loss()).isLessThan(tolerance);
        for (int l = 0; l < expected.weights().size(); l++) {
            assertClose(NdArrays.toDoubles(actual.weights().get(l)), NdArrays.toDoubles(expected.weights().get(l)),
                    tolerance, "dJ/dW of layer " + l);
            assertClose(NdArrays.toDoubles(actual.biases().get(l)), NdArrays.toDoubles(expected.biases().get(l)),
                    tolerance, "dJ/db of layer " + l);
        }
    }

    private static void assertClose(double[] actual, double[] expected, double tolerance, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertThat(Math.abs(actual[i] - expected[i])).as("%s element %d: %s vs %s", what, i, actual[i], expected[i])
                    .isLessThanOrEqualTo(tolerance * Math.max(scale, 1e-300));
        }
    }
}
