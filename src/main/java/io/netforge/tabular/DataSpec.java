package io.netforge.tabular;

import java.util.List;

/**
 * Which columns a model learns from and what it predicts, resolved against its dataset when the model was asked
 * for (validated, defaults filled in); stored with the model's job and shown with the model.
 *
 * @param label         the label column
 * @param task          {@code binary}, {@code multiclass} or {@code regression}
 * @param features      the feature columns, in the dataset's column order: the order of a row at predict
 * @param preprocessing how the features become the network's inputs
 */
public record DataSpec(String label, String task, List<String> features, PreprocessingSpec preprocessing) {

    public DataSpec {
        features = List.copyOf(features);
        preprocessing = preprocessing == null ? PreprocessingSpec.DEFAULT : preprocessing;
    }
}
