package io.netforge.tabular;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.netforge.compute.ConfusionMatrix;
import io.netforge.compute.Evaluation;

/**
 * A binary classifier's metrics, at the model's threshold (the positive class is the second).
 *
 * @param auc   area under the ROC curve; null when the rows hold only one class
 * @param prAuc average precision; null when the rows hold no positive row
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BinaryMetrics(long rows, double accuracy, double logLoss, Double auc, Double prAuc,
        ConfusionMatrix confusionMatrix) implements Metrics {

    /** The scores an experiment may rank binary models by. */
    static final List<Score> SCORES = List.of(
            Score.of("auc", true, BinaryMetrics.class, BinaryMetrics::auc),
            Score.of("accuracy", true, BinaryMetrics.class, BinaryMetrics::accuracy),
            Score.of("logLoss", false, BinaryMetrics.class, BinaryMetrics::logLoss),
            Score.of("prAuc", true, BinaryMetrics.class, BinaryMetrics::prAuc));

    static BinaryMetrics of(Evaluation e) {
        return new BinaryMetrics(e.rows(), e.accuracy(), e.logLoss(), Metrics.orNull(e.auc()),
                Metrics.orNull(e.averagePrecision()), e.confusion());
    }

    @Override
    public String problem() {
        ConfusionMatrix c = confusionMatrix;
        return Metrics.first(rows < 0 ? "rows must not be negative" : null,
                Metrics.range("accuracy", accuracy, 0, 1), Metrics.range("logLoss", logLoss, 0, Double.MAX_VALUE),
                Metrics.range("auc", auc, 0, 1), Metrics.range("prAuc", prAuc, 0, 1),
                c == null ? "confusionMatrix is missing"
                        : c.truePositives() < 0 || c.falsePositives() < 0 || c.trueNegatives() < 0
                                || c.falseNegatives() < 0 || c.truePositives() + c.falsePositives() + c.trueNegatives()
                                        + c.falseNegatives() != rows
                                ? "confusionMatrix must count the " + rows + " rows" : null);
    }

    @Override
    public Confusion confusionTable(List<String> classNames) {
        ConfusionMatrix c = confusionMatrix;
        // actual negative (first class), actual positive
        return new Confusion(List.copyOf(classNames), new long[][] {{c.trueNegatives(), c.falsePositives()},
                {c.falseNegatives(), c.truePositives()}});
    }
}
