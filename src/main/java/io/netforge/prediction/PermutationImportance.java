package io.netforge.prediction;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Permutation importance with scikit-learn's semantics ({@code sklearn.inspection.permutation_importance}): for each
 * feature (as uploaded: a categorical column moves whole) and repeat k, the task's default score on the rows minus the
 * score with that feature's column permuted (row i takes row perm[i]'s value); the mean and the population sd over
 * the repeats. Scores: accuracy of the predicted label (classification) or R² (regression). The permutations come
 * from one {@link SplittableRandom} seeded by the request, drawn feature by feature, repeat by repeat (Fisher-Yates):
 * {@link #permutations} gives them again, so anyone can recompute a value.
 */
final class PermutationImportance {

    private PermutationImportance() {
    }

    /** How good the model's answers for rows are, against their labels. */
    interface Scorer {
        double score(double[][] rows);
    }

    record Feature(String name, double mean, double sd, double[] values) {
    }

    record Result(double baseline, List<Feature> features) {
    }

    /** The permutations of {@code rows} row indices, per feature, per repeat. */
    static int[][][] permutations(int features, int repeats, int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[][][] out = new int[features][repeats][];
        for (int j = 0; j < features; j++) {
            for (int k = 0; k < repeats; k++) {
                int[] p = new int[rows];
                for (int i = 0; i < rows; i++) {
                    p[i] = i;
                }
                for (int i = rows - 1; i > 0; i--) {
                    int s = random.nextInt(i + 1);
                    int t = p[i];
                    p[i] = p[s];
                    p[s] = t;
                }
                out[j][k] = p;
            }
        }
        return out;
    }

    static Result compute(Scorer scorer, double[][] rows, List<String> names, int repeats, long seed,
            java.util.function.IntConsumer progress) {
        double baseline = scorer.score(rows);
        int[][][] permutations = permutations(names.size(), repeats, rows.length, seed);
        List<Feature> features = new ArrayList<>(names.size());
        // one copy of the rows; each permutation rewrites one column of it, which is put back after
        double[][] shuffled = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            shuffled[i] = rows[i].clone();
        }
        for (int j = 0; j < names.size(); j++) {
            double[] drops = new double[repeats];
            for (int k = 0; k < repeats; k++) {
                int[] p = permutations[j][k];
                for (int i = 0; i < rows.length; i++) {
                    shuffled[i][j] = rows[p[i]][j];
                }
                drops[k] = baseline - scorer.score(shuffled);
            }
            for (int i = 0; i < rows.length; i++) {
                shuffled[i][j] = rows[i][j];
            }
            double mean = 0;
            for (double d : drops) {
                mean += d;
            }
            mean /= repeats;
            double squares = 0;
            for (double d : drops) {
                squares += (d - mean) * (d - mean);
            }
            features.add(new Feature(names.get(j), mean, Math.sqrt(squares / repeats), drops));
            progress.accept(j + 1);
        }
        return new Result(baseline, features);
    }

    /** Accuracy: the share of rows whose predicted class is their label's. */
    static double accuracy(int[] predicted, int[] actual) {
        long right = 0;
        for (int i = 0; i < actual.length; i++) {
            right += predicted[i] == actual[i] ? 1 : 0;
        }
        return (double) right / actual.length;
    }

    /** R² as scikit-learn's r2_score: 1 - SS_res / SS_tot around the labels' mean. */
    static double r2(double[] predicted, double[] actual) {
        double mean = 0;
        for (double a : actual) {
            mean += a;
        }
        mean /= actual.length;
        double residual = 0;
        double total = 0;
        for (int i = 0; i < actual.length; i++) {
            residual += (actual[i] - predicted[i]) * (actual[i] - predicted[i]);
            total += (actual[i] - mean) * (actual[i] - mean);
        }
        return total == 0 ? (residual == 0 ? 1 : 0) : 1 - residual / total;
    }
}
