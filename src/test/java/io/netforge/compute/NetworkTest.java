package io.netforge.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class NetworkTest {

    @Test
    void countsTheArticlesTwoHundredParameters() {
        // the article: 21 x 8 + 9 x 3 + 4 x 1 = 199 parameters for [8, 3] on 20 features
        assertThat(Network.parameterCount(20, List.of(8, 3))).isEqualTo(199);
        assertThat(Network.parameterCount(20, List.of())).isEqualTo(21);
        try (Network network = Network.initialise(20, List.of(8, 3), 0, Precision.FLOAT32)) {
            assertThat(network.parameterCount()).isEqualTo(199);
            assertThat(network.layerSizes()).containsExactly(20, 8, 3, 1);
            assertThat(network.layerCount()).isEqualTo(3);
            assertThat(network.inputs()).isEqualTo(20);
            assertThat(network.precision()).isEqualTo(Precision.FLOAT32);
            assertThat(network.weights(1).shape()).containsExactly(8, 3);
            assertThat(network.bias(1).shape()).containsExactly(1, 3);
            assertThat(network.weights(1).dataType()).isEqualTo(DataType.FLOAT);
        }
    }

    @Test
    void initialisesWithTheReferenceOrderOfDraws() {
        // all weight matrices first (layer by layer, row-major), then all biases: the first bias of the first
        // layer is the draw that follows the last weight of the last layer
        java.util.Random random = new java.util.Random(5);
        double[] draws = new double[2 * 3 + 3 * 1 + 3 + 1];
        for (int i = 0; i < draws.length; i++) {
            draws[i] = 0.1 * random.nextGaussian();
        }
        try (Network network = Network.initialise(2, List.of(3), 5, Precision.FLOAT64)) {
            assertThat(network.weightsData(0)).containsExactly(java.util.Arrays.copyOfRange(draws, 0, 6));
            assertThat(network.weightsData(1)).containsExactly(java.util.Arrays.copyOfRange(draws, 6, 9));
            assertThat(network.biasData(0)).containsExactly(java.util.Arrays.copyOfRange(draws, 9, 12));
            assertThat(network.biasData(1)).containsExactly(draws[12]);
            assertThat(network.weights(0).getDouble(1, 0)).as("row-major: W[1][0] is the 4th draw").isEqualTo(draws[3]);
        }
    }

    @Test
    void rebuildsFromPersistedValues() {
        try (Network original = Network.initialise(4, List.of(3), 9, Precision.FLOAT64);
                Network rebuilt = Network.of(original.layerSizes(),
                        List.of(original.weightsData(0), original.weightsData(1)),
                        List.of(original.biasData(0), original.biasData(1)), Precision.FLOAT64)) {
            double[][] rows = {{0.1, -2, 3, 0.5}, {1, 1, 1, 1}};
            assertThat(rebuilt.predictor().probabilities(rows)).containsExactly(original.predictor().probabilities(rows));
        }
    }

    @Test
    void predictsTheSigmoidOfTheLogitForLogisticRegression() {
        try (Network network = Network.of(List.of(2, 1), List.of(new double[] {2, -1}), List.of(new double[] {0.5}),
                Precision.FLOAT64)) {
            double[] p = network.predictor().probabilities(new double[][] {{1, 3}, {0, 0}});
            assertThat(p[0]).isCloseTo(1 / (1 + Math.exp(0.5)), within(1e-15)); // z = 2 - 3 + 0.5 = -0.5
            assertThat(p[1]).isCloseTo(1 / (1 + Math.exp(-0.5)), within(1e-15));
        }
    }

    /**
     * Small networks are predicted in plain Java, large ones through ND4J: both equal the ND4J forward pass to
     * rounding (sums in another order, another exp).
     */
    @ParameterizedTest(name = "{0}, {1} rows, hidden {2}")
    @CsvSource(delimiter = ';', value = {"FLOAT64; 1; 8,3", "FLOAT64; 3; 8,3", "FLOAT64; 200; 8,3",
            "FLOAT64; 2000; 8,3", "FLOAT32; 3; 8,3", "FLOAT32; 200; 8,3", "FLOAT32; 2000; 8,3",
            "FLOAT64; 1; 100,100", "FLOAT64; 300; 100,100", "FLOAT32; 300; 100,100", "FLOAT32; 1; 100,100",
            "FLOAT64; 7; 150,37", "FLOAT32; 257; 150,37"})
    void predictionFromRowsEqualsTheNd4jForwardPass(Precision precision, int count, String hidden) {
        java.util.Random random = new java.util.Random(count);
        double[][] rows = new double[count][20];
        for (double[] row : rows) {
            for (int k = 0; k < row.length; k++) {
                row[k] = 3 * random.nextGaussian();
            }
        }
        List<Integer> layers = java.util.Arrays.stream(hidden.split(",")).map(Integer::valueOf).toList();
        try (Network network = VectorKernelTest.randomNetwork(random, 20, layers, precision);
                INDArray x = NdArrays.matrix(rows, 20, precision.dataType());
                INDArray p = network.predict(x)) {
            double[] expected = NdArrays.toDoubles(p);
            double[] actual = network.predictor().probabilities(rows);
            double tolerance = precision == Precision.FLOAT64 ? 1e-12 : 2e-6;
            assertThat(actual).hasSize(count);
            for (int r = 0; r < count; r++) {
                assertThat(Math.abs(actual[r] - expected[r])).as("row %d: %s vs %s", r, actual[r], expected[r])
                        .isLessThanOrEqualTo(tolerance * expected[r]);
            }
        }
    }

    /** The same for every activation: /predict's plain-Java predictor and ND4J's forward pass agree. */
    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"SIGMOID, FLOAT64", "TANH, FLOAT64", "RELU, FLOAT64", "LEAKY_RELU, FLOAT64", "IDENTITY, FLOAT64",
            "SIGMOID, FLOAT32", "TANH, FLOAT32", "RELU, FLOAT32", "LEAKY_RELU, FLOAT32", "IDENTITY, FLOAT32"})
    void everyActivationPredictsTheSameInJavaAndOnNd4j(Activation activation, Precision precision) {
        java.util.Random random = new java.util.Random(activation.ordinal());
        double[][] rows = new double[500][20];
        for (double[] row : rows) {
            for (int k = 0; k < row.length; k++) {
                row[k] = 2 * random.nextGaussian();
            }
        }
        Architecture architecture = Architecture.of(20, List.of(8, 3), List.of(activation, Activation.TANH),
                Objective.SIGMOID_CROSS_ENTROPY);
        List<double[]> weights = new java.util.ArrayList<>();
        List<double[]> biases = new java.util.ArrayList<>();
        for (int l = 0; l < architecture.layerCount(); l++) {
            int in = architecture.layerSizes().get(l);
            int out = architecture.layerSizes().get(l + 1);
            weights.add(random.doubles(in * out).map(v -> (2 * v - 1) / Math.sqrt(in)).toArray());
            biases.add(random.doubles(out).map(v -> 2 * v - 1).toArray());
        }
        try (Network network = Network.of(architecture, weights, biases, precision);
                INDArray x = NdArrays.matrix(rows, 20, precision.dataType());
                INDArray p = network.predict(x)) {
            double[] expected = NdArrays.toDoubles(p);
            double[] actual = network.predictor().probabilities(rows);
            double tolerance = precision == Precision.FLOAT64 ? 1e-12 : 2e-6;
            for (int r = 0; r < rows.length; r++) {
                assertThat(Math.abs(actual[r] - expected[r])).as("%s row %d: %s vs %s", activation, r, actual[r],
                        expected[r]).isLessThanOrEqualTo(tolerance * Math.max(expected[r], 1e-3));
            }
        }
    }

    /** The multi-class and regression outputs too: Java and ND4J agree, and the softmax's rows sum to 1. */
    @ParameterizedTest(name = "{0}, {1} outputs, {2}")
    @CsvSource({"SOFTMAX_CROSS_ENTROPY, 3, FLOAT64", "SOFTMAX_CROSS_ENTROPY, 7, FLOAT64",
            "SOFTMAX_CROSS_ENTROPY, 3, FLOAT32", "SQUARED_ERROR, 1, FLOAT64", "SQUARED_ERROR, 1, FLOAT32"})
    void everyObjectivePredictsTheSameInJavaAndOnNd4j(Objective objective, int outputs, Precision precision) {
        java.util.Random random = new java.util.Random(outputs);
        double[][] rows = new double[300][10];
        for (double[] row : rows) {
            for (int k = 0; k < row.length; k++) {
                row[k] = 2 * random.nextGaussian();
            }
        }
        Architecture architecture = Architecture.of(10, List.of(6), List.of(Activation.TANH), objective, outputs);
        List<double[]> weights = new java.util.ArrayList<>();
        List<double[]> biases = new java.util.ArrayList<>();
        for (int l = 0; l < architecture.layerCount(); l++) {
            int in = architecture.layerSizes().get(l);
            int out = architecture.layerSizes().get(l + 1);
            weights.add(random.doubles(in * out).map(v -> 2 * v - 1).toArray());
            biases.add(random.doubles(out).map(v -> 2 * v - 1).toArray());
        }
        try (Network network = Network.of(architecture, weights, biases, precision);
                INDArray x = NdArrays.matrix(rows, 10, precision.dataType());
                INDArray p = network.predict(x)) {
            double[] expected = NdArrays.toDoubles(p);
            double[][] actual = network.predictor().predict(rows);
            double tolerance = precision == Precision.FLOAT64 ? 1e-12 : 2e-6;
            // a regression value is a sum of terms of size ~1 that may cancel: its error is relative to them
            double floor = objective == Objective.SQUARED_ERROR ? 1 : 1e-3;
            for (int r = 0; r < rows.length; r++) {
                double sum = 0;
                for (int j = 0; j < outputs; j++) {
                    double e = expected[r * outputs + j];
                    assertThat(Math.abs(actual[r][j] - e)).as("row %d output %d: %s vs %s", r, j, actual[r][j], e)
                            .isLessThanOrEqualTo(tolerance * Math.max(Math.abs(e), floor));
                    sum += actual[r][j];
                }
                if (objective == Objective.SOFTMAX_CROSS_ENTROPY) {
                    assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
                }
            }
        }
    }

    /** Row by row (small networks) or in blocks of rows (large ones, 12,301 parameters here): the same bits. */
    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource(delimiter = ';', value = {"FLOAT64; 8,3", "FLOAT32; 8,3", "FLOAT64; 100,100", "FLOAT32; 100,100",
            "FLOAT64; 150,37"})
    void aRowsProbabilityDoesNotDependOnItsBatch(Precision precision, String hidden) {
        java.util.Random random = new java.util.Random(5);
        double[][] rows = new double[3000][20];
        for (double[] row : rows) {
            for (int k = 0; k < row.length; k++) {
                row[k] = random.nextGaussian();
            }
        }
        List<Integer> layers = java.util.Arrays.stream(hidden.split(",")).map(Integer::valueOf).toList();
        try (Network network = VectorKernelTest.randomNetwork(random, 20, layers, precision)) {
            double[] batch = network.predictor().probabilities(rows);
            assertThat(network.predictor().probabilities(java.util.Arrays.copyOfRange(rows, 1, 7)))
                    .containsExactly(java.util.Arrays.copyOfRange(batch, 1, 7));
            for (int r : new int[] {0, 1, 1234, 2999}) {
                assertThat(network.predictor().probabilities(new double[][] {rows[r]})).containsExactly(batch[r]);
            }
        }
    }

    @Test
    void predictsFromManyThreadsAtOnce() throws Exception {
        try (Network network = Network.initialise(4, List.of(5, 3), 2, Precision.FLOAT64)) {
            double[][] rows = {{0.1, -2, 3, 0.5}, {1, 1, 1, 1}, {-1, 0, 2, 7}};
            Predictor predictor = network.predictor(); // one predictor shared by every thread, as in the cache
            double[] expected = predictor.probabilities(rows);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                List<java.util.concurrent.Future<double[]>> results = new java.util.ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    results.add(pool.submit(() -> predictor.probabilities(rows)));
                }
                for (var result : results) {
                    assertThat(result.get()).containsExactly(expected);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"FLOAT64", "FLOAT32"})
    void aSmallNetworksPredictorKeepsItsOwnSnapshotOfTheWeights(Precision precision) {
        double[][] rows = {{0.1, -2, 3, 0.5}, {1, 1, 1, 1}};
        Predictor predictor;
        double[] before;
        try (Network network = Network.initialise(4, List.of(5, 3), 8, precision)) {
            predictor = network.predictor();
            before = network.predictor().probabilities(rows);
            network.weights(0).putScalar(0, 0, 42.0);
            assertThat(network.predictor().probabilities(rows)).as("the network itself changed").isNotEqualTo(before);
        }
        // changed and then closed: the predictor still answers from the weights it was made with
        assertThat(predictor.probabilities(rows)).containsExactly(before);
        assertThat(predictor.probabilities(new double[0][])).isEmpty();
        assertThatThrownBy(() -> predictor.probabilities(new double[][] {{1, 2, 3, 4}, {1, 2}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("row 1: expected 4 values, found 2");
    }

    @Test
    void copyIsIndependentOfTheOriginal() {
        try (Network original = Network.initialise(3, List.of(2), 4, Precision.FLOAT64);
                Network copy = original.copy()) {
            double before = original.weights(0).getDouble(0, 0);
            copy.weights(0).putScalar(0, 0, 42.0);
            assertThat(original.weights(0).getDouble(0, 0)).isEqualTo(before);
            assertThat(copy.weightsData(1)).containsExactly(original.weightsData(1));
        }
    }

    @Test
    void rejectsInputOfTheWrongWidthOrType() {
        try (Network network = Network.initialise(3, List.of(), 0, Precision.FLOAT64);
                INDArray wide = NdArrays.matrix(new double[][] {{1, 2, 3, 4}}, 4, DataType.DOUBLE);
                INDArray floats = NdArrays.matrix(new double[][] {{1, 2, 3}}, 3, DataType.FLOAT)) {
            assertThatThrownBy(() -> network.predict(wide)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("x has 4 columns but the network has 3 inputs");
            assertThatThrownBy(() -> network.predict(floats)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("x has data type FLOAT but the network's precision FLOAT64 needs DOUBLE");
            assertThatThrownBy(() -> network.predictor().probabilities(new double[][] {{1, 2}}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("row 0: expected 3 values, found 2");
        }
    }

    @Test
    void rejectsPersistedValuesOfTheWrongLength() {
        assertThatThrownBy(() -> Network.of(List.of(2, 3, 1), List.of(new double[6], new double[2]),
                List.of(new double[3], new double[1]), Precision.FLOAT64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("weights of layer 1: expected 3 values (3 x 1), found 2");
        assertThatThrownBy(() -> Network.of(List.of(2, 3, 2), List.of(new double[6], new double[6]),
                List.of(new double[3], new double[2]), Precision.FLOAT64))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the output layer must have 1 unit, layerSizes were [2, 3, 2]");
    }

    @Test
    void rejectsEmptyHiddenLayers() {
        assertThatThrownBy(() -> Network.initialise(3, List.of(4, 0), 0, Precision.FLOAT64))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("hidden layer 1 must have at least 1 unit, was 0");
    }

    @Test
    void closedNetworkCannotBeUsed() {
        Network network = Network.initialise(3, List.of(), 0, Precision.FLOAT64);
        network.close();
        network.close();
        assertThatThrownBy(() -> network.weights(0)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the network was closed");
    }
}
