package io.netforge.model;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.netforge.network.NetworkSpec;

/**
 * A model as the API shows it: its job's state while it trains, and once SUCCEEDED what it learned.
 * Fields that do not apply yet are null ({@code metrics}, {@code features}, ...) or empty ({@code lossCurve}).
 *
 * @param classes the label classes (index 0 negative, 1 positive) as uploaded: numbers or strings
 */
public record ModelView(UUID id, String name, ModelStatus status, UUID datasetId, UUID testDatasetId,
        Double testFraction, NetworkSpec network, Progress progress, Timings timings, int attempts,
        boolean cancelRequested, String error, List<String> features, String label, List<Object> classes,
        Metrics.TrainTest metrics, List<ModelDocument.LossPoint> lossCurve,
        List<ModelDocument.LossPoint> validationLossCurve, ModelDocument.TrainingSummary training,
        ModelDocument.Provenance provenance) {

    /**
     * @param iteration      epochs done by the current (or last) attempt
     * @param loss           training loss of the last reported epoch; null before the first
     * @param validationLoss with early stopping, the validation loss of the last reported epoch; else null
     */
    public record Progress(int iteration, int maxIterations, Double loss, Double validationLoss) {
    }

    /** @param trainingSeconds wall time of the training loop alone (not loading data or evaluating) */
    public record Timings(Instant createdAt, Instant startedAt, Instant finishedAt, Double trainingSeconds) {
    }
}
