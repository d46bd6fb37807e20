package io.netforge.tabular;

/**
 * How a regression target is standardised for training: the network learns {@code (y - mean) / sd} and its output
 * {@code z} is answered as {@code z * sd + mean}, in the target's units.
 *
 * @param mean the training targets' mean
 * @param sd   their population standard deviation (ddof 0), > 0
 */
public record TargetScale(double mean, double sd) {

    public TargetScale {
        if (!Double.isFinite(mean) || !(sd > 0) || !Double.isFinite(sd)) {
            throw new IllegalArgumentException("a target scale needs a finite mean and sd > 0, got " + mean + ", " + sd);
        }
    }

    /**
     * The mean and population standard deviation of {@code values}, summed in order (two passes); an sd of 0 (every
     * training target the same) becomes 1, so the target is only centred.
     */
    public static TargetScale fit(double[] values) {
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= values.length;
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(squares / values.length);
        return new TargetScale(mean, sd == 0 ? 1 : sd);
    }

    public double standardize(double y) {
        return (y - mean) / sd;
    }

    public double original(double z) {
        return z * sd + mean;
    }
}
