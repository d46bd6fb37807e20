package io.netforge.tabular;

import java.util.Arrays;

/**
 * Fits a {@link Calibration} to held-out rows' probabilities and labels, each as scikit-learn (1.2) fits it, but to
 * convergence: Platt's two parameters by Newton's method on his prior-corrected targets (scikit-learn stops BFGS at a
 * gradient of 1e-5), the isotonic fit exactly, the temperature by Newton's method on 1/t (the held-out log-loss is
 * convex in it) to the last bit, inside scipy's bounds.
 */
public final class CalibrationFit {

    /** The temperatures searched, as the reference's bounded minimiser searches them. */
    public static final double MIN_TEMPERATURE = 0.05;
    public static final double MAX_TEMPERATURE = 20;

    private CalibrationFit() {
    }

    /**
     * A calibration by name.
     *
     * @param outputs  per row, {@code width} probabilities: a binary model's of its positive class, a multi-class
     *                 model's of each class
     * @param classes  each row's class index (binary: 1 is positive)
     */
    public static Calibration fit(String method, double[] outputs, int width, int[] classes) {
        return switch (method) {
            case Calibration.PLATT -> platt(outputs, positives(classes));
            case Calibration.ISOTONIC -> isotonic(outputs, positives(classes));
            case Calibration.TEMPERATURE -> temperature(outputs, width, classes);
            default -> throw new IllegalArgumentException("unknown calibration " + method);
        };
    }

    private static boolean[] positives(int[] classes) {
        boolean[] positive = new boolean[classes.length];
        for (int i = 0; i < classes.length; i++) {
            positive[i] = classes[i] == 1;
        }
        return positive;
    }

    /**
     * Platt scaling (scikit-learn's {@code _sigmoid_calibration}): minimises the log-loss of 1 / (1 + exp(a f + b))
     * against the targets (N+ + 1) / (N+ + 2) for a positive row and 1 / (N- + 2) for a negative one, from
     * a = 0, b = log((N- + 1) / (N+ + 1)).
     */
    public static Calibration.Platt platt(double[] f, boolean[] positive) {
        int n = f.length;
        double prior1 = 0;
        for (boolean p : positive) {
            prior1 += p ? 1 : 0;
        }
        double prior0 = n - prior1;
        double[] target = new double[n];
        for (int i = 0; i < n; i++) {
            target[i] = positive[i] ? (prior1 + 1) / (prior1 + 2) : 1 / (prior0 + 2);
        }
        double a = 0;
        double b = Math.log((prior0 + 1) / (prior1 + 1));
        double loss = plattLoss(f, target, a, b);
        for (int iteration = 0; iteration < 200; iteration++) {
            double ga = 0;
            double gb = 0;
            double haa = 0;
            double hab = 0;
            double hbb = 0;
            for (int i = 0; i < n; i++) {
                double p = 1 / (1 + Math.exp(a * f[i] + b));
                double r = target[i] - p;
                double w = p * (1 - p);
                ga += r * f[i];
                gb += r;
                haa += w * f[i] * f[i];
                hab += w * f[i];
                hbb += w;
            }
            double det = haa * hbb - hab * hab;
            double da;
            double db;
            if (det > 1e-300 * Math.max(1, haa * hbb)) {
                da = -(hbb * ga - hab * gb) / det;
                db = -(haa * gb - hab * ga) / det;
            } else { // a flat direction (every f equal): gradient descent along what moves
                da = -ga / Math.max(haa, 1e-12);
                db = -gb / Math.max(hbb, 1e-12);
            }
            double step = 1;
            double next = plattLoss(f, target, a + da, b + db);
            while (next > loss && step > 1e-12) {
                step /= 2;
                next = plattLoss(f, target, a + step * da, b + step * db);
            }
            if (!(next <= loss)) {
                break;
            }
            double na = a + step * da;
            double nb = b + step * db;
            boolean still = na == a && nb == b;
            a = na;
            b = nb;
            boolean converged = loss - next <= 1e-15 * Math.abs(loss) && Math.abs(step * da) <= 1e-13 * (1 + Math.abs(a))
                    && Math.abs(step * db) <= 1e-13 * (1 + Math.abs(b));
            loss = next;
            if (still || converged) {
                break;
            }
        }
        return new Calibration.Platt(a, b);
    }

    /** Sum over rows of -(t log P + (1 - t) log(1 - P)), P = 1 / (1 + exp(a f + b)), without overflow. */
    private static double plattLoss(double[] f, double[] target, double a, double b) {
        double sum = 0;
        for (int i = 0; i < f.length; i++) {
            double z = a * f[i] + b;
            // -log P = softplus(z), -log(1 - P) = softplus(-z)
            sum += target[i] * softplus(z) + (1 - target[i]) * softplus(-z);
        }
        return sum;
    }

    private static double softplus(double z) {
        return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
    }

    /**
     * Isotonic regression of the labels on the probabilities, as scikit-learn's {@code IsotonicRegression(y_min=0,
     * y_max=1)} fits it: rows sorted by probability (then label), probabilities within 1e-15 of a group's first
     * merged into it (their labels averaged), pool-adjacent-violators, then the points inside a run of equal values
     * dropped.
     */
    public static Calibration.Isotonic isotonic(double[] f, boolean[] positive) {
        int n = f.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> {
            int byScore = Double.compare(f[i], f[j]);
            return byScore != 0 ? byScore : Boolean.compare(positive[i], positive[j]);
        });
        double[] x = new double[n];
        double[] y = new double[n];
        double[] w = new double[n];
        int m = 0;
        double currentX = f[order[0]];
        double sumY = 0;
        double weight = 0;
        for (int k = 0; k < n; k++) {
            double value = f[order[k]];
            double label = positive[order[k]] ? 1 : 0;
            if (value - currentX >= 1e-15) { // numpy's float64 resolution, as scikit-learn's _make_unique
                x[m] = currentX;
                w[m] = weight;
                y[m] = sumY / weight;
                m++;
                currentX = value;
                weight = 1;
                sumY = label;
            } else {
                weight += 1;
                sumY += label;
            }
        }
        x[m] = currentX;
        w[m] = weight;
        y[m] = sumY / weight;
        m++;
        poolAdjacentViolators(y, w, m);
        for (int k = 0; k < m; k++) {
            y[k] = Math.min(1, Math.max(0, y[k]));
        }
        int kept = 0;
        double[] keptX = new double[m];
        double[] keptY = new double[m];
        for (int k = 0; k < m; k++) {
            if (k == 0 || k == m - 1 || y[k] != y[k - 1] || y[k] != y[k + 1]) {
                keptX[kept] = x[k];
                keptY[kept] = y[k];
                kept++;
            }
        }
        return new Calibration.Isotonic(Arrays.copyOf(keptX, kept), Arrays.copyOf(keptY, kept));
    }

    /**
     * Pool adjacent violators in place over {@code y[0 .. n)} with weights {@code w}, as scikit-learn's
     * {@code _inplace_contiguous_isotonic_regression}: a block's value is its weighted mean, equal neighbours pooled.
     */
    static void poolAdjacentViolators(double[] y, double[] w, int n) {
        int[] target = new int[n];
        for (int i = 0; i < n; i++) {
            target[i] = i;
        }
        int i = 0;
        while (i < n) {
            int k = target[i] + 1;
            if (k == n) {
                break;
            }
            if (y[i] < y[k]) {
                i = k;
                continue;
            }
            double sumWy = w[i] * y[i];
            double sumW = w[i];
            while (true) {
                double previous = y[k];
                sumWy += w[k] * y[k];
                sumW += w[k];
                k = target[k] + 1;
                if (k == n || previous < y[k]) {
                    y[i] = sumWy / sumW;
                    w[i] = sumW;
                    target[i] = k - 1;
                    target[k - 1] = i;
                    if (i > 0) {
                        i = target[i - 1];
                    }
                    break;
                }
            }
        }
        i = 0;
        while (i < n) {
            int k = target[i] + 1;
            for (int j = i + 1; j < k; j++) {
                y[j] = y[i];
            }
            i = k;
        }
    }

    /**
     * Temperature scaling: the t in [0.05, 20] minimising the rows' mean log-loss of softmax(log p / t) (p clipped
     * below at 1e-300), found on s = 1 / t, where the loss is convex, by Newton's method kept inside a bracket that
     * bisection narrows.
     */
    public static Calibration.Temperature temperature(double[] outputs, int width, int[] classes) {
        int k = width == 1 ? 2 : width;
        int n = classes.length;
        double[] logs = new double[n * k];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < k; c++) {
                double p = width == 1 ? (c == 1 ? outputs[r] : 1 - outputs[r]) : outputs[r * k + c];
                logs[r * k + c] = Math.log(Math.max(p, Calibration.SMALLEST));
            }
        }
        double lo = 1 / MAX_TEMPERATURE;
        double hi = 1 / MIN_TEMPERATURE;
        double[] at = new double[2];
        slope(logs, k, classes, lo, at);
        if (at[0] >= 0) {
            return new Calibration.Temperature(MAX_TEMPERATURE);
        }
        slope(logs, k, classes, hi, at);
        if (at[0] <= 0) {
            return new Calibration.Temperature(MIN_TEMPERATURE);
        }
        double s = 1;
        for (int iteration = 0; iteration < 200 && hi - lo > 1e-16 * hi; iteration++) {
            slope(logs, k, classes, s, at);
            if (at[0] == 0) {
                break;
            }
            if (at[0] > 0) {
                hi = s;
            } else {
                lo = s;
            }
            double newton = at[1] > 0 ? s - at[0] / at[1] : Double.NaN;
            double next = newton > lo && newton < hi ? newton : (lo + hi) / 2;
            if (next == s) {
                break;
            }
            s = next;
        }
        return new Calibration.Temperature(1 / s);
    }

    /** The first and second derivatives in s of the mean log-loss of softmax(s log p), into {@code out}. */
    private static void slope(double[] logs, int k, int[] classes, double s, double[] out) {
        double first = 0;
        double second = 0;
        int n = classes.length;
        double[] q = new double[k];
        for (int r = 0; r < n; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                max = Math.max(max, s * logs[r * k + c]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                q[c] = Math.exp(s * logs[r * k + c] - max);
                sum += q[c];
            }
            double mean = 0;
            double square = 0;
            for (int c = 0; c < k; c++) {
                q[c] /= sum;
                mean += q[c] * logs[r * k + c];
                square += q[c] * logs[r * k + c] * logs[r * k + c];
            }
            first += mean - logs[r * k + classes[r]];
            second += square - mean * mean;
        }
        out[0] = first / n;
        out[1] = second / n;
    }
}
