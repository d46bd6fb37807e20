package io.netforge.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class BackpropTest {

    private static final int INPUTS = 5;
    private static final int ROWS = 7;
    private static final double H = 1e-3;

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> activationsAndLayers() {
        List<org.junit.jupiter.params.provider.Arguments> cases = new ArrayList<>();
        cases.add(org.junit.jupiter.params.provider.Arguments.of(Activation.SIGMOID, List.of())); // logistic regression
        for (Activation activation : Activation.values()) {
            for (List<Integer> hidden : List.of(List.of(3), List.of(4, 3), List.of(6, 5, 4))) {
                cases.add(org.junit.jupiter.params.provider.Arguments.of(activation, hidden));
            }
        }
        return cases.stream();
    }

    /**
     * Every weight and bias gradient equals the numerical derivative of the loss Backprop reports, to a relative
     * error below 1e-6 element by element (absolute below 1e-3), for every activation, one for all hidden layers,
     * and for networks with a different activation in each layer. The derivative is the central difference
     * D(h) = (J(theta + h) - J(theta - h)) / 2h, Richardson-extrapolated as (4 D(h/2) - D(h)) / 3: its error is
     * O(h^4), so h can be 1e-3 and rounding in J (about 1e-16 / h) stays far below even small gradients. Weights
     * are N(0, 1), not the small initial ones, so that gradients of the deep layers are not tiny. The rectifiers have
     * a kink at 0 that a finite difference must not straddle: the seeds are chosen so that every hidden logit is at
     * least 0.05 away from it, farther than a step of h = 1e-3 can move it.
     */
    @ParameterizedTest(name = "{0}, hidden layers {1}")
    @MethodSource("activationsAndLayers")
    void gradientsOfEveryActivationEqualCentralFiniteDifferences(Activation activation, List<Integer> hidden) {
        gradientsEqualFiniteDifferences(hidden, java.util.Collections.nCopies(hidden.size(), activation));
    }

    /** The multi-class and regression objectives the same way, with three classes for the softmax. */
    @ParameterizedTest(name = "{0}, {1}")
    @org.junit.jupiter.params.provider.CsvSource({"SOFTMAX_CROSS_ENTROPY, TANH", "SOFTMAX_CROSS_ENTROPY, RELU",
            "SQUARED_ERROR, TANH", "SQUARED_ERROR, LEAKY_RELU"})
    void gradientsOfEveryObjectiveEqualCentralFiniteDifferences(Objective objective, Activation activation) {
        gradientsEqualFiniteDifferences(Architecture.of(INPUTS, List.of(4, 3), List.of(activation), objective,
                objective == Objective.SOFTMAX_CROSS_ENTROPY ? 3 : 1));
        gradientsEqualFiniteDifferences(Architecture.of(INPUTS, List.of(), List.of(), objective,
                objective == Objective.SOFTMAX_CROSS_ENTROPY ? 3 : 1));
    }

    @Test
    void gradientsOfMixedActivationsEqualCentralFiniteDifferences() {
        gradientsEqualFiniteDifferences(List.of(6, 5, 4), List.of(Activation.TANH, Activation.LEAKY_RELU,
                Activation.RELU));
        gradientsEqualFiniteDifferences(List.of(6, 5, 4), List.of(Activation.IDENTITY, Activation.SIGMOID,
                Activation.TANH));
    }

    private static void gradientsEqualFiniteDifferences(List<Integer> hidden, List<Activation> activations) {
        gradientsEqualFiniteDifferences(Architecture.of(INPUTS, hidden, activations, Objective.SIGMOID_CROSS_ENTROPY));
    }

    /** Labels y for the objective: 0/1, one-hot rows, or N(0, 1) targets. */
    private static double[][] labels(Random random, Architecture architecture) {
        int outputs = architecture.outputs();
        double[][] y = new double[ROWS][outputs];
        for (double[] row : y) {
            switch (architecture.objective()) {
                case SIGMOID_CROSS_ENTROPY -> row[0] = random.nextBoolean() ? 1 : 0;
                case SOFTMAX_CROSS_ENTROPY -> row[random.nextInt(outputs)] = 1;
                case SQUARED_ERROR -> row[0] = random.nextGaussian();
            }
        }
        return y;
    }

    private static void gradientsEqualFiniteDifferences(Architecture architecture) {
        List<Integer> hidden = architecture.hiddenLayers();
        List<Activation> activations = architecture.activations();
        for (long seed = 1; ; seed++) {
            Random random = new Random(seed * 7919 + architecture.hashCode());
            List<Integer> sizes = architecture.layerSizes();
            List<double[]> weights = new ArrayList<>();
            List<double[]> biases = new ArrayList<>();
            for (int l = 0; l + 1 < sizes.size(); l++) {
                weights.add(gaussians(random, sizes.get(l) * sizes.get(l + 1)));
                biases.add(gaussians(random, sizes.get(l + 1)));
            }
            double[][] x = new double[ROWS][];
            for (int r = 0; r < ROWS; r++) {
                x[r] = gaussians(random, INPUTS);
            }
            double[][] y = labels(random, architecture);
            if (nearestHiddenLogitToZero(architecture, weights, biases, x) < 0.05) {
                continue; // a rectifier's kink is too close: another draw
            }
            double worst = 0;
            try (LabelledData data = LabelledData.of(x, y, Precision.FLOAT64);
                    Network network = Network.of(architecture, weights, biases, Precision.FLOAT64);
                    Gradients gradients = Backprop.gradients(network, data.x(), data.y())) {
                for (int l = 0; l + 1 < sizes.size(); l++) {
                    for (boolean bias : new boolean[] {false, true}) {
                        double[] analytic = NdArrays.toDoubles(bias ? gradients.biases().get(l) : gradients.weights().get(l));
                        for (int k = 0; k < analytic.length; k++) {
                            int layer = l;
                            int index = k;
                            boolean isBias = bias;
                            double numeric = richardson(h -> (lossOf(architecture, weights, biases, layer, index, isBias, h, data)
                                    - lossOf(architecture, weights, biases, layer, index, isBias, -h, data)) / (2 * h));
                            double error = absoluteOrRelativeError(analytic[k], numeric);
                            worst = Math.max(worst, error);
                            assertThat(error).as("%s: dJ/d%s layer %d element %d: %s vs %s", activations,
                                    bias ? "b" : "W", l, k, analytic[k], numeric).isLessThan(1e-6);
                        }
                    }
                }
            }
            System.out.printf("finite differences, %s %s hidden %s: worst error %.2e (seed %d)%n",
                    architecture.objective(), activations, hidden, worst, seed);
            return;
        }
    }

    /** (4 D(h/2) - D(h)) / 3 for h = 1e-3: see gradientsOfEveryActivationEqualCentralFiniteDifferences. */
    static double richardson(java.util.function.DoubleUnaryOperator difference) {
        return (4 * difference.applyAsDouble(H / 2) - difference.applyAsDouble(H)) / 3;
    }

    /** Relative error, or absolute below 1e-3 (an identity layer's gradients can cancel to nearly zero). */
    static double absoluteOrRelativeError(double a, double b) {
        double scale = Math.max(1e-3, Math.max(Math.abs(a), Math.abs(b)));
        return Math.abs(a - b) / scale;
    }

    private static double lossOf(Architecture architecture, List<double[]> weights, List<double[]> biases, int layer,
            int index, boolean bias, double shift, LabelledData data) {
        List<double[]> w = new ArrayList<>();
        List<double[]> b = new ArrayList<>();
        for (int l = 0; l < weights.size(); l++) {
            w.add(weights.get(l).clone());
            b.add(biases.get(l).clone());
        }
        (bias ? b : w).get(layer)[index] += shift;
        try (Network network = Network.of(architecture, w, b, Precision.FLOAT64);
                Gradients gradients = Backprop.gradients(network, data.x(), data.y())) {
            return gradients.loss();
        }
    }

    /** min |z| over every hidden unit and row, computed in plain Java. */
    private static double nearestHiddenLogitToZero(Architecture architecture, List<double[]> weights,
            List<double[]> biases, double[][] x) {
        List<Integer> sizes = architecture.layerSizes();
        double nearest = Double.POSITIVE_INFINITY;
        for (double[] row : x) {
            double[] a = row;
            for (int l = 0; l + 2 < sizes.size(); l++) {
                double[] next = new double[sizes.get(l + 1)];
                for (int j = 0; j < next.length; j++) {
                    double z = biases.get(l)[j];
                    for (int k = 0; k < a.length; k++) {
                        z += a[k] * weights.get(l)[k * next.length + j];
                    }
                    nearest = Math.min(nearest, Math.abs(z));
                    next[j] = architecture.activations().get(l).value(z);
                }
                a = next;
            }
        }
        return nearest;
    }

    /**
     * One full step of a 2-2-1 network on two rows, written out scalar by scalar (no ND4J): forward pass,
     * loss, gradients by the chain rule, and the updated parameters, against Backprop and Trainer.
     */
    @Test
    void twoTwoOneNetworkMatchesHandComputedStep() {
        double[][] x = {{0.5, -1.2}, {1.5, 0.3}};
        double[] y = {1, 0};
        // W1 row-major: W1[input][unit]
        double[] w1 = {0.1, -0.2, 0.4, 0.3};
        double[] b1 = {0.05, -0.1};
        double[] w2 = {0.7, -0.6};
        double[] b2 = {0.2};
        double lr = 0.5;

        double[][] a1 = new double[2][2];
        double[] a2 = new double[2];
        double loss = 0;
        for (int n = 0; n < 2; n++) {
            for (int j = 0; j < 2; j++) {
                double z1 = x[n][0] * w1[j] + x[n][1] * w1[2 + j] + b1[j];
                a1[n][j] = 1 / (1 + Math.exp(-z1));
            }
            double z2 = a1[n][0] * w2[0] + a1[n][1] * w2[1] + b2[0];
            a2[n] = 1 / (1 + Math.exp(-z2));
            loss += -(y[n] * Math.log(a2[n]) + (1 - y[n]) * Math.log(1 - a2[n]));
        }
        loss /= 2;
        // dJ/dz2 per row, then dJ/dz1 = dJ/dz2 * w2_j * a1(1 - a1)
        double[] delta2 = {a2[0] - y[0], a2[1] - y[1]};
        double[][] delta1 = new double[2][2];
        for (int n = 0; n < 2; n++) {
            for (int j = 0; j < 2; j++) {
                delta1[n][j] = delta2[n] * w2[j] * a1[n][j] * (1 - a1[n][j]);
            }
        }
        double[] dW2 = {(a1[0][0] * delta2[0] + a1[1][0] * delta2[1]) / 2,
                (a1[0][1] * delta2[0] + a1[1][1] * delta2[1]) / 2};
        double[] db2 = {(delta2[0] + delta2[1]) / 2};
        double[] dW1 = new double[4];
        double[] db1 = new double[2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                dW1[i * 2 + j] = (x[0][i] * delta1[0][j] + x[1][i] * delta1[1][j]) / 2;
            }
        }
        for (int j = 0; j < 2; j++) {
            db1[j] = (delta1[0][j] + delta1[1][j]) / 2;
        }

        List<Integer> sizes = List.of(2, 2, 1);
        try (LabelledData data = LabelledData.of(x, y, Precision.FLOAT64);
                Network network = Network.of(sizes, List.of(w1, w2), List.of(b1, b2), Precision.FLOAT64)) {
            try (INDArray p = network.predict(data.x())) {
                assertClose(NdArrays.toDoubles(p), a2);
            }
            try (Gradients gradients = Backprop.gradients(network, data.x(), data.y())) {
                assertThat(gradients.loss()).isCloseTo(loss, org.assertj.core.data.Offset.offset(1e-12));
                assertClose(NdArrays.toDoubles(gradients.weights().get(0)), dW1);
                assertClose(NdArrays.toDoubles(gradients.biases().get(0)), db1);
                assertClose(NdArrays.toDoubles(gradients.weights().get(1)), dW2);
                assertClose(NdArrays.toDoubles(gradients.biases().get(1)), db2);
            }
            TrainingSettings oneStep = TrainingSettings.article(List.of(2), lr, 1, 0, Precision.FLOAT64);
            TrainingResult result = Trainer.train(network, data.x(), data.y(), oneStep, TrainingMonitor.NONE);
            try (Network trained = result.network()) {
                assertThat(result.losses()).hasSize(1);
                assertThat(result.losses()[0]).isCloseTo(loss, org.assertj.core.data.Offset.offset(1e-12));
                assertClose(trained.weightsData(0), minus(w1, lr, dW1));
                assertClose(trained.biasData(0), minus(b1, lr, db1));
                assertClose(trained.weightsData(1), minus(w2, lr, dW2));
                assertClose(trained.biasData(1), minus(b2, lr, db2));
            }
            assertThat(network.weightsData(0)).as("the initial network is untouched").isEqualTo(w1);
        }
    }

    @Test
    void lossStaysFiniteWhenTheOutputSigmoidSaturates() {
        // z = 1000 for every row: sigmoid(z) rounds to exactly 1, so ln(1 - a) would be -infinity for y = 0
        double[][] x = {{1}, {1}};
        double[] y = {1, 0};
        try (LabelledData data = LabelledData.of(x, y, Precision.FLOAT64);
                Network network = Network.of(List.of(1, 1), List.of(new double[] {1000}), List.of(new double[] {0}),
                        Precision.FLOAT64);
                Gradients gradients = Backprop.gradients(network, data.x(), data.y())) {
            assertThat(gradients.loss()).isEqualTo(500.0); // (0 + 1000) / 2
            assertThat(NdArrays.toDoubles(gradients.weights().get(0))).containsExactly(0.5);
        }
    }

    @Test
    void rejectsLabelsThatDoNotMatchTheRows() {
        try (LabelledData data = LabelledData.of(new double[][] {{1, 2}, {3, 4}}, new double[] {0, 1}, Precision.FLOAT64);
                LabelledData fewer = LabelledData.of(new double[][] {{1, 2}}, new double[] {1}, Precision.FLOAT64);
                Network network = Network.initialise(2, List.of(), 0, Precision.FLOAT64)) {
            assertThatThrownBy(() -> Backprop.gradients(network, data.x(), fewer.y()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("x has 2 rows but y has 1");
        }
    }

    private static void assertClose(double[] actual, double[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    private static double[] minus(double[] theta, double lr, double[] gradient) {
        double[] result = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            result[i] = theta[i] - lr * gradient[i];
        }
        return result;
    }

    private static double[] gaussians(Random random, int count) {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = random.nextGaussian();
        }
        return values;
    }
}
