package io.netforge.tabular;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.netforge.compute.MulticlassEvaluation;

/**
 * A K-class classifier's metrics, each as scikit-learn defines it.
 *
 * @param auc       one-vs-rest AUC, macro-averaged over the classes present; null with fewer than two classes
 * @param perClass  each class's precision, recall, F1 and rows, treating it as the positive class
 * @param confusion rows of each class against the class predicted
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MulticlassMetrics(long rows, double accuracy, double logLoss, Double auc, double macroF1,
        double weightedF1, List<ClassMetrics> perClass, Confusion confusion) implements Metrics {

    /** The scores an experiment may rank multi-class models by. */
    static final List<Score> SCORES = List.of(
            Score.of("auc", true, MulticlassMetrics.class, MulticlassMetrics::auc),
            Score.of("accuracy", true, MulticlassMetrics.class, MulticlassMetrics::accuracy),
            Score.of("logLoss", false, MulticlassMetrics.class, MulticlassMetrics::logLoss),
            Score.of("macroF1", true, MulticlassMetrics.class, MulticlassMetrics::macroF1),
            Score.of("weightedF1", true, MulticlassMetrics.class, MulticlassMetrics::weightedF1));

    /** One class's measures, treating it as the positive class. */
    public record ClassMetrics(Object label, double precision, double recall, double f1, long support) {
    }

    /** @param classes the classes' values for JSON, in class-code order */
    static MulticlassMetrics of(MulticlassEvaluation e, List<Object> classes) {
        List<ClassMetrics> perClass = new ArrayList<>(classes.size());
        for (int k = 0; k < classes.size(); k++) {
            perClass.add(new ClassMetrics(classes.get(k), e.precision()[k], e.recall()[k], e.f1()[k], e.support()[k]));
        }
        return new MulticlassMetrics(e.rows(), e.accuracy(), e.logLoss(), Metrics.orNull(e.aucOneVsRest()), e.macroF1(),
                e.weightedF1(), perClass, new Confusion(classes, e.confusion()));
    }

    @Override
    public String problem() {
        long counted = 0;
        if (confusion != null && confusion.counts() != null) {
            for (long[] row : confusion.counts()) {
                for (long n : row) {
                    counted += n < 0 ? Long.MIN_VALUE / 2 : n;
                }
            }
        }
        return Metrics.first(rows < 0 ? "rows must not be negative" : null,
                Metrics.range("accuracy", accuracy, 0, 1), Metrics.range("logLoss", logLoss, 0, Double.MAX_VALUE),
                Metrics.range("auc", auc, 0, 1), Metrics.range("macroF1", macroF1, 0, 1),
                Metrics.range("weightedF1", weightedF1, 0, 1),
                confusion == null || counted != rows ? "confusion must count the " + rows + " rows" : null);
    }

    @Override
    public Confusion confusionTable(List<String> classNames) {
        return new Confusion(confusion.classes().stream().map(c -> (Object) String.valueOf(c)).toList(),
                confusion.counts());
    }
}
