package io.netforge.prediction;

import java.util.List;

import io.netforge.compute.Predictor;
import io.netforge.compute.Standardization;
import io.netforge.model.ModelDocument;
import io.netforge.model.StoredModel;
import io.netforge.model.WeightsCodec;

/**
 * A fitted model ready to serve: its network's predictor (the weights are read once, when the model is loaded)
 * and everything that turns request rows into its input and its output into answers. Immutable and safe to
 * share between request threads.
 */
final class LoadedModel {

    private final ModelDocument document;
    private final Predictor predictor;
    private final Standardization standardization;
    private final Object negative;
    private final Object positive;

    LoadedModel(StoredModel stored) {
        this.document = stored.document();
        this.predictor = WeightsCodec.decode(stored).predictor();
        ModelDocument.StandardizationDoc s = document.standardization();
        this.standardization = s == null ? null : new Standardization(s.mean(), s.sd());
        this.negative = document.classes().get(0).json();
        this.positive = document.classes().get(1).json();
    }

    List<String> features() {
        return document.features();
    }

    /** Probabilities of the positive class for rows in feature order. */
    double[] probabilities(double[][] rows) {
        double[][] input = rows;
        if (standardization != null) {
            input = new double[rows.length][];
            for (int r = 0; r < rows.length; r++) {
                input[r] = standardization.apply(rows[r]);
            }
        }
        return predictor.probabilities(input);
    }

    Object label(double probability) {
        return probability >= document.network().threshold() ? positive : negative;
    }
}
