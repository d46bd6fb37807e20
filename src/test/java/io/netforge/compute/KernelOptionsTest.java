package io.netforge.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every training path with the options beyond the article: every activation against the straightforward
 * {@link Backprop}; the L2 penalty and class weights against central finite differences of the kernel's own loss;
 * a mini-batch's gradient against Backprop on exactly its rows; the validation loss against Backprop on the
 * validation rows.
 */
class KernelOptionsTest {

    private static final int INPUTS = 5;

    static Stream<Arguments> activationsPathsPrecisions() {
        List<Arguments> cases = new ArrayList<>();
        for (Activation activation : Activation.values()) {
            for (Kernels.Path path : Kernels.Path.values()) {
                for (Precision precision : Precision.values()) {
                    cases.add(Arguments.of(activation, path, precision));
                }
            }
        }
        return cases.stream();
    }

    /** 1001 rows: several blocks, a partial last one; two hidden layers of the activation. */
    @ParameterizedTest(name = "{0} on {1}, {2}")
    @MethodSource("activationsPathsPrecisions")
    void everyActivationGivesBackpropsLossAndGradients(Activation activation, Kernels.Path path, Precision precision) {
        Random random = new Random(activation.ordinal() * 31L + path.ordinal());
        Architecture architecture = Architecture.of(INPUTS, List.of(6, 5), List.of(activation),
                Objective.SIGMOID_CROSS_ENTROPY);
        try (LabelledData data = VectorKernelTest.randomData(random, 1001, INPUTS, precision);
                Network network = network(random, architecture, precision);
                TrainingKernel kernel = Kernels.create(path, network, data.x(), data.y(), gd())) {
            double loss = kernel.lossAndGradients();
            try (Gradients fast = kernel.gradients(loss);
                    LabelledData data64 = VectorKernelTest.inFloat64(data, INPUTS);
                    Network network64 = VectorKernelTest.inFloat64(network);
                    Gradients exact = Backprop.gradients(network64, data64.x(), data64.y())) {
                assertSame(fast, exact, precision == Precision.FLOAT64 ? 1e-13 : 1e-5);
            }
        }
    }

    static Stream<Arguments> objectivesPathsPrecisions() {
        List<Arguments> cases = new ArrayList<>();
        for (int outputs : new int[] {3, 5}) {
            for (Kernels.Path path : Kernels.Path.values()) {
                for (Precision precision : Precision.values()) {
                    cases.add(Arguments.of(Objective.SOFTMAX_CROSS_ENTROPY, outputs, path, precision));
                }
            }
        }
        for (Kernels.Path path : Kernels.Path.values()) {
            for (Precision precision : Precision.values()) {
                cases.add(Arguments.of(Objective.SQUARED_ERROR, 1, path, precision));
            }
        }
        return cases.stream();
    }

    /** The multi-class and regression objectives, on 1001 rows: several blocks, a partial one. */
    @ParameterizedTest(name = "{0} ({1} outputs) on {2}, {3}")
    @MethodSource("objectivesPathsPrecisions")
    void everyObjectiveGivesBackpropsLossAndGradients(Objective objective, int outputs, Kernels.Path path,
            Precision precision) {
        Random random = new Random(outputs * 31L + path.ordinal());
        Architecture architecture = Architecture.of(INPUTS, List.of(6, 5), List.of(Activation.TANH), objective, outputs);
        try (LabelledData data = labelled(random, 1001, architecture, precision);
                Network network = network(random, architecture, precision);
                TrainingKernel kernel = Kernels.create(path, network, data.x(), data.y(), gd())) {
            double loss = kernel.lossAndGradients();
            try (Gradients fast = kernel.gradients(loss);
                    LabelledData data64 = labelled64(data);
                    Network network64 = VectorKernelTest.inFloat64(network);
                    Gradients exact = Backprop.gradients(network64, data64.x(), data64.y())) {
                assertSame(fast, exact, precision == Precision.FLOAT64 ? 1e-13 : 1e-5);
            }
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @org.junit.jupiter.params.provider.CsvSource({"SOFTMAX_CROSS_ENTROPY, VECTOR", "SOFTMAX_CROSS_ENTROPY, WIDE",
            "SOFTMAX_CROSS_ENTROPY, ND4J", "SQUARED_ERROR, VECTOR", "SQUARED_ERROR, WIDE", "SQUARED_ERROR, ND4J"})
    void weightedRowsOfEveryObjectiveGiveTheFiniteDifferencesOfTheWeightedLoss(Objective objective, Kernels.Path path) {
        Random random = new Random(19);
        Architecture architecture = Architecture.of(INPUTS, List.of(4), List.of(Activation.TANH), objective,
                objective == Objective.SOFTMAX_CROSS_ENTROPY ? 3 : 1);
        try (LabelledData data = labelled(random, 300, architecture, Precision.FLOAT64);
                Network network = network(random, architecture, Precision.FLOAT64)) {
            double[] weights = random.doubles(300).map(v -> 0.25 + 2 * v).toArray();
            checkAgainstFiniteDifferences(path, network, new Rows(data.x(), data.y(), weights), 0.01);
        }
    }

    /** Rows of N(0, 1) features with labels for the architecture's objective: 0/1, one-hot, or N(0, 1) targets. */
    private static LabelledData labelled(Random random, int rows, Architecture architecture, Precision precision) {
        double[][] x = new double[rows][INPUTS];
        double[][] y = new double[rows][architecture.outputs()];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < INPUTS; k++) {
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

    /** The same rows (floats are exact doubles) in float64, labels of any width. */
    private static LabelledData labelled64(LabelledData data) {
        int inputs = (int) data.x().columns();
        int outputs = (int) data.y().columns();
        double[] x = NdArrays.toDoubles(data.x());
        double[] y = NdArrays.toDoubles(data.y());
        double[][] xs = new double[x.length / inputs][];
        double[][] ys = new double[xs.length][];
        for (int r = 0; r < xs.length; r++) {
            xs[r] = Arrays.copyOfRange(x, r * inputs, (r + 1) * inputs);
            ys[r] = Arrays.copyOfRange(y, r * outputs, (r + 1) * outputs);
        }
        return LabelledData.of(xs, ys, Precision.FLOAT64);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kernels.Path.class)
    void theL2PenaltysGradientEqualsFiniteDifferences(Kernels.Path path) {
        double l2 = 0.05;
        Random random = new Random(11);
        Architecture architecture = Architecture.of(INPUTS, List.of(4, 3), List.of(Activation.TANH),
                Objective.SIGMOID_CROSS_ENTROPY);
        try (LabelledData data = VectorKernelTest.randomData(random, 300, INPUTS, Precision.FLOAT64);
                Network network = network(random, architecture, Precision.FLOAT64)) {
            Rows rows = new Rows(data.x(), data.y(), null);
            checkAgainstFiniteDifferences(path, network, rows, l2);
            // the penalty itself: (l2 / 2) sum W², biases excluded
            try (TrainingKernel kernel = Kernels.create(path, network, rows, null, 0, gd())) {
                kernel.lossAndGradients();
                double squares = 0;
                for (int l = 0; l < network.layerCount(); l++) {
                    for (double w : network.weightsData(l)) {
                        squares += w * w;
                    }
                }
                assertThat(kernel.addL2(l2)).isCloseTo(l2 / 2 * squares, org.assertj.core.data.Offset.offset(1e-13));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kernels.Path.class)
    void theClassWeightedLossAndItsGradientEqualFiniteDifferences(Kernels.Path path) {
        Random random = new Random(12);
        // tanh, not a rectifier: 300 random rows put some logit within a step h of a kink
        Architecture architecture = Architecture.of(INPUTS, List.of(4), List.of(Activation.TANH),
                Objective.SIGMOID_CROSS_ENTROPY);
        try (LabelledData data = VectorKernelTest.randomData(random, 300, INPUTS, Precision.FLOAT64);
                Network network = network(random, architecture, Precision.FLOAT64)) {
            double[] labels = NdArrays.toDoubles(data.y());
            double[] weights = new double[labels.length];
            double total = 0;
            for (int r = 0; r < weights.length; r++) {
                weights[r] = labels[r] == 1 ? 3.0 : 0.5;
                total += weights[r];
            }
            Rows rows = new Rows(data.x(), data.y(), weights);
            checkAgainstFiniteDifferences(path, network, rows, 0);
            // the loss is the weighted mean of the rows' losses
            try (TrainingKernel kernel = Kernels.create(path, network, rows, null, 0, gd());
                    INDArray p = network.predict(data.x())) {
                double[] probabilities = NdArrays.toDoubles(p);
                double weighted = 0;
                for (int r = 0; r < weights.length; r++) {
                    double z = Math.log(probabilities[r] / (1 - probabilities[r]));
                    weighted += weights[r] * Objective.SIGMOID_CROSS_ENTROPY.loss(z, labels[r]);
                }
                assertThat(kernel.lossAndGradients()).isCloseTo(weighted / total, org.assertj.core.data.Offset.offset(1e-9));
            }
        }
    }

    static Stream<Arguments> pathsAndPrecisions() {
        List<Arguments> cases = new ArrayList<>();
        for (Kernels.Path path : Kernels.Path.values()) {
            for (Precision precision : Precision.values()) {
                cases.add(Arguments.of(path, precision));
            }
        }
        return cases.stream();
    }

    /** 700 rows in batches of 300 (a full batch of two blocks and one of 100 rows), some rows weighted. */
    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("pathsAndPrecisions")
    void aMiniBatchsGradientIsBackpropsOnExactlyItsRows(Kernels.Path path, Precision precision) {
        Random random = new Random(13);
        Architecture architecture = Architecture.of(INPUTS, List.of(6, 3), List.of(Activation.LEAKY_RELU),
                Objective.SIGMOID_CROSS_ENTROPY);
        int rows = 700;
        int batch = 300;
        try (LabelledData data = VectorKernelTest.randomData(random, rows, INPUTS, precision);
                Network network = network(random, architecture, precision)) {
            int[] order = new RowOrder(rows, 5).nextEpoch();
            double[] x = NdArrays.toDoubles(data.x());
            double[] y = NdArrays.toDoubles(data.y());
            try (TrainingKernel kernel = Kernels.create(path, network, new Rows(data.x(), data.y(), null), null, batch,
                    gd())) {
                for (int from = 0; from < rows; from += batch) {
                    int to = Math.min(rows, from + batch);
                    double loss = kernel.lossAndGradients(order, from, to);
                    try (Gradients fast = kernel.gradients(loss);
                            LabelledData subset = subset(x, y, order, from, to);
                            Network network64 = VectorKernelTest.inFloat64(network);
                            Gradients exact = Backprop.gradients(network64, subset.x(), subset.y())) {
                        assertSame(fast, exact, precision == Precision.FLOAT64 ? 1e-13 : 1e-5);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kernels.Path.class)
    void theValidationLossIsBackpropsLossOnTheValidationRows(Kernels.Path path) {
        Random random = new Random(14);
        Architecture architecture = Architecture.of(INPUTS, List.of(4), List.of(Activation.SIGMOID),
                Objective.SIGMOID_CROSS_ENTROPY);
        try (LabelledData train = VectorKernelTest.randomData(random, 500, INPUTS, Precision.FLOAT64);
                LabelledData validation = VectorKernelTest.randomData(random, 77, INPUTS, Precision.FLOAT64);
                Network network = network(random, architecture, Precision.FLOAT64);
                TrainingKernel kernel = Kernels.create(path, network, new Rows(train.x(), train.y(), null),
                        new Rows(validation.x(), validation.y(), null), 0, gd());
                Gradients exact = Backprop.gradients(network, validation.x(), validation.y())) {
            assertThat(kernel.validationLoss()).isCloseTo(exact.loss(), org.assertj.core.data.Offset.offset(1e-14));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kernels.Path.class)
    void restoringTheBestParametersUndoesTheStepsSince(Kernels.Path path) {
        Random random = new Random(15);
        try (LabelledData data = VectorKernelTest.randomData(random, 200, INPUTS, Precision.FLOAT64);
                Network network = VectorKernelTest.randomNetwork(random, INPUTS, List.of(3), Precision.FLOAT64);
                Network start = network.copy();
                TrainingKernel kernel = Kernels.create(path, network, data.x(), data.y(), gd())) {
            kernel.lossAndGradients();
            kernel.keepBest();
            kernel.step();
            kernel.lossAndGradients();
            kernel.step();
            kernel.restoreBest();
            kernel.writeParameters();
            for (int l = 0; l < network.layerCount(); l++) {
                assertThat(network.weightsData(l)).isEqualTo(start.weightsData(l));
                assertThat(network.biasData(l)).isEqualTo(start.biasData(l));
            }
        }
    }

    /** Every gradient element of kernel loss (+ L2 penalty) against (4 D(h/2) - D(h)) / 3 of that loss. */
    private static void checkAgainstFiniteDifferences(Kernels.Path path, Network network, Rows rows, double l2) {
        double[] analytic;
        try (TrainingKernel kernel = Kernels.create(path, network, rows, null, 0, gd())) {
            double loss = kernel.lossAndGradients();
            if (l2 > 0) {
                kernel.addL2(l2);
            }
            analytic = flatten(kernel.gradients(loss));
        }
        double[] theta = flatten(network);
        double worst = 0;
        for (int i = 0; i < theta.length; i++) {
            int index = i;
            double numeric = BackpropTest.richardson(h -> (penalisedLoss(path, network, rows, l2, theta, index, h)
                    - penalisedLoss(path, network, rows, l2, theta, index, -h)) / (2 * h));
            double error = BackpropTest.absoluteOrRelativeError(analytic[i], numeric);
            worst = Math.max(worst, error);
            assertThat(error).as("%s parameter %d: %s vs %s", path, i, analytic[i], numeric).isLessThan(1e-6);
        }
        System.out.printf("finite differences on %s (l2 %s, weighted %s): worst error %.2e%n", path, l2,
                rows.weights() != null, worst);
    }

    private static double penalisedLoss(Kernels.Path path, Network network, Rows rows, double l2, double[] theta,
            int index, double shift) {
        double[] shifted = theta.clone();
        shifted[index] += shift;
        try (Network moved = unflatten(network, shifted);
                TrainingKernel kernel = Kernels.create(path, moved, rows, null, 0, gd())) {
            double loss = kernel.lossAndGradients();
            return l2 > 0 ? loss + kernel.addL2(l2) : loss;
        }
    }

    private static double[] flatten(Gradients gradients) {
        try (gradients) {
            List<Double> values = new ArrayList<>();
            for (int l = 0; l < gradients.weights().size(); l++) {
                Arrays.stream(NdArrays.toDoubles(gradients.weights().get(l))).forEach(values::add);
                Arrays.stream(NdArrays.toDoubles(gradients.biases().get(l))).forEach(values::add);
            }
            return values.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    private static double[] flatten(Network network) {
        List<Double> values = new ArrayList<>();
        for (int l = 0; l < network.layerCount(); l++) {
            Arrays.stream(network.weightsData(l)).forEach(values::add);
            Arrays.stream(network.biasData(l)).forEach(values::add);
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static Network unflatten(Network like, double[] theta) {
        List<double[]> weights = new ArrayList<>();
        List<double[]> biases = new ArrayList<>();
        int at = 0;
        List<Integer> sizes = like.layerSizes();
        for (int l = 0; l < like.layerCount(); l++) {
            int w = sizes.get(l) * sizes.get(l + 1);
            weights.add(Arrays.copyOfRange(theta, at, at + w));
            at += w;
            biases.add(Arrays.copyOfRange(theta, at, at + sizes.get(l + 1)));
            at += sizes.get(l + 1);
        }
        return Network.of(like.architecture(), weights, biases, like.precision());
    }

    private static UpdateRule gd() {
        return new UpdateRule.GradientDescent(0.5);
    }

    /** Weights and biases uniform in (-1, 1), so that every layer's gradient is far from zero. */
    private static Network network(Random random, Architecture architecture, Precision precision) {
        List<Integer> sizes = architecture.layerSizes();
        List<double[]> weights = new ArrayList<>();
        List<double[]> biases = new ArrayList<>();
        for (int l = 0; l + 1 < sizes.size(); l++) {
            weights.add(random.doubles(sizes.get(l) * sizes.get(l + 1)).map(v -> 2 * v - 1).toArray());
            biases.add(random.doubles(sizes.get(l + 1)).map(v -> 2 * v - 1).toArray());
        }
        return Network.of(architecture, weights, biases, precision);
    }

    /** Rows order[from..to) of x (row-major) and y, in float64. */
    private static LabelledData subset(double[] x, double[] y, int[] order, int from, int to) {
        double[][] rows = new double[to - from][];
        double[] labels = new double[to - from];
        for (int i = from; i < to; i++) {
            rows[i - from] = Arrays.copyOfRange(x, order[i] * INPUTS, (order[i] + 1) * INPUTS);
            labels[i - from] = y[order[i]];
        }
        return LabelledData.of(rows, labels, Precision.FLOAT64);
    }

    /** Loss and every gradient element within {@code tolerance} of the largest element of its array. */
    private static void assertSame(Gradients actual, Gradients expected, double tolerance) {
        assertThat(Math.abs(actual.loss() - expected.loss()) / Math.abs(expected.loss()))
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
