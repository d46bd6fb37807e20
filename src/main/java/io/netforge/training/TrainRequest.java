package io.netforge.training;

import java.util.List;
import java.util.UUID;

import io.netforge.network.NetworkRequest;
import tools.jackson.databind.JsonNode;

/**
 * Body of {@code POST /models}.
 *
 * @param datasetId     the dataset to train on (required)
 * @param testDatasetId a separate dataset with the same columns to evaluate on
 * @param testFraction  instead of a test dataset: hold out this fraction of each class (for regression, of the
 *                      rows), seeded by the spec's seed
 * @param name          a name for the model
 * @param label         the label column; default the dataset's label
 * @param task          {@code binary}, {@code multiclass} or {@code regression}; inferred from the label when absent
 * @param features      the feature columns; default every column but the label and {@code ignore}
 * @param ignore        columns to leave out of the default features (ids, names, dates)
 * @param preprocessing how features become inputs; defaults for whatever is left out
 * @param network       the network specification; defaults for whatever is left out; {@code "auto"} (or
 *                      {@code "auto": true}) searches for one
 * @param heldOutDatasetId a dataset with the same columns whose rows calibrate the model and choose its threshold
 *                      ({@code network.calibration}, {@code network.thresholdRule}); default early stopping's
 *                      validation rows
 * @param search        with a searched network only: the search's budget and space (the fields of
 *                      {@code POST /searches} but {@code name} and {@code request}), bound by the search feature
 */
public record TrainRequest(UUID datasetId, UUID testDatasetId, Double testFraction, String name, String label, String task,
        List<String> features, List<String> ignore, PreprocessingRequest preprocessing, NetworkRequest network,
        JsonNode search, UUID heldOutDatasetId) {

    /** The same request without a search's budget (what each run of a search trains). */
    public TrainRequest withoutSearch() {
        return new TrainRequest(datasetId, testDatasetId, testFraction, name, label, task, features, ignore,
                preprocessing, network, null, heldOutDatasetId);
    }

    /** The same request with another network. */
    public TrainRequest withNetwork(NetworkRequest other) {
        return new TrainRequest(datasetId, testDatasetId, testFraction, name, label, task, features, ignore,
                preprocessing, other, search, heldOutDatasetId);
    }

    /** The same request without a test dataset or fraction (a refit on all the data keeps a test dataset). */
    public TrainRequest withoutTestFraction() {
        return new TrainRequest(datasetId, testDatasetId, null, name, label, task, features, ignore, preprocessing,
                network, search, heldOutDatasetId);
    }

    public TrainRequest withName(String other) {
        return new TrainRequest(datasetId, testDatasetId, testFraction, other, label, task, features, ignore,
                preprocessing, network, search, heldOutDatasetId);
    }

    /**
     * @param imputation        {@code "mean"} (default), {@code "median"}, or a number to fill missing numeric values
     * @param missingIndicators add a 0/1 input beside each numeric feature that has missing training values
     * @param unknownCategory   {@code "ignore"} (default) or {@code "error"}: a level unseen in training, at predict
     */
    public record PreprocessingRequest(JsonNode imputation, Boolean missingIndicators, String unknownCategory) {
    }
}
