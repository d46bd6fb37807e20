package io.netforge.prediction;

import java.util.List;

import io.netforge.compute.Predictor;
import io.netforge.compute.Standardization;
import io.netforge.model.ModelDocument;
import io.netforge.model.StoredModel;
import io.netforge.model.WeightsCodec;
import io.netforge.tabular.Encoding;
import io.netforge.tabular.Prediction;
import io.netforge.tabular.Readout;
import io.netforge.tabular.Task;

/**
 * A fitted model ready to serve: its network's predictor (the weights are read once, when the model is loaded)
 * and everything that turns request rows into its inputs and its outputs into answers. Immutable and safe to
 * share between request threads.
 */
final class LoadedModel {

    private final ModelDocument document;
    private final Task task;
    private final Predictor predictor;
    private final Encoding encoding;
    private final Standardization standardization;
    private final Readout readout;

    private final io.micrometer.core.instrument.Counter rows;

    LoadedModel(StoredModel stored) {
        this(stored, null);
    }

    /** @param rows counts the rows predicted (netforge_predict_rows_total), or null */
    LoadedModel(StoredModel stored, io.micrometer.core.instrument.Counter rows) {
        this.rows = rows;
        this.document = stored.document();
        this.task = document.task();
        this.predictor = WeightsCodec.predictor(stored);
        this.encoding = document.preprocessing();
        ModelDocument.StandardizationDoc s = document.standardization();
        this.standardization = s == null ? null : new Standardization(s.mean(), s.sd());
        this.readout = document.readout();
    }

    private LoadedModel(LoadedModel model, Readout readout) {
        this.rows = model.rows;
        this.document = model.document;
        this.task = model.task;
        this.predictor = model.predictor;
        this.encoding = model.encoding;
        this.standardization = model.standardization;
        this.readout = readout;
    }

    /** The same model labelling binary rows at another threshold (one request's), sharing its weights. */
    LoadedModel withThreshold(double threshold) {
        return new LoadedModel(this, readout.withThreshold(threshold));
    }

    /** A binary model's threshold; null for other tasks. */
    Double threshold() {
        return task == Task.BINARY ? readout.threshold() : null;
    }

    List<String> features() {
        return document.features();
    }

    Encoding encoding() {
        return encoding;
    }

    Task task() {
        return task;
    }

    ModelDocument document() {
        return document;
    }

    /** The classes as uploaded, as text, in output order (the keys of a multi-class prediction's probabilities). */
    List<String> classNames() {
        return readout.classNames();
    }

    /** The classes as JSON values (numbers for numeric labels), in output order. */
    List<Object> classes() {
        return readout.classValues();
    }

    /**
     * The predictions of rows of raw feature values (one per feature: a number or NaN for a numeric feature, a
     * level index, -1 or NaN for a categorical one; see {@link Encoding#encode}), typed by the model's task.
     */
    List<Prediction> predict(double[][] rows) {
        if (this.rows != null) {
            this.rows.increment(rows.length);
        }
        return task.predict(flatOutputs(rows), readout);
    }

    /** The predictions of rows for the service's own work (explanations): not counted as predictions served. */
    List<Prediction> evaluate(double[][] rows) {
        return task.predict(flatOutputs(rows), readout);
    }

    /**
     * The numbers a prediction reports of each row, as {@code /predict} answers them: a binary model's probability
     * of its positive class, a multi-class model's probability of each class (in {@link #classNames()} order), a
     * regression's value in the label's units.
     */
    double[][] outputs(double[][] rows) {
        List<Prediction> predictions = task.predict(flatOutputs(rows), readout);
        double[][] out = new double[predictions.size()][];
        List<String> classes = classNames();
        for (int r = 0; r < out.length; r++) {
            Prediction p = predictions.get(r);
            if (p instanceof io.netforge.tabular.BinaryPrediction b) {
                out[r] = new double[] {b.probability()};
            } else if (p instanceof io.netforge.tabular.MulticlassPrediction m) {
                out[r] = new double[classes.size()];
                for (int c = 0; c < classes.size(); c++) {
                    out[r][c] = m.probabilities().get(classes.get(c));
                }
            } else {
                out[r] = new double[] {((io.netforge.tabular.RegressionPrediction) p).value()};
            }
        }
        return out;
    }

    /** The names of {@link #outputs}: {@code probability}, the classes, or {@code value}. */
    List<String> outputNames() {
        return switch (task) {
            case BINARY -> List.of("probability");
            case MULTICLASS -> classNames();
            case REGRESSION -> List.of("value");
        };
    }

    private double[] flatOutputs(double[][] rows) {
        double[][] input = new double[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            double[] encoded = new double[encoding.width()];
            encoding.encode(rows[r], 0, encoded, 0);
            input[r] = standardization == null ? encoded : standardization.apply(encoded);
        }
        double[][] outputs = predictor.predict(input);
        int width = predictor.outputs();
        double[] flat = new double[outputs.length * width];
        for (int r = 0; r < outputs.length; r++) {
            System.arraycopy(outputs[r], 0, flat, r * width, width);
        }
        return flat;
    }
}
