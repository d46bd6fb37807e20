package io.netforge.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.netforge.support.ReferenceNetwork;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Our trainer's loss trajectory equals numpy's, iteration by iteration, from the same initial network.
 *
 * <p>Reference files in src/test/resources/reference: {@code initial_8_3_seed0.json} is our
 * {@code Network.initialise(20, [8, 3], seed 0, FLOAT64)} exported by {@link #exportInitialNetwork};
 * {@code trajectory_8_3_seed0_<dtype>.json} are the losses of iterations 1..500 (learning rate 1.0, the
 * article's training set) computed from it by src/test/python/numpy_trajectory.py, whose docstring says how
 * to regenerate all three.
 */
class LossTrajectoryTest {

    private static final List<Integer> HIDDEN = List.of(8, 3);
    private static final long SEED = 0;
    private static final String INITIAL = ReferenceNetwork.RESOURCE;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    @Test
    void initialisationStillProducesTheExportedNetwork() {
        JsonNode initial = read(INITIAL);
        try (Network network = Network.initialise(20, HIDDEN, SEED, Precision.FLOAT64)) {
            for (int l = 0; l < network.layerCount(); l++) {
                assertThat(network.weightsData(l)).as("W of layer %d", l)
                        .isEqualTo(ReferenceNetwork.doubles(initial.get("weights").get(l)));
                assertThat(network.biasData(l)).as("b of layer %d", l)
                        .isEqualTo(ReferenceNetwork.doubles(initial.get("biases").get(l)));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kernels.Path.class)
    void float64LossesEqualNumpyToTwelveDigits(Kernels.Path path) {
        double worst = compare(path, Precision.FLOAT64, "/reference/trajectory_8_3_seed0_float64.json", 1e-12);
        System.out.printf(Locale.ROOT, "trajectory float64, %s: 500 losses, largest relative difference to numpy %.2e%n",
                path, worst);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kernels.Path.class)
    void float32LossesEqualNumpyFloat32ToFiveDigits(Kernels.Path path) {
        double worst = compare(path, Precision.FLOAT32, "/reference/trajectory_8_3_seed0_float32.json", 1e-5);
        System.out.printf(Locale.ROOT, "trajectory float32, %s: 500 losses, largest relative difference to numpy %.2e%n",
                path, worst);
    }

    @Test
    void theArticlesNetworkTrainsOnTheVectorKernel() {
        try (Network network = Network.initialise(20, HIDDEN, SEED, Precision.FLOAT64)) {
            assertThat(Kernels.choose(network, 4000)).isEqualTo(Kernels.Path.VECTOR);
        }
    }

    /** Writes initial_8_3_seed0.json; run only on request (see the class comment). */
    @Test
    @EnabledIfSystemProperty(named = "netforge.exportInitialNetwork", matches = "true")
    void exportInitialNetwork() throws IOException {
        try (Network network = Network.initialise(20, HIDDEN, SEED, Precision.FLOAT64)) {
            List<double[]> weights = new ArrayList<>();
            List<double[]> biases = new ArrayList<>();
            for (int l = 0; l < network.layerCount(); l++) {
                weights.add(network.weightsData(l));
                biases.add(network.biasData(l));
            }
            var export = new ExportedNetwork("Network.initialise(20, [8, 3], seed 0, FLOAT64): W row-major (n_in x n_out), b",
                    network.layerSizes(), SEED, weights, biases);
            Path target = Path.of("src/test/resources" + INITIAL);
            Files.writeString(target, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(export) + "\n");
            System.out.println("wrote " + target.toAbsolutePath());
        }
    }

    private static double compare(Kernels.Path path, Precision precision, String resource, double tolerance) {
        JsonNode initial = read(INITIAL);
        JsonNode reference = read(resource);
        double[] expected = ReferenceNetwork.doubles(reference.get("losses"));
        assertThat(reference.get("dtype").asString()).isEqualTo(precision == Precision.FLOAT64 ? "float64" : "float32");
        TrainingSettings settings = TrainingSettings.article(HIDDEN, reference.get("learning_rate").asDouble(),
                expected.length, SEED, precision);
        try (LabelledData train = LabelledData.articleTrain(precision);
                Network initialNetwork = ReferenceNetwork.network(initial, precision)) {
            TrainingResult result = Trainer.trainOwned(path, initialNetwork.copy(), train.x(), train.y(), settings,
                    TrainingMonitor.NONE);
            result.network().close();
            double worst = 0;
            for (int t = 0; t < expected.length; t++) {
                double relative = Math.abs(result.losses()[t] - expected[t]) / Math.abs(expected[t]);
                worst = Math.max(worst, relative);
                assertThat(relative).as("relative difference of the loss of iteration %d: ours %s, numpy %s", t + 1,
                        result.losses()[t], expected[t]).isLessThan(tolerance);
            }
            return worst;
        }
    }

    private static JsonNode read(String resource) {
        try (InputStream in = LossTrajectoryTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record ExportedNetwork(String about, List<Integer> layers, long seed, List<double[]> weights,
            List<double[]> biases) {
    }
}
