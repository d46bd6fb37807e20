package io.netforge.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ND4J's passes over chunks of rows against the straightforward formulation ({@link Backprop}): the same loss
 * and gradients with one chunk, several, and a short last one, in both precisions.
 */
class Nd4jBlockedKernelTest {

    // chunks of the shapes below: [7] float64 -> 1048576 rows, [600, 1] float64 -> 13824 rows
    @ParameterizedTest(name = "{0}, {1} rows, hidden {2}")
    @CsvSource(delimiter = ';', value = {"FLOAT64; 5; ''", "FLOAT64; 4096; 7", "FLOAT64; 30000; 600,1",
            "FLOAT32; 300; 6,4", "FLOAT32; 30000; 600,1"})
    void lossAndGradientsEqualTheStraightforwardBackprop(Precision precision, int rows, String hiddenText) {
        assertThat(Nd4jBlockedKernel.chunkRows(List.of(5, 600, 1, 1), Precision.FLOAT64)).isEqualTo(13824);
        List<Integer> hidden = hiddenText == null || hiddenText.isBlank() ? List.of()
                : java.util.Arrays.stream(hiddenText.split(",")).map(Integer::valueOf).toList();
        Random random = new Random(rows);
        try (LabelledData data = VectorKernelTest.randomData(random, rows, 5, precision);
                Network network = VectorKernelTest.randomNetwork(random, 5, hidden, precision);
                Gradients reference = Backprop.gradients(network, data.x(), data.y());
                TrainingKernel kernel = Kernels.create(Kernels.Path.ND4J, network, data.x(), data.y(),
                        new UpdateRule.GradientDescent(1.0))) {
            double loss = kernel.lossAndGradients();
            double tolerance = precision == Precision.FLOAT64 ? 1e-13 : 2e-6;
            assertThat(Math.abs(loss - reference.loss())).isLessThanOrEqualTo(tolerance * reference.loss());
            try (Gradients blocked = kernel.gradients(loss)) {
                for (int l = 0; l < network.layerCount(); l++) {
                    assertClose(NdArrays.toDoubles(blocked.weights().get(l)), NdArrays.toDoubles(reference.weights().get(l)),
                            tolerance);
                    assertClose(NdArrays.toDoubles(blocked.biases().get(l)), NdArrays.toDoubles(reference.biases().get(l)),
                            tolerance);
                }
            }
            assertThat(kernel.name()).isEqualTo(Trainer.ND4J);
        }
    }

    private static void assertClose(double[] actual, double[] expected, double tolerance) {
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertThat(Math.abs(actual[i] - expected[i])).as("element %d: %s vs %s", i, actual[i], expected[i])
                    .isLessThanOrEqualTo(tolerance * scale);
        }
    }
}
