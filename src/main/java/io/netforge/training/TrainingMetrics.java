package io.netforge.training;

import java.time.Duration;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Training as metrics, beside the job engine's ({@code netforge_jobs}, queue wait, failures by kind):
 * {@code netforge_training_seconds} and {@code netforge_training_iterations_per_second} by kernel path and task,
 * {@code netforge_model_warnings_total} by warning code.
 */
@Component
class TrainingMetrics {

    private final MeterRegistry registry;

    TrainingMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts a stored model's warnings by code ({@code netforge_model_warnings_total}). */
    void warned(java.util.List<io.netforge.model.ModelDocument.Warning> warnings) {
        for (io.netforge.model.ModelDocument.Warning warning : warnings) {
            io.micrometer.core.instrument.Counter.builder("netforge.model.warnings")
                    .description("Warnings of the models trained, by code").tag("code", warning.code())
                    .register(registry).increment();
        }
    }

    void trained(String path, String task, int iterations, double seconds) {
        Timer.builder("netforge.training").description("Wall time of training loops that finished")
                .tag("path", path).tag("task", task).register(registry)
                .record(Duration.ofNanos((long) (seconds * 1e9)));
        if (seconds > 0) {
            DistributionSummary.builder("netforge.training.iterations.per.second")
                    .description("Epochs (full-batch iterations) per second of finished trainings")
                    .tag("path", path).tag("task", task).register(registry).record(iterations / seconds);
        }
    }
}
