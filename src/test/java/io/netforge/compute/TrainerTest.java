package io.netforge.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TrainerTest {

    private static LabelledData article;

    @BeforeAll
    static void loadData() {
        article = LabelledData.articleTrain(Precision.FLOAT64);
    }

    @AfterAll
    static void closeData() {
        article.close();
    }

    @Test
    void sameSeedGivesBitIdenticalInitialNetworks() {
        try (Network first = Network.initialise(20, List.of(8, 3), 7, Precision.FLOAT64);
                Network second = Network.initialise(20, List.of(8, 3), 7, Precision.FLOAT64);
                Network otherSeed = Network.initialise(20, List.of(8, 3), 8, Precision.FLOAT64)) {
            assertThat(Snapshot.of(first, new double[0])).isEqualTo(Snapshot.of(second, new double[0]));
            assertThat(first.weightsData(0)).isNotEqualTo(otherSeed.weightsData(0));
        }
    }

    @Test
    void float32StartsFromTheRoundedFloat64Draws() {
        try (Network doubles = Network.initialise(20, List.of(8, 3), 7, Precision.FLOAT64);
                Network floats = Network.initialise(20, List.of(8, 3), 7, Precision.FLOAT32)) {
            for (int l = 0; l < doubles.layerCount(); l++) {
                assertThat(floats.weightsData(l)).isEqualTo(roundedToFloat(doubles.weightsData(l)));
                assertThat(floats.biasData(l)).isEqualTo(roundedToFloat(doubles.biasData(l)));
            }
        }
    }

    @Test
    void warmingUpTheKernelsLeavesLaterResultsBitIdentical() {
        Snapshot before = train(21);
        Trainer.warmUp();
        assertThat(train(21)).isEqualTo(before);
    }

    /** Each Java kernel, each objective, on the full batch and on mini-batches: the code a first job may need. */
    @Test
    void theWarmUpTrainsEveryKernelAndObjectiveInBothBatchModes() {
        for (Precision precision : Precision.values()) {
            java.util.Set<String> covered = new java.util.HashSet<>();
            for (TrainingSettings settings : Trainer.warmUpRuns(precision)) {
                boolean miniBatches = settings.miniBatches(Trainer.WARM_UP_ROWS);
                int outputs = settings.objective() == Objective.SOFTMAX_CROSS_ENTROPY ? 3 : 1;
                try (Network network = Network.initialise(settings.architecture(20, outputs),
                        settings.initialization(), 0, precision)) {
                    String mode = miniBatches ? "mini-batches" : "full batch";
                    covered.add(Kernels.choose(network, Trainer.WARM_UP_ROWS, miniBatches) + " " + mode);
                    covered.add(settings.objective() + " " + mode);
                }
            }
            List<String> expected = new java.util.ArrayList<>(List.of("VECTOR full batch", "VECTOR mini-batches",
                    "WIDE full batch", "WIDE mini-batches"));
            for (Objective objective : Objective.values()) {
                expected.add(objective + " full batch");
                expected.add(objective + " mini-batches");
            }
            assertThat(covered).as(precision.toString()).containsAll(expected);
        }
    }

    @Test
    void concurrentTrainingsGiveTheSameBitsAsSequentialOnes() throws Exception {
        Snapshot sequentialA = train(11);
        Snapshot sequentialB = train(12);

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            Callable<Snapshot> a = () -> {
                start.await();
                return train(11);
            };
            Callable<Snapshot> b = () -> {
                start.await();
                return train(12);
            };
            Future<Snapshot> concurrentA = pool.submit(a);
            Future<Snapshot> concurrentB = pool.submit(b);
            start.countDown();

            assertThat(concurrentA.get()).isEqualTo(sequentialA);
            assertThat(concurrentB.get()).isEqualTo(sequentialB);
            assertThat(sequentialA).isNotEqualTo(sequentialB);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twoTrainingsAtOnceAndAnyThreadCountGiveTheSameBits() throws Exception {
        // the article's shapes with 3x its rows, so that each pass spreads 47 blocks over the threads
        Random random = new Random(9);
        try (LabelledData data = VectorKernelTest.randomData(random, 12_000, 20, Precision.FLOAT32)) {
            TrainingSettings settings = TrainingSettings.article(List.of(8, 3), 1.0, 50, 4, Precision.FLOAT32);
            Snapshot alone = trainOnVectorKernel(data, settings, 0);
            assertThat(trainOnVectorKernel(data, settings, ParallelSegments.HELPERS)).isEqualTo(alone);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Snapshot> first = pool.submit(() -> trainOnVectorKernel(data, settings, ParallelSegments.HELPERS));
                Future<Snapshot> second = pool.submit(() -> trainOnVectorKernel(data, settings, ParallelSegments.HELPERS));
                assertThat(first.get()).isEqualTo(alone);
                assertThat(second.get()).isEqualTo(alone);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void theNd4jPathTrainsWhenTheVectorKernelIsNotChosen() {
        TrainingSettings settings = TrainingSettings.article(List.of(4), 1.0, 30, 3, Precision.FLOAT64);
        try (TrainingResult nd4j = Trainer.trainOwned(Kernels.Path.ND4J, Network.initialise(20, List.of(4), 3,
                Precision.FLOAT64), article.x(), article.y(), settings, TrainingMonitor.NONE);
                TrainingResult fast = Trainer.train(article.x(), article.y(), settings, TrainingMonitor.NONE)) {
            assertThat(nd4j.trainer()).isEqualTo(Trainer.ND4J);
            assertThat(fast.trainer()).isEqualTo(Trainer.VECTOR_F64);
            for (int t = 0; t < 30; t++) {
                assertThat(nd4j.losses()[t]).isCloseTo(fast.losses()[t], org.assertj.core.data.Offset.offset(1e-13));
            }
        }
    }

    @Test
    void largeNetworksAndLargeDataTrainOnTheWideKernel() {
        try (Network large = Network.initialise(100, List.of(256, 256), 0, Precision.FLOAT32);
                Network small = Network.initialise(100, List.of(32, 16), 0, Precision.FLOAT32)) {
            assertThat(Kernels.choose(large, 50_000)).isEqualTo(Kernels.Path.WIDE);
            assertThat(Kernels.choose(small, 50_000)).isEqualTo(Kernels.Path.VECTOR);
            assertThat(Kernels.choose(small, 100_000)).as("data beyond the small kernel's heap copy (8 Mi values)")
                    .isEqualTo(Kernels.Path.WIDE);
        }
    }

    private static Snapshot trainOnVectorKernel(LabelledData data, TrainingSettings settings, int helpers) {
        Network network = Network.initialise(20, settings.hiddenLayers(), settings.seed(), settings.precision());
        try (TrainingKernel kernel = VectorKernels.create(network, data.x(), data.y(), settings.optimizer().start(),
                helpers)) {
            double[] losses = new double[settings.maxIterations()];
            for (int t = 0; t < losses.length; t++) {
                losses[t] = kernel.lossAndGradients();
                kernel.step();
            }
            kernel.writeParameters();
            return Snapshot.of(network, losses);
        } finally {
            network.close();
        }
    }

    @Test
    void divergingRunStopsWithNonFiniteLossNamingTheIteration() {
        // Identical rows of huge features: z_1 = 1e300 (w1 + w2) + b is finite but far from 0, so a = 0 or 1
        // for every row, half the labels are wrong, and dJ/dW = +-0.5e300. Times the learning rate 1e10 this
        // overflows W to an infinity, so the logits of iteration 2 are infinite and its loss is NaN.
        double[][] x = {{1e300, 1e300}, {1e300, 1e300}, {1e300, 1e300}, {1e300, 1e300}};
        double[] y = {0, 1, 0, 1};
        List<Integer> seen = new ArrayList<>();
        try (LabelledData data = LabelledData.of(x, y, Precision.FLOAT64)) {
            TrainingSettings settings = TrainingSettings.article(List.of(), 1e10, 100, 0, Precision.FLOAT64);

            assertThatThrownBy(() -> Trainer.train(data.x(), data.y(), settings, (t, loss) -> seen.add(t)))
                    .isInstanceOfSatisfying(NonFiniteLossException.class, e -> assertThat(e.iteration()).isEqualTo(2))
                    .hasMessageContaining("at iteration 2");
            assertThat(seen).containsExactly(1);
        }
    }

    @Test
    void monitorReturningFalseCancelsAtThatIteration() {
        List<Integer> seen = new ArrayList<>();
        TrainingSettings settings = TrainingSettings.article(List.of(4), 1.0, 100, 0, Precision.FLOAT64);

        assertThatThrownBy(() -> Trainer.train(article.x(), article.y(), settings, (t, loss) -> seen.add(t) && t < 3))
                .isInstanceOfSatisfying(TrainingCancelledException.class, e -> assertThat(e.iteration()).isEqualTo(3))
                .hasMessageContaining("iteration 3");
        assertThat(seen).containsExactly(1, 2, 3);
    }

    @Test
    void monitorSeesTheLossOfEachIterationsStartingParameters() {
        List<Double> seen = new ArrayList<>();
        TrainingSettings settings = TrainingSettings.article(List.of(4), 1.0, 5, 3, Precision.FLOAT64);

        TrainingResult result = Trainer.train(article.x(), article.y(), settings, (t, loss) -> seen.add(loss));
        try (Network initial = Network.initialise(20, List.of(4), 3, Precision.FLOAT64);
                Gradients atStart = Backprop.gradients(initial, article.x(), article.y())) {
            assertThat(result.iterations()).isEqualTo(5);
            assertThat(result.losses()).containsExactly(seen.stream().mapToDouble(Double::doubleValue).toArray());
            // the Vector API kernel adds the rows' terms in another order than ND4J: equal to rounding
            assertThat(result.losses()[0]).isCloseTo(atStart.loss(), org.assertj.core.data.Offset.offset(1e-14));
            assertThat(result.seconds()).isPositive();
        } finally {
            result.network().close();
        }
    }

    @Test
    void rejectsFeaturesOfTheWrongDataType() {
        try (INDArray x = article.x().castTo(DataType.FLOAT)) {
            TrainingSettings settings = TrainingSettings.article(List.of(), 1.0, 1, 0, Precision.FLOAT64);

            assertThatThrownBy(() -> Trainer.train(x, article.y(), settings, TrainingMonitor.NONE))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("x has data type FLOAT but precision FLOAT64 needs DOUBLE");
        }
    }

    @Test
    void rejectsLabelsThatAreNotOneColumn() {
        try (INDArray y = Nd4j.zeros(DataType.DOUBLE, 4000, 2)) {
            TrainingSettings settings = TrainingSettings.article(List.of(), 1.0, 1, 0, Precision.FLOAT64);

            assertThatThrownBy(() -> Trainer.train(article.x(), y, settings, TrainingMonitor.NONE))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("y must be an N x 1 column of labels, has shape [4000, 2]");
        }
    }

    @Test
    void rejectsAnInitialNetworkWithOtherInputs() {
        try (Network initial = Network.initialise(3, List.of(), 0, Precision.FLOAT64)) {
            TrainingSettings settings = TrainingSettings.article(List.of(), 1.0, 1, 0, Precision.FLOAT64);

            assertThatThrownBy(() -> Trainer.train(initial, article.x(), article.y(), settings, TrainingMonitor.NONE))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("x has 20 columns but the network has 3 inputs");
        }
    }

    @Test
    void rejectsANonPositiveLearningRate() {
        TrainingSettings settings = TrainingSettings.article(List.of(), 0.0, 1, 0, Precision.FLOAT64);

        assertThatThrownBy(() -> Trainer.train(article.x(), article.y(), settings, TrainingMonitor.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("learning rate must be a finite number > 0, was 0.0");
    }

    private static Snapshot train(long seed) {
        TrainingSettings settings = TrainingSettings.article(List.of(8, 3), 1.0, 300, seed, Precision.FLOAT64);
        TrainingResult result = Trainer.train(article.x(), article.y(), settings, TrainingMonitor.NONE);
        try (Network network = result.network()) {
            return Snapshot.of(network, result.losses());
        }
    }

    private static double[] roundedToFloat(double[] values) {
        double[] rounded = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            rounded[i] = (float) values[i];
        }
        return rounded;
    }
}
