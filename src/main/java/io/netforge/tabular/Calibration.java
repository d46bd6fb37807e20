package io.netforge.tabular;

import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A fitted map from a classifier's probabilities to calibrated ones, stored with its model and applied to every
 * answer it gives (and in its exports). One record per method, each fitted on rows held out from training by
 * {@link CalibrationFit} as scikit-learn fits it:
 * <ul>
 * <li>{@link Platt} (binary): p' = 1 / (1 + exp(a p + b)), {@code CalibratedClassifierCV(method="sigmoid")} on the
 * probability of the positive class;</li>
 * <li>{@link Isotonic} (binary): {@code IsotonicRegression(out_of_bounds="clip")}: p clipped to the fitted range, then
 * interpolated linearly between the fitted points, as {@code np.interp};</li>
 * <li>{@link Temperature} (binary and multi-class): softmax(log p / t), with p clipped below at 1e-300.</li>
 * </ul>
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "method")
@JsonSubTypes({@JsonSubTypes.Type(value = Calibration.Platt.class, name = Calibration.PLATT),
        @JsonSubTypes.Type(value = Calibration.Isotonic.class, name = Calibration.ISOTONIC),
        @JsonSubTypes.Type(value = Calibration.Temperature.class, name = Calibration.TEMPERATURE)})
public sealed interface Calibration permits Calibration.Platt, Calibration.Isotonic, Calibration.Temperature {

    String PLATT = "platt";
    String ISOTONIC = "isotonic";
    String TEMPERATURE = "temperature";
    /** Every method, as a request names it. */
    List<String> METHODS = List.of(PLATT, ISOTONIC, TEMPERATURE);
    /** The smallest probability whose logarithm temperature scaling takes (scikit-learn-free references clip so). */
    double SMALLEST = 1e-300;

    @JsonProperty("method")
    String method();

    /** Whether it calibrates a model of this task. */
    static boolean fits(String method, Task task) {
        return TEMPERATURE.equals(method) ? task != Task.REGRESSION : task == Task.BINARY;
    }

    /**
     * Calibrates outputs in place: {@code width} per row, a binary model's probability of its positive class
     * ({@code width} 1) or a multi-class model's probability of each class.
     */
    void apply(double[] outputs, int width);

    /** @param a the slope, @param b the intercept, of p' = 1 / (1 + exp(a p + b)) */
    record Platt(double a, double b) implements Calibration {

        @Override
        public String method() {
            return PLATT;
        }

        @Override
        public void apply(double[] outputs, int width) {
            for (int i = 0; i < outputs.length; i++) {
                outputs[i] = 1 / (1 + Math.exp(a * outputs[i] + b));
            }
        }
    }

    /**
     * @param x the fitted points' probabilities, increasing
     * @param y the calibrated probability at each, non-decreasing
     */
    record Isotonic(double[] x, double[] y) implements Calibration {

        @Override
        public String method() {
            return ISOTONIC;
        }

        @Override
        public void apply(double[] outputs, int width) {
            for (int i = 0; i < outputs.length; i++) {
                outputs[i] = at(outputs[i]);
            }
        }

        /** np.interp(clip(p, x[0], x[-1]), x, y), its arithmetic included. */
        @JsonIgnore
        public double at(double p) {
            if (Double.isNaN(p)) {
                return p;
            }
            int last = x.length - 1;
            if (p <= x[0]) {
                return y[0];
            }
            if (p >= x[last]) {
                return y[last];
            }
            int j = Arrays.binarySearch(x, p);
            if (j >= 0) {
                return y[j];
            }
            j = -j - 2; // x[j] < p < x[j + 1]
            double slope = (y[j + 1] - y[j]) / (x[j + 1] - x[j]);
            double value = slope * (p - x[j]) + y[j];
            if (Double.isNaN(value)) {
                value = slope * (p - x[j + 1]) + y[j + 1];
                if (Double.isNaN(value) && y[j] == y[j + 1]) {
                    value = y[j];
                }
            }
            return value;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Isotonic other && Arrays.equals(x, other.x) && Arrays.equals(y, other.y);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(x) + Arrays.hashCode(y);
        }

        @Override
        public String toString() {
            return "Isotonic[" + x.length + " points]";
        }
    }

    /** @param t the temperature: above 1 softens the probabilities, below 1 sharpens them */
    record Temperature(double t) implements Calibration {

        @Override
        public String method() {
            return TEMPERATURE;
        }

        @Override
        public void apply(double[] outputs, int width) {
            if (width == 1) {
                double[] two = new double[2];
                for (int i = 0; i < outputs.length; i++) {
                    two[0] = 1 - outputs[i];
                    two[1] = outputs[i];
                    soften(two, 0, 2);
                    outputs[i] = two[1];
                }
                return;
            }
            for (int at = 0; at < outputs.length; at += width) {
                soften(outputs, at, width);
            }
        }

        /** softmax(log(max(p, 1e-300)) / t) of {@code p[at .. at + k)}, in place. */
        private void soften(double[] p, int at, int k) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                p[at + c] = Math.log(Math.max(p[at + c], SMALLEST)) / t;
                max = Math.max(max, p[at + c]);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                p[at + c] = Math.exp(p[at + c] - max);
                sum += p[at + c];
            }
            for (int c = 0; c < k; c++) {
                p[at + c] /= sum;
            }
        }
    }
}
