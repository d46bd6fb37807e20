package io.netforge.compute;

import java.util.Arrays;

/**
 * Quality of K-class probabilities against class codes 0 .. K-1, as scikit-learn defines each measure.
 *
 * @param accuracy        share of rows whose most probable class (the first, on ties) is their class
 * @param logLoss         mean of -ln p(class of the row), p clipped to [1e-12, 1], as the binary log-loss
 * @param macroF1         F1 averaged over the classes that occur among the rows' classes or predictions
 *                        ({@code f1_score(average="macro")}; a class without predictions has precision 0)
 * @param weightedF1      F1 averaged with each class weighted by its rows ({@code average="weighted"})
 * @param precision       per class: of the rows predicted as the class, the share that are (0 when none are predicted)
 * @param recall          per class: of the rows of the class, the share predicted as it (0 when it has no rows)
 * @param f1              per class: 2 precision recall / (precision + recall), 0 when both are 0
 * @param support         per class: its rows
 * @param confusion       K x K counts, row = actual class, column = predicted class
 * @param aucOneVsRest    the mean over the classes with rows of the AUC of "this class against the others"
 *                        ({@code roc_auc_score(multi_class="ovr", average="macro")}); NaN with fewer than two classes
 */
public record MulticlassEvaluation(long rows, double accuracy, double logLoss, double macroF1, double weightedF1,
        double[] precision, double[] recall, double[] f1, long[] support, long[][] confusion, double aucOneVsRest) {

    private static final double CLIP = 1e-12;

    public static MulticlassEvaluation of(double[][] probabilities, int[] classes, int classCount) {
        int n = probabilities.length;
        if (n == 0 || classes.length != n) {
            throw new IllegalArgumentException("need one class per row of probabilities, found " + n
                    + " rows and " + classes.length + " classes");
        }
        long[][] confusion = new long[classCount][classCount];
        double logLoss = 0;
        long correct = 0;
        for (int r = 0; r < n; r++) {
            double[] p = probabilities[r];
            int predicted = 0;
            for (int k = 1; k < classCount; k++) {
                if (p[k] > p[predicted]) {
                    predicted = k;
                }
            }
            int actual = classes[r];
            confusion[actual][predicted]++;
            if (actual == predicted) {
                correct++;
            }
            logLoss -= Math.log(Math.max(p[actual], CLIP));
        }
        double[] precision = new double[classCount];
        double[] recall = new double[classCount];
        double[] f1 = new double[classCount];
        long[] support = new long[classCount];
        double macro = 0;
        int occurring = 0;
        double weighted = 0;
        for (int k = 0; k < classCount; k++) {
            long tp = confusion[k][k];
            long predicted = 0;
            for (int a = 0; a < classCount; a++) {
                predicted += confusion[a][k];
                support[k] += confusion[k][a];
            }
            precision[k] = predicted == 0 ? 0 : (double) tp / predicted;
            recall[k] = support[k] == 0 ? 0 : (double) tp / support[k];
            f1[k] = precision[k] + recall[k] == 0 ? 0 : 2 * precision[k] * recall[k] / (precision[k] + recall[k]);
            if (predicted > 0 || support[k] > 0) {
                macro += f1[k];
                occurring++;
            }
            weighted += f1[k] * support[k];
        }
        double auc = 0;
        int aucClasses = 0;
        for (int k = 0; k < classCount; k++) {
            if (support[k] == 0 || support[k] == n) {
                continue;
            }
            double[] scores = new double[n];
            byte[] positive = new byte[n];
            for (int r = 0; r < n; r++) {
                scores[r] = probabilities[r][k];
                positive[r] = (byte) (classes[r] == k ? 1 : 0);
            }
            auc += Evaluation.auc(scores, positive);
            aucClasses++;
        }
        return new MulticlassEvaluation(n, (double) correct / n, logLoss / n, macro / occurring, weighted / n,
                precision, recall, f1, support, confusion, aucClasses < 2 ? Double.NaN : auc / aucClasses);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MulticlassEvaluation e && rows == e.rows && Arrays.equals(precision, e.precision)
                && Arrays.deepEquals(confusion, e.confusion) && Double.compare(logLoss, e.logLoss) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(confusion);
    }
}
