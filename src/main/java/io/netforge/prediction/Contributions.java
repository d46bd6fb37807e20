package io.netforge.prediction;

import java.util.SplittableRandom;

/**
 * Per-row contributions: interventional Shapley values of a model's outputs for one row x against a background
 * sample B. The value of a coalition S of features is v(S) = mean over background rows b of f(x on S, b elsewhere);
 * feature i's contribution is phi_i = sum over coalitions S without i of |S|! (n - |S| - 1)! / n! (v(S + i) - v(S)),
 * so that v(empty) + sum phi = v(all) = f(x) (additivity). {@link #exact} enumerates all 2^n coalitions;
 * {@link #sampled} averages the marginal contributions along random orders of the features (each order's add up to
 * f(x) - v(empty) too, so additivity holds for the estimate as well) and gives each its standard error.
 *
 * <p>Features are a model's features as uploaded: a categorical column is one feature (its level code moves whole).
 */
final class Contributions {

    /** The model as a function of raw feature rows: each row's outputs. */
    interface Model {
        double[][] outputs(double[][] rows);
    }

    /**
     * One row's explanation, each array indexed by output.
     *
     * @param prediction    f(x)
     * @param expected      v(empty): the mean output over the background
     * @param contributions per feature, per output
     * @param errors        per feature, per output, the standard error of a sampled estimate; null when exact
     * @param residual      the largest |f(x) - expected - sum of contributions| over the outputs
     */
    record Result(double[] prediction, double[] expected, double[][] contributions, double[][] errors,
            double residual) {
    }

    /** Rows per call of the model: several coalitions' background copies at once. */
    static final int BATCH_ROWS = 8192;

    private Contributions() {
    }

    /** Model evaluations {@link #exact} makes: 2^n coalitions x background rows. */
    static long exactEvaluations(int features, int background) {
        return (1L << features) * background;
    }

    /** Model evaluations {@link #sampled} makes: orders x n steps x background rows. */
    static long sampledEvaluations(int features, int background, int orders) {
        return (long) orders * features * background + background;
    }

    static Result exact(Model f, double[] x, double[][] background) {
        int n = x.length;
        int b = background.length;
        int coalitions = 1 << n;
        double[][] value = new double[coalitions][];
        int perBatch = Math.max(1, BATCH_ROWS / b);
        for (int first = 0; first < coalitions; first += perBatch) {
            int count = Math.min(perBatch, coalitions - first);
            double[][] rows = new double[count * b][];
            for (int c = 0; c < count; c++) {
                int mask = first + c;
                for (int r = 0; r < b; r++) {
                    rows[c * b + r] = mixed(x, background[r], mask);
                }
            }
            double[][] outputs = f.outputs(rows);
            for (int c = 0; c < count; c++) {
                value[first + c] = mean(outputs, c * b, b);
            }
        }
        int k = value[0].length;
        // w(s) = s! (n - s - 1)! / n! = 1 / (n C(n - 1, s))
        double[] weight = new double[n];
        for (int s = 0; s < n; s++) {
            weight[s] = 1.0 / (n * binomial(n - 1, s));
        }
        double[][] phi = new double[n][k];
        for (int mask = 0; mask < coalitions - 1; mask++) {
            double w = weight[Integer.bitCount(mask)];
            for (int i = 0; i < n; i++) {
                if ((mask & (1 << i)) != 0) {
                    continue;
                }
                double[] with = value[mask | (1 << i)];
                double[] without = value[mask];
                for (int o = 0; o < k; o++) {
                    phi[i][o] += w * (with[o] - without[o]);
                }
            }
        }
        double[] prediction = f.outputs(new double[][] {x.clone()})[0];
        return new Result(prediction, value[0], phi, null, residual(prediction, value[0], phi));
    }

    static Result sampled(Model f, double[] x, double[][] background, int orders, long seed) {
        int n = x.length;
        int b = background.length;
        double[] expected = mean(f.outputs(copy(background)), 0, b);
        int k = expected.length;
        double[][] sum = new double[n][k];
        double[][] squares = new double[n][k];
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = new int[n];
        for (int p = 0; p < orders; p++) {
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            for (int i = n - 1; i > 0; i--) { // Fisher-Yates
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            // the background with x's first t features of the order, t = 1..n, in one call
            double[][] rows = new double[n * b][];
            int mask = 0;
            for (int t = 0; t < n; t++) {
                mask |= 1 << order[t];
                for (int r = 0; r < b; r++) {
                    rows[t * b + r] = mixed(x, background[r], mask);
                }
            }
            double[][] outputs = f.outputs(rows);
            double[] previous = expected;
            for (int t = 0; t < n; t++) {
                double[] now = mean(outputs, t * b, b);
                int i = order[t];
                for (int o = 0; o < k; o++) {
                    double delta = now[o] - previous[o];
                    sum[i][o] += delta;
                    squares[i][o] += delta * delta;
                }
                previous = now;
            }
        }
        double[][] phi = new double[n][k];
        double[][] errors = new double[n][k];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < k; o++) {
                double mean = sum[i][o] / orders;
                phi[i][o] = mean;
                double variance = orders < 2 ? 0 : Math.max(0, (squares[i][o] - orders * mean * mean) / (orders - 1));
                errors[i][o] = Math.sqrt(variance / orders);
            }
        }
        double[] prediction = f.outputs(new double[][] {x.clone()})[0];
        return new Result(prediction, expected, phi, errors, residual(prediction, expected, phi));
    }

    /** The background row with x's values on the features of {@code mask}. */
    private static double[] mixed(double[] x, double[] background, int mask) {
        double[] row = background.clone();
        for (int i = 0; i < x.length; i++) {
            if ((mask & (1 << i)) != 0) {
                row[i] = x[i];
            }
        }
        return row;
    }

    private static double[][] copy(double[][] rows) {
        double[][] out = new double[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            out[r] = rows[r].clone();
        }
        return out;
    }

    /** The mean of {@code count} rows of outputs from {@code first}, summed in row order. */
    private static double[] mean(double[][] outputs, int first, int count) {
        double[] mean = new double[outputs[first].length];
        for (int r = first; r < first + count; r++) {
            for (int o = 0; o < mean.length; o++) {
                mean[o] += outputs[r][o];
            }
        }
        for (int o = 0; o < mean.length; o++) {
            mean[o] /= count;
        }
        return mean;
    }

    private static double binomial(int n, int s) {
        double c = 1;
        for (int i = 1; i <= s; i++) {
            c = c * (n - s + i) / i;
        }
        return Math.rint(c);
    }

    private static double residual(double[] prediction, double[] expected, double[][] phi) {
        double worst = 0;
        for (int o = 0; o < prediction.length; o++) {
            double total = expected[o];
            for (double[] p : phi) {
                total += p[o];
            }
            worst = Math.max(worst, Math.abs(prediction[o] - total));
        }
        return worst;
    }
}
