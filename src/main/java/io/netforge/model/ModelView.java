package io.netforge.model;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.netforge.job.JobStatus;
import io.netforge.network.NetworkSpec;
import io.netforge.tabular.DataSpec;
import io.netforge.tabular.Metrics;
import io.netforge.tabular.PreprocessingSpec;
import io.netforge.tabular.Task;

/**
 * A model as the API shows it: its job's state while it trains, and once SUCCEEDED what it learned.
 * Fields that do not apply yet are null ({@code metrics}, {@code features}, ...) or empty ({@code lossCurve}).
 *
 * @param warnings      once SUCCEEDED, what makes the model less to be trusted than its metrics suggest (empty when
 *                      nothing); null before
 * @param task          what the label asks for: {@code binary}, {@code multiclass} or {@code regression}
 * @param features      the feature columns, in the order of a row at predict
 * @param preprocessing how the features become inputs (null for models asked for before it could be chosen)
 * @param inputs        once trained, the network's inputs: numeric features, {@code column=level} one-hot inputs and
 *                      {@code column=<missing>} indicators
 * @param classes       the label classes as uploaded, numbers or strings: binary, index 0 negative and 1
 *                      positive; multi-class, in output order; empty for regression
 * @param version       once SUCCEEDED (experiment runs aside), its version among the models of its name: 1, 2, ...
 * @param aliases       the aliases of its name that name this model (e.g. champion)
 * @param experimentId  for a run of an experiment, the experiment; else null
 * @param fold          for a cross-validation run, the fold held out as its test rows; else null
 * @param reproduction  for a retraining of another model from its provenance ({@code POST /models/{id}/reproduce}),
 *                      which model and whether the weights came out the same; else null
 * @param heldOutDatasetId the dataset whose rows calibrated the model or chose its threshold; else null
 * @param threshold     once SUCCEEDED, a binary model's threshold (the spec's, or the one its rule chose); else null
 * @param calibration   once SUCCEEDED, its calibration and how it changed the probabilities; else null
 * @param thresholdChoice once SUCCEEDED, how its threshold rule chose its threshold; else null
 */
public record ModelView(UUID id, String name, Integer version, List<String> aliases, JobStatus status, UUID datasetId, UUID testDatasetId,
        Double testFraction, NetworkSpec network, Progress progress, Timings timings, int attempts,
        boolean cancelRequested, String error, List<ModelDocument.Warning> warnings, Task task, List<String> features, String label,
        PreprocessingSpec preprocessing, List<String> inputs, List<Object> classes,
        Metrics.TrainTest metrics,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        List<ModelDocument.LossPoint> lossCurve,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        List<ModelDocument.LossPoint> validationLossCurve, ModelDocument.TrainingSummary training,
        ModelDocument.Provenance provenance, UUID experimentId, DataSpec.Fold fold, Reproduction reproduction,
        UUID heldOutDatasetId, Double threshold, ModelDocument.CalibrationDoc calibration,
        ModelDocument.ThresholdDoc thresholdChoice) {

    /**
     * @param iteration      epochs done by the current (or last) attempt
     * @param loss           training loss of the last reported epoch; null before the first
     * @param validationLoss with early stopping, the validation loss of the last reported epoch; else null
     * @param firstLoss      the training loss of the first epoch, once it has run (where a curve drawn from progress
     *                       starts); else null
     */
    public ModelView withAliases(List<String> names) {
        return new ModelView(id, name, version, List.copyOf(names), status, datasetId, testDatasetId, testFraction,
                network, progress, timings, attempts, cancelRequested, error, warnings, task, features, label, preprocessing,
                inputs, classes, metrics, lossCurve, validationLossCurve, training, provenance, experimentId, fold, reproduction,
                heldOutDatasetId, threshold, calibration, thresholdChoice);
    }

    /**
     * @param of             the model retrained
     * @param expectedSha256 the SHA-256 of its weights (as stored: float64 little-endian, layer by layer)
     * @param sha256         once SUCCEEDED, the SHA-256 of this model's weights; else null
     * @param matches        once SUCCEEDED, whether the two are the same: the training reproduced bit for bit
     */
    public record Reproduction(UUID of, String expectedSha256, String sha256, Boolean matches) {
    }

    /** The model as a list shows it: without its loss curves (absent from the JSON; GET /models/{id} has them). */
    public ModelView summary() {
        return new ModelView(id, name, version, aliases, status, datasetId, testDatasetId, testFraction,
                network, progress, timings, attempts, cancelRequested, error, warnings, task, features, label, preprocessing,
                inputs, classes, metrics, null, null, training, provenance, experimentId, fold, reproduction,
                heldOutDatasetId, threshold, calibration, thresholdChoice);
    }

    public record Progress(int iteration, int maxIterations, Double loss, Double validationLoss, Double firstLoss) {
    }

    /** @param trainingSeconds wall time of the training loop alone (not loading data or evaluating) */
    public record Timings(Instant createdAt, Instant startedAt, Instant finishedAt, Double trainingSeconds) {
    }
}
