package io.netforge.tabular;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Which columns a model learns from and what it predicts, resolved against its dataset when the model was asked
 * for (validated, defaults filled in); stored with the model's job and shown with the model.
 *
 * @param label         the label column
 * @param task          what the label asks for
 * @param features      the feature columns, in the dataset's column order: the order of a row at predict
 * @param preprocessing how the features become the network's inputs
 * @param fold          for a cross-validation run (an experiment's child): which fold of the dataset is held out
 *                      as the test rows; null otherwise
 * @param heldOutDatasetId a dataset with the same columns whose rows calibrate the model and choose its threshold
 *                      (instead of early stopping's validation rows); null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DataSpec(String label, Task task, List<String> features, PreprocessingSpec preprocessing, Fold fold,
        java.util.UUID heldOutDatasetId) {

    public DataSpec {
        features = List.copyOf(features);
        preprocessing = preprocessing == null ? PreprocessingSpec.DEFAULT : preprocessing;
    }

    public DataSpec(String label, Task task, List<String> features, PreprocessingSpec preprocessing) {
        this(label, task, features, preprocessing, null, null);
    }

    public DataSpec withFold(Fold fold) {
        return new DataSpec(label, task, features, preprocessing, fold, heldOutDatasetId);
    }

    public DataSpec withHeldOut(java.util.UUID dataset) {
        return new DataSpec(label, task, features, preprocessing, fold, dataset);
    }

    /**
     * Fold {@code index} (0-based) of {@code count} stratified folds, assigned with {@code seed}: every run with the
     * same count and seed sees the same folds, so configurations are compared on the same rows.
     */
    public record Fold(int index, int count, long seed) {
    }
}
