package io.netforge.compute;

import java.util.Arrays;

/**
 * Quality of predicted probabilities against 0/1 labels.
 *
 * @param rows      number of rows evaluated
 * @param accuracy  share of rows whose thresholded prediction equals the label
 * @param logLoss   mean binary cross-entropy with probabilities clipped to [1e-12, 1 - 1e-12], exactly as
 *                  numpy_reference.py's log_loss
 * @param auc       area under the ROC curve (Mann-Whitney rank statistic, tied scores get their average
 *                  rank); NaN when only one class is present
 * @param confusion counts at the threshold
 * @param averagePrecision the area under the precision-recall curve as average precision (scikit-learn's
 *                  {@code average_precision_score}): the sum over distinct scores, highest first, of the recall
 *                  gained times the precision there; NaN without positives
 */
public record Evaluation(long rows, double accuracy, double logLoss, double auc, ConfusionMatrix confusion,
        double averagePrecision) {

    private static final double CLIP = 1e-12;

    /** labels are 0/1; prediction is positive when p >= threshold; auc is NaN when only one class is present. */
    public static Evaluation of(double[] probabilities, byte[] labels, double threshold) {
        if (probabilities == null || labels == null || probabilities.length != labels.length) {
            throw new IllegalArgumentException("need one label per probability, found "
                    + (probabilities == null ? "no" : probabilities.length) + " probabilities and "
                    + (labels == null ? "no" : labels.length) + " labels");
        }
        if (probabilities.length == 0) {
            throw new IllegalArgumentException("nothing to evaluate: no rows");
        }
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold must be a number");
        }
        long tp = 0;
        long fp = 0;
        long tn = 0;
        long fn = 0;
        for (int i = 0; i < probabilities.length; i++) {
            double p = probabilities[i];
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("row " + i + ": probability " + p + " is not in [0, 1]");
            }
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException("row " + i + ": label " + labels[i] + " is not 0 or 1");
            }
            boolean predictedPositive = p >= threshold;
            if (labels[i] == 1) {
                if (predictedPositive) {
                    tp++;
                } else {
                    fn++;
                }
            } else if (predictedPositive) {
                fp++;
            } else {
                tn++;
            }
        }
        long rows = probabilities.length;
        return new Evaluation(rows, (double) (tp + tn) / rows, logLoss(probabilities, labels),
                auc(probabilities, labels), new ConfusionMatrix(tp, fp, tn, fn), averagePrecision(probabilities, labels));
    }

    /** -mean(y ln p + (1-y) ln(1-p)) with p clipped to [1e-12, 1 - 1e-12]. */
    private static double logLoss(double[] probabilities, byte[] labels) {
        double sum = 0;
        for (int i = 0; i < probabilities.length; i++) {
            double p = Math.min(Math.max(probabilities[i], CLIP), 1 - CLIP);
            sum += labels[i] == 1 ? Math.log(p) : Math.log(1 - p);
        }
        return -sum / probabilities.length;
    }

    /**
     * The Mann-Whitney statistic (sum of the positives' ranks - nPos(nPos+1)/2) / (nPos nNeg), with tied
     * scores sharing their average rank. Ranks come from walking the sorted positive and negative scores
     * together, one group of equal scores at a time.
     */
    static double auc(double[] probabilities, byte[] labels) {
        int positives = 0;
        for (byte label : labels) {
            positives += label;
        }
        int negatives = labels.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        double[] pos = new double[positives];
        double[] neg = new double[negatives];
        for (int i = 0, ip = 0, in = 0; i < labels.length; i++) {
            double p = probabilities[i] + 0.0; // -0.0 + 0.0 is 0.0: Arrays.sort would order -0.0 before 0.0
            if (labels[i] == 1) {
                pos[ip++] = p;
            } else {
                neg[in++] = p;
            }
        }
        Arrays.sort(pos);
        Arrays.sort(neg);
        double positiveRankSum = 0;
        long ranked = 0;
        int ip = 0;
        int in = 0;
        while (ip < positives || in < negatives) {
            double score = Math.min(ip < positives ? pos[ip] : Double.POSITIVE_INFINITY,
                    in < negatives ? neg[in] : Double.POSITIVE_INFINITY);
            int tiedPositives = 0;
            while (ip < positives && pos[ip] == score) {
                ip++;
                tiedPositives++;
            }
            int tiedNegatives = 0;
            while (in < negatives && neg[in] == score) {
                in++;
                tiedNegatives++;
            }
            long tied = tiedPositives + tiedNegatives;
            double averageRank = ranked + (tied + 1) / 2.0; // ranks ranked+1 .. ranked+tied
            positiveRankSum += tiedPositives * averageRank;
            ranked += tied;
        }
        return (positiveRankSum - positives * (positives + 1.0) / 2.0) / ((double) positives * negatives);
    }

    /** Average precision: rows by score, highest first; each group of equal scores adds (recall gained) x precision. */
    static double averagePrecision(double[] scores, byte[] labels) {
        int n = scores.length;
        long positives = 0;
        for (byte label : labels) {
            positives += label;
        }
        if (positives == 0) {
            return Double.NaN;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(scores[b] + 0.0, scores[a] + 0.0));
        double sum = 0;
        long tp = 0;
        long seen = 0;
        double previousRecall = 0;
        for (int i = 0; i < n;) {
            double score = scores[order[i]] + 0.0;
            while (i < n && scores[order[i]] + 0.0 == score) {
                tp += labels[order[i]];
                seen++;
                i++;
            }
            double recall = (double) tp / positives;
            sum += (recall - previousRecall) * ((double) tp / seen);
            previousRecall = recall;
        }
        return sum;
    }
}
