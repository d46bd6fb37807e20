package io.netforge.compute;

/**
 * Quality of predicted values against the actual ones, in the target's units.
 *
 * @param rmse root of the mean squared error
 * @param mae  mean absolute error
 * @param r2   coefficient of determination 1 - SS_res / SS_tot (scikit-learn's {@code r2_score}: when every actual
 *             value is the same, 1 for a perfect prediction and 0 otherwise)
 */
public record RegressionEvaluation(long rows, double rmse, double mae, double r2) {

    public static RegressionEvaluation of(double[] predicted, double[] actual) {
        int n = actual.length;
        if (n == 0 || predicted.length != n) {
            throw new IllegalArgumentException("need one prediction per value, found " + predicted.length
                    + " predictions and " + n + " values");
        }
        double mean = 0;
        for (double y : actual) {
            mean += y;
        }
        mean /= n;
        double squares = 0;
        double absolute = 0;
        double total = 0;
        for (int r = 0; r < n; r++) {
            double error = predicted[r] - actual[r];
            squares += error * error;
            absolute += Math.abs(error);
            total += (actual[r] - mean) * (actual[r] - mean);
        }
        double r2 = total == 0 ? (squares == 0 ? 1 : 0) : 1 - squares / total;
        return new RegressionEvaluation(n, Math.sqrt(squares / n), absolute / n, r2);
    }
}
