package io.netforge.model;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.netforge.compute.ConfusionMatrix;
import io.netforge.compute.Evaluation;
import io.netforge.compute.MulticlassEvaluation;
import io.netforge.compute.RegressionEvaluation;

/**
 * How well a fitted model does on some rows; the members that apply to its task are present.
 *
 * <p>Binary (at the model's threshold; the positive class is the second): {@code accuracy}, {@code logLoss},
 * {@code auc} (ROC), {@code prAuc} (average precision), {@code confusionMatrix}. Multi-class: {@code accuracy},
 * {@code logLoss}, {@code auc} (one-vs-rest, macro), {@code macroF1}, {@code weightedF1}, {@code perClass},
 * {@code confusion}. Regression: {@code rmse}, {@code mae}, {@code r2}, in the target's units.
 *
 * @param auc   null when the rows hold only one class
 * @param prAuc null when the rows hold no positive row
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Metrics(long rows, Double accuracy, Double logLoss, Double auc, Double prAuc,
        ConfusionMatrix confusionMatrix, Double macroF1, Double weightedF1, List<ClassMetrics> perClass,
        Confusion confusion, Double rmse, Double mae, Double r2) {

    /** One class's measures, treating it as the positive class. */
    public record ClassMetrics(Object label, double precision, double recall, double f1, long support) {
    }

    /** @param counts row i, column j: rows of class {@code classes[i]} predicted as {@code classes[j]} */
    public record Confusion(List<Object> classes, long[][] counts) {
    }

    public static Metrics of(Evaluation e) {
        return new Metrics(e.rows(), e.accuracy(), e.logLoss(), orNull(e.auc()), orNull(e.averagePrecision()),
                e.confusion(), null, null, null, null, null, null, null);
    }

    /** @param classes the classes' values for JSON, in class-code order */
    public static Metrics of(MulticlassEvaluation e, List<Object> classes) {
        List<ClassMetrics> perClass = new ArrayList<>(classes.size());
        for (int k = 0; k < classes.size(); k++) {
            perClass.add(new ClassMetrics(classes.get(k), e.precision()[k], e.recall()[k], e.f1()[k], e.support()[k]));
        }
        return new Metrics(e.rows(), e.accuracy(), e.logLoss(), orNull(e.aucOneVsRest()), null, null, e.macroF1(),
                e.weightedF1(), perClass, new Confusion(classes, e.confusion()), null, null, null);
    }

    public static Metrics of(RegressionEvaluation e) {
        return new Metrics(e.rows(), null, null, null, null, null, null, null, null, null, e.rmse(), e.mae(), e.r2());
    }

    private static Double orNull(double value) {
        return Double.isNaN(value) ? null : value;
    }

    /**
     * Metrics on the rows trained on, on early stopping's validation rows (null without it), and, when the model
     * was given a test set, on the test rows (null without one).
     */
    public record TrainTest(Metrics train, Metrics validation, Metrics test) {
    }
}
