package io.netforge.prediction;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.netforge.compute.Predictor;
import io.netforge.compute.Standardization;
import io.netforge.dataset.Task;
import io.netforge.model.ModelDocument;
import io.netforge.model.StoredModel;
import io.netforge.model.WeightsCodec;
import io.netforge.tabular.Encoding;
import io.netforge.tabular.TargetScale;

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
    private final TargetScale target;
    private final List<Object> classes;

    private final io.micrometer.core.instrument.Counter rows;

    LoadedModel(StoredModel stored) {
        this(stored, null);
    }

    /** @param rows counts the rows predicted (netforge_predict_rows_total), or null */
    LoadedModel(StoredModel stored, io.micrometer.core.instrument.Counter rows) {
        this.rows = rows;
        this.document = stored.document();
        this.task = document.taskValue();
        this.predictor = WeightsCodec.decode(stored).predictor();
        this.encoding = document.preprocessing();
        ModelDocument.StandardizationDoc s = document.standardization();
        this.standardization = s == null ? null : new Standardization(s.mean(), s.sd());
        this.target = document.target();
        this.classes = document.classes().stream().map(ModelDocument.ClassValue::json).toList();
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
        return document.classes().stream().map(ModelDocument.ClassValue::value).toList();
    }

    /** The classes as JSON values (numbers for numeric labels), in output order. */
    List<Object> classes() {
        return classes;
    }

    /**
     * The predictions of rows of raw feature values (one per feature: a number or NaN for a numeric feature, a
     * level index, -1 or NaN for a categorical one; see {@link Encoding#encode}).
     */
    List<PredictResponse.Prediction> predict(double[][] rows) {
        if (this.rows != null) {
            this.rows.increment(rows.length);
        }
        double[][] input = new double[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            double[] encoded = new double[encoding.width()];
            encoding.encode(rows[r], 0, encoded, 0);
            input[r] = standardization == null ? encoded : standardization.apply(encoded);
        }
        List<PredictResponse.Prediction> predictions = new ArrayList<>(rows.length);
        switch (task) {
            case BINARY -> {
                for (double p : predictor.probabilities(input)) {
                    predictions.add(PredictResponse.Prediction.binary(p,
                            p >= document.network().threshold() ? classes.get(1) : classes.get(0)));
                }
            }
            case MULTICLASS -> {
                for (double[] p : predictor.predict(input)) {
                    int best = 0;
                    Map<String, Double> byClass = new LinkedHashMap<>();
                    for (int k = 0; k < p.length; k++) {
                        byClass.put(document.classes().get(k).value(), p[k]);
                        if (p[k] > p[best]) {
                            best = k;
                        }
                    }
                    predictions.add(PredictResponse.Prediction.multiclass(classes.get(best), byClass));
                }
            }
            case REGRESSION -> {
                for (double z : predictor.probabilities(input)) {
                    predictions.add(PredictResponse.Prediction.regression(target.original(z)));
                }
            }
        }
        return predictions;
    }
}
