package io.netforge.prediction;

import java.util.List;
import java.util.function.DoubleUnaryOperator;

import io.netforge.dataset.DatasetColumn;
import io.netforge.dataset.DatasetInfo;
import io.netforge.problem.DomainException;
import io.netforge.tabular.Feature;

/**
 * Where a model's features are in a stored dataset, and how a stored cell becomes the feature's raw value (a level
 * of the dataset's column read as the model's level code): what scoring a dataset and an explanation's background
 * read it by.
 *
 * @param positions each feature's column position in the dataset
 * @param readers   each feature's reader of a stored cell, or null where the cell is the value
 */
record FeatureColumns(List<Feature> features, int[] positions, DoubleUnaryOperator[] readers) {

    /**
     * @param field the request field that named the dataset, for the 422 when it lacks a feature or holds the wrong
     *              kind of values
     */
    static FeatureColumns of(LoadedModel model, DatasetInfo dataset, String field) {
        List<Feature> features = model.encoding().features();
        int[] positions = new int[features.size()];
        DoubleUnaryOperator[] readers = new DoubleUnaryOperator[features.size()];
        for (int j = 0; j < features.size(); j++) {
            Feature f = features.get(j);
            DatasetColumn column = dataset.columns().stream().filter(c -> c.name().equals(f.name())).findFirst()
                    .orElseThrow(() -> DomainException.unprocessable("dataset " + dataset.id() + " has no column '"
                            + f.name() + "', a feature of the model").with("field", field));
            positions[j] = column.position();
            if (!f.reads(column.type())) {
                throw DomainException.unprocessable("column '" + f.name() + "' of dataset " + dataset.id() + " is "
                        + column.type().id() + (column.firstTextRow() == null ? "" : " (row " + column.firstTextRow()
                        + " has text)") + "; the model's feature is " + f.type()).with("field", field);
            }
            readers[j] = f.reader(column.source().levels());
        }
        return new FeatureColumns(features, positions, readers);
    }

    /** Feature {@code j}'s raw value of a stored cell. */
    double value(int j, double stored) {
        return readers[j] == null ? stored : readers[j].applyAsDouble(stored);
    }
}
