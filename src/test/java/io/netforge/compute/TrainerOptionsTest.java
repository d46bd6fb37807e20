package io.netforge.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The trainer's loop with the options: mini-batches, early stopping, class weights; reproducible to the bit. */
class TrainerOptionsTest {

    private static LabelledData article;

    @BeforeAll
    static void loadData() {
        article = LabelledData.articleTrain(Precision.FLOAT64);
    }

    @AfterAll
    static void closeData() {
        article.close();
    }

    private static TrainingSettings adamMiniBatches(long seed, Precision precision) {
        return TrainingSettings.article(List.of(8, 3), 0.01, 5, seed, precision)
                .withActivations(List.of(Activation.RELU)).withInitialization(Initialization.HE)
                .withOptimizer(new Optimizer.Adam(0.01, 0.9, 0.999, 1e-8)).withBatchSize(64);
    }

    @Test
    void theRowOrderIsCollectionsShuffleWithRandomOfSeedPlusOne() {
        RowOrder order = new RowOrder(1000, 41);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            expected.add(i);
        }
        Random random = new Random(42);
        for (int epoch = 0; epoch < 3; epoch++) {
            Collections.shuffle(expected, random);
            assertThat(order.nextEpoch()).as("epoch %d", epoch)
                    .containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Precision.class)
    void miniBatchRunsAreBitIdenticalAloneTwiceAtOnceAndWithAnyThreadCount(Precision precision) throws Exception {
        // 12000 rows in batches of 1024: four blocks a batch, so helper threads share each pass
        Random random = new Random(21);
        try (LabelledData data = VectorKernelTest.randomData(random, 12_000, 20, precision)) {
            TrainingSettings settings = adamMiniBatches(7, precision).withBatchSize(1024).withL2(0.001);
            Snapshot alone = train(data, settings, 0);
            assertThat(train(data, settings, 0)).isEqualTo(alone);
            assertThat(train(data, settings, ParallelSegments.HELPERS)).isEqualTo(alone);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Snapshot> first = pool.submit(() -> train(data, settings, ParallelSegments.HELPERS));
                Future<Snapshot> second = pool.submit(() -> train(data, settings, ParallelSegments.HELPERS));
                assertThat(first.get()).isEqualTo(alone);
                assertThat(second.get()).isEqualTo(alone);
            } finally {
                pool.shutdownNow();
            }
            assertThat(train(data, adamMiniBatches(8, precision).withBatchSize(1024).withL2(0.001), 0))
                    .as("another seed shuffles and starts elsewhere").isNotEqualTo(alone);
        }
    }

    @Test
    void theSameMiniBatchRunGivesTheSameBitsThroughTheTrainer() {
        TrainingSettings settings = adamMiniBatches(3, Precision.FLOAT64);
        try (TrainingResult first = Trainer.train(article.x(), article.y(), settings, TrainingMonitor.NONE);
                TrainingResult second = Trainer.train(article.x(), article.y(), settings, TrainingMonitor.NONE)) {
            assertThat(Snapshot.of(first.network(), first.losses()))
                    .isEqualTo(Snapshot.of(second.network(), second.losses()));
            assertThat(first.trainer()).isEqualTo(Trainer.VECTOR_F64);
            assertThat(first.iterations()).isEqualTo(5);
            assertThat(first.stoppedBy()).isEqualTo(TrainingResult.StoppedBy.MAX_ITERATIONS);
        }
    }

    @Test
    void aBatchAtLeastAsLargeAsTheRowsIsFullBatchTraining() {
        TrainingSettings full = TrainingSettings.article(List.of(8, 3), 1.0, 20, 0, Precision.FLOAT64);
        try (TrainingResult fullBatch = Trainer.train(article.x(), article.y(), full, TrainingMonitor.NONE);
                TrainingResult oneBatch = Trainer.train(article.x(), article.y(), full.withBatchSize(4000),
                        TrainingMonitor.NONE)) {
            assertThat(oneBatch.losses()).isEqualTo(fullBatch.losses());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kernels.Path.class)
    void earlyStoppingStopsWhenTheValidationLossStallsAndKeepsTheBestEpoch(Kernels.Path path) {
        // Adam at a large rate on unscaled features overfits and wanders within a few dozen epochs
        TrainingSettings settings = TrainingSettings.article(List.of(16), 0.05, 500, 0, Precision.FLOAT64)
                .withActivations(List.of(Activation.RELU)).withOptimizer(new Optimizer.Adam(0.05, 0.9, 0.999, 1e-8))
                .withBatchSize(128).withEarlyStopping(new EarlyStopping(0.2, 5, 0));
        List<Double> validationSeen = new ArrayList<>();
        TrainingMonitor monitor = new TrainingMonitor() {
            @Override
            public boolean onIteration(int iteration, double loss) {
                return true;
            }

            @Override
            public void onValidation(int iteration, double validationLoss) {
                validationSeen.add(validationLoss);
            }
        };
        try (TrainingResult result = Trainer.trainOwned(path, Network.initialise(settings.architecture(20),
                Initialization.NORMAL, 0, Precision.FLOAT64), article.x(), article.y(), settings, monitor)) {
            TrainingResult.Validation validation = result.validation();
            assertThat(result.stoppedBy()).isEqualTo(TrainingResult.StoppedBy.EARLY_STOPPING);
            assertThat(result.iterations()).isLessThan(500).isEqualTo(validation.bestIteration() + 5);
            assertThat(result.losses()).hasSize(result.iterations());
            assertThat(validation.losses()).hasSize(result.iterations())
                    .containsExactly(validationSeen.stream().mapToDouble(Double::doubleValue).toArray());
            double best = validation.losses()[validation.bestIteration() - 1];
            assertThat(Arrays.stream(validation.losses()).min().orElseThrow()).isEqualTo(best);
            // stratified: 20% of each class (2006 and 1994 rows)
            assertThat(validation.rows()).hasSize(401 + 399);
            // the network holds the best epoch's parameters: its loss on the validation rows is the best one
            int[] rows = validation.rows();
            try (LabelledData held = rowsOf(article, rows);
                    Gradients atEnd = Backprop.gradients(result.network(), held.x(), held.y())) {
                assertThat(atEnd.loss()).isCloseTo(best, org.assertj.core.data.Offset.offset(1e-12));
            }
        }
    }

    @Test
    void theValidationRowsAreAStratifiedSeededSliceThatTheRunDoesNotTrainOn() {
        int[] classes = new int[1000];
        for (int r = 0; r < classes.length; r++) {
            classes[r] = r % 10 == 0 ? 1 : 0; // 100 of class 1
        }
        ValidationSplit split = ValidationSplit.of(classes, 2, 0.1, 5);
        assertThat(split.validation()).hasSize(90 + 10);
        assertThat(Arrays.stream(split.validation()).filter(r -> classes[r] == 1).count()).isEqualTo(10);
        assertThat(split.training()).hasSize(900);
        int[] all = new int[1000];
        System.arraycopy(split.training(), 0, all, 0, 900);
        System.arraycopy(split.validation(), 0, all, 900, 100);
        Arrays.sort(all);
        for (int r = 0; r < 1000; r++) {
            assertThat(all[r]).isEqualTo(r);
        }
        assertThat(ValidationSplit.of(classes, 2, 0.1, 5).validation()).isEqualTo(split.validation());
        assertThat(ValidationSplit.of(classes, 2, 0.1, 6).validation()).isNotEqualTo(split.validation());
        assertThatThrownBy(() -> ValidationSplit.of(new int[] {0, 0, 1}, 2, 0.5, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("class 1 has 1 training row");
    }

    @Test
    void balancedClassWeightsAreScikitLearns() {
        // sklearn.utils.class_weight.compute_class_weight("balanced", classes=[0, 1], y=[0]*30 + [1]*10)
        assertThat(new ClassWeights.Balanced().resolve(new long[] {30, 10})).containsExactly(40.0 / 60, 40.0 / 20);
        assertThat(new ClassWeights.Given(new double[] {1, 3}).resolve(new long[] {30, 10})).containsExactly(1, 3);
    }

    @Test
    void theResultNamesTheClassWeightsTheRunUsed() {
        TrainingSettings settings = TrainingSettings.article(List.of(4), 1.0, 3, 0, Precision.FLOAT64)
                .withClassWeights(new ClassWeights.Balanced());
        try (TrainingResult result = Trainer.train(article.x(), article.y(), settings, TrainingMonitor.NONE)) {
            assertThat(result.classWeights()).containsExactly(4000.0 / (2 * 2006), 4000.0 / (2 * 1994));
        }
    }

    @Test
    void aMiniBatchRunStopsWithinItsEpochWhenTheMonitorSaysSo() {
        TrainingSettings settings = adamMiniBatches(0, Precision.FLOAT64).withBatchSize(1);
        int[] steps = {0};
        TrainingMonitor monitor = new TrainingMonitor() {
            @Override
            public boolean onIteration(int iteration, double loss) {
                return true;
            }

            @Override
            public boolean keepGoing() {
                return ++steps[0] < 10;
            }
        };
        assertThatThrownBy(() -> Trainer.train(article.x(), article.y(), settings, monitor))
                .isInstanceOf(TrainingCancelledException.class);
        assertThat(steps[0]).isEqualTo(10);
    }

    @Test
    void aDivergingMiniBatchRunNamesTheEpoch() {
        TrainingSettings settings = TrainingSettings.article(List.of(), 1e10, 100, 0, Precision.FLOAT64)
                .withBatchSize(2);
        double[][] x = {{1e300, 1e300}, {1e300, 1e300}, {1e300, 1e300}, {1e300, 1e300}};
        try (LabelledData data = LabelledData.of(x, new double[] {0, 1, 0, 1}, Precision.FLOAT64)) {
            assertThatThrownBy(() -> Trainer.train(data.x(), data.y(), settings, TrainingMonitor.NONE))
                    .isInstanceOf(NonFiniteLossException.class).hasMessageContaining("at iteration 1");
        }
    }

    private static Snapshot train(LabelledData data, TrainingSettings settings, int helpers) {
        Network network = Network.initialise(settings.architecture((int) data.x().columns()), settings.initialization(),
                settings.seed(), settings.precision());
        int rows = (int) data.x().rows();
        try (UpdateRule rule = settings.optimizer().start();
                TrainingKernel kernel = VectorKernels.create(network, new Rows(data.x(), data.y(), null), null,
                        settings.batchSize(), rule, helpers)) {
            RowOrder order = new RowOrder(rows, settings.seed());
            List<Double> losses = new ArrayList<>();
            for (int epoch = 0; epoch < settings.maxIterations(); epoch++) {
                int[] o = order.nextEpoch();
                for (int from = 0; from < rows; from += settings.batchSize()) {
                    double loss = kernel.lossAndGradients(o, from, Math.min(rows, from + settings.batchSize()));
                    losses.add(loss + kernel.addL2(settings.l2()));
                    kernel.step();
                }
            }
            kernel.writeParameters();
            return Snapshot.of(network, losses.stream().mapToDouble(Double::doubleValue).toArray());
        } finally {
            network.close();
        }
    }

    private static LabelledData rowsOf(LabelledData data, int[] rows) {
        double[] x = NdArrays.toDoubles(data.x());
        double[] y = NdArrays.toDoubles(data.y());
        int inputs = (int) data.x().columns();
        double[][] subset = new double[rows.length][];
        double[] labels = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            subset[i] = Arrays.copyOfRange(x, rows[i] * inputs, (rows[i] + 1) * inputs);
            labels[i] = y[rows[i]];
        }
        return LabelledData.of(subset, labels, Precision.FLOAT64);
    }
}
