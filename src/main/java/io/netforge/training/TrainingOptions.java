package io.netforge.training;

import java.util.Arrays;
import java.util.List;

import io.netforge.compute.Activation;
import io.netforge.compute.Initialization;
import io.netforge.compute.Precision;
import io.netforge.network.NetworkLimits;
import io.netforge.network.NetworkSpec;
import io.netforge.network.OptimizerSpec;
import io.netforge.tabular.PreprocessingSpec;
import io.netforge.tabular.Task;

/**
 * What a training request may ask for, as {@code GET /training/options} answers it: the tasks with the metrics their
 * models are ranked by, the choices of every option, the defaults a request gets for what it leaves out, and the
 * limits. Read from the types that define them, so a client (the dashboard) never keeps a copy of its own.
 */
record TrainingOptions(List<TaskOption> tasks, List<String> activations, List<String> initializations,
        List<OptimizerOption> optimizers, List<String> precisions, Defaults defaults, Preprocessing preprocessing,
        NetworkLimits limits, List<String> calibrations, List<String> thresholdRules) {

    /** A task, the metrics of its models (in the order a leaderboard shows them) and the one ranked by default. */
    record TaskOption(String id, boolean classification, List<MetricOption> metrics, String defaultMetric) {
    }

    record MetricOption(String id, boolean higherIsBetter) {
    }

    /** An optimizer type and the learning rate it gets when a request gives none. */
    record OptimizerOption(String type, double defaultLearningRate) {
    }

    /** The network a request gets for every field it leaves out (the article's). */
    record Defaults(List<Integer> hiddenLayers, double learningRate, int maxIterations, double threshold, long seed,
            boolean standardize, String precision, String activation, String initialization, String optimizer) {
    }

    /** @param imputation besides these, a number fills missing values with itself */
    record Preprocessing(List<String> imputation, List<String> unknownCategory) {
    }

    static TrainingOptions of(NetworkLimits limits) {
        List<TaskOption> tasks = Arrays.stream(Task.values()).map(t -> new TaskOption(t.id(), t.classification(),
                t.scores().stream().map(s -> new MetricOption(s.id(), s.higherIsBetter())).toList(),
                t.defaultScore().id())).toList();
        return new TrainingOptions(tasks, Arrays.stream(Activation.values()).map(Activation::id).toList(),
                Arrays.stream(Initialization.values()).map(Initialization::id).toList(),
                OptimizerSpec.TYPES.stream().map(t -> new OptimizerOption(t, OptimizerSpec.defaultLearningRate(t)))
                        .toList(),
                Arrays.stream(Precision.values()).map(Precision::name).toList(),
                new Defaults(NetworkSpec.DEFAULT_HIDDEN_LAYERS, NetworkSpec.DEFAULT_LEARNING_RATE,
                        NetworkSpec.DEFAULT_MAX_ITERATIONS, NetworkSpec.DEFAULT_THRESHOLD, NetworkSpec.DEFAULT_SEED,
                        NetworkSpec.DEFAULT_STANDARDIZE, NetworkSpec.DEFAULT_PRECISION.name(),
                        NetworkSpec.DEFAULT_ACTIVATION, NetworkSpec.DEFAULT_INITIALIZATION, OptimizerSpec.GD),
                new Preprocessing(List.of(PreprocessingSpec.MEAN, PreprocessingSpec.MEDIAN),
                        PreprocessingSpec.UNKNOWN_CATEGORY),
                limits, io.netforge.tabular.Calibration.METHODS, io.netforge.tabular.ThresholdRule.RULES);
    }
}
