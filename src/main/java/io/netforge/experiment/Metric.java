package io.netforge.experiment;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import io.netforge.dataset.Task;
import io.netforge.model.Metrics;

/** A test metric an experiment can rank by: its name in {@link Metrics}, which tasks have it, and which way is up. */
enum Metric {
    AUC("auc", true, Metrics::auc, Task.BINARY, Task.MULTICLASS),
    ACCURACY("accuracy", true, Metrics::accuracy, Task.BINARY, Task.MULTICLASS),
    LOG_LOSS("logLoss", false, Metrics::logLoss, Task.BINARY, Task.MULTICLASS),
    PR_AUC("prAuc", true, Metrics::prAuc, Task.BINARY),
    MACRO_F1("macroF1", true, Metrics::macroF1, Task.MULTICLASS),
    WEIGHTED_F1("weightedF1", true, Metrics::weightedF1, Task.MULTICLASS),
    RMSE("rmse", false, Metrics::rmse, Task.REGRESSION),
    MAE("mae", false, Metrics::mae, Task.REGRESSION),
    R2("r2", true, Metrics::r2, Task.REGRESSION);

    final String id;
    final boolean higherIsBetter;
    private final Function<Metrics, Double> value;
    private final List<Task> tasks;

    Metric(String id, boolean higherIsBetter, Function<Metrics, Double> value, Task... tasks) {
        this.id = id;
        this.higherIsBetter = higherIsBetter;
        this.value = value;
        this.tasks = List.of(tasks);
    }

    /** The value in a run's metrics, or null when the run's test rows could not give it (one class only). */
    Double of(Metrics metrics) {
        return metrics == null ? null : value.apply(metrics);
    }

    boolean appliesTo(Task task) {
        return tasks.contains(task);
    }

    static Optional<Metric> byId(String id) {
        return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst();
    }

    static List<Metric> of(Task task) {
        return Arrays.stream(values()).filter(m -> m.appliesTo(task)).toList();
    }

    static Metric defaultFor(Task task) {
        return switch (task) {
            case BINARY -> AUC;
            case MULTICLASS -> ACCURACY;
            case REGRESSION -> RMSE;
        };
    }
}
