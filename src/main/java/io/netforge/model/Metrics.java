package io.netforge.model;

import io.netforge.compute.ConfusionMatrix;
import io.netforge.compute.Evaluation;

/**
 * How well a fitted model does on some rows, at its threshold. The positive class is the model's
 * second class.
 *
 * @param auc area under the ROC curve; null when the rows hold only one class
 */
public record Metrics(long rows, double accuracy, double logLoss, Double auc, ConfusionMatrix confusionMatrix) {

    public static Metrics of(Evaluation evaluation) {
        return new Metrics(evaluation.rows(), evaluation.accuracy(), evaluation.logLoss(),
                Double.isNaN(evaluation.auc()) ? null : evaluation.auc(), evaluation.confusion());
    }

    /**
     * Metrics on the rows trained on, on early stopping's validation rows (null without it), and, when the model
     * was given a test set, on the test rows (null without one).
     */
    public record TrainTest(Metrics train, Metrics validation, Metrics test) {
    }
}
