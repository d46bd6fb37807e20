package io.netforge.tabular;

import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Learns an {@link Encoding} from the training rows alone: a numeric feature's fill value (the mean or median of
 * its values there, or the constant asked for) and whether it had missing values; a categorical feature's levels as
 * the training rows have them, and whether they had missing values.
 */
public final class EncodingFit {

    private EncodingFit() {
    }

    /**
     * A feature as its dataset stores it.
     *
     * @param levels for a categorical feature, the dataset's levels by code (what its cells hold); null for numeric
     */
    public record Source(String name, List<Encoding.Level> levels) {

        public boolean categorical() {
            return levels != null;
        }
    }

    /** Thrown when the training rows cannot give a feature what it needs (a mean without any value). */
    public static final class NoValuesException extends RuntimeException {
        NoValuesException(String message) {
            super(message);
        }
    }

    /**
     * The encoding of the training rows {@code train} (rows x features, row-major: numbers, or the dataset's level
     * codes of categorical features; NaN for missing).
     */
    public static Fitted fit(List<Source> features, DoubleBuffer train, int rows, PreprocessingSpec spec) {
        int width = features.size();
        List<Encoding.Feature> encoded = new ArrayList<>(width);
        List<int[]> indexOfCode = new ArrayList<>(width);
        for (int j = 0; j < width; j++) {
            Source source = features.get(j);
            if (source.categorical()) {
                boolean[] seen = new boolean[source.levels().size()];
                boolean missing = false;
                for (int r = 0; r < rows; r++) {
                    double v = train.get(r * width + j);
                    if (Double.isNaN(v)) {
                        missing = true;
                    } else {
                        seen[(int) v] = true;
                    }
                }
                int[] index = new int[seen.length];
                List<Encoding.Level> kept = new ArrayList<>();
                for (int code = 0; code < seen.length; code++) {
                    index[code] = seen[code] ? kept.size() : -1;
                    if (seen[code]) {
                        kept.add(source.levels().get(code));
                    }
                }
                encoded.add(Encoding.Feature.categorical(source.name(), kept, missing));
                indexOfCode.add(index);
            } else {
                double[] values = new double[rows];
                int present = 0;
                for (int r = 0; r < rows; r++) {
                    double v = train.get(r * width + j);
                    if (!Double.isNaN(v)) {
                        values[present++] = v;
                    }
                }
                boolean missing = present < rows;
                double fill = fill(source.name(), Arrays.copyOf(values, present), spec);
                encoded.add(Encoding.Feature.numeric(source.name(), fill, spec.missingIndicators() && missing));
                indexOfCode.add(null);
            }
        }
        return new Fitted(new Encoding(encoded, spec.unknownCategory()), indexOfCode);
    }

    /** The mean (summed in row order), the median (the mean of the middle two of an even count) or the constant. */
    static double fill(String feature, double[] values, PreprocessingSpec spec) {
        if (PreprocessingSpec.CONSTANT.equals(spec.imputation())) {
            return spec.fillValue();
        }
        if (values.length == 0) {
            throw new NoValuesException("feature '" + feature + "' has no values in the training rows (every cell is"
                    + " missing), so it has no " + spec.imputation() + " to fill them with; leave it out, or give"
                    + " preprocessing.imputation a number");
        }
        if (PreprocessingSpec.MEDIAN.equals(spec.imputation())) {
            Arrays.sort(values);
            int n = values.length;
            return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /**
     * An encoding and, for each categorical feature, the index among its kept levels of each dataset level code
     * (-1 for a level the training rows did not have); null for numeric features.
     */
    public record Fitted(Encoding encoding, List<int[]> indexOfCode) {

        /** Rewrites the dataset level codes of {@code rows} rows in place to level indices of the encoding. */
        public void toLevelIndices(DoubleBuffer rowsOfValues, int rows) {
            int width = indexOfCode.size();
            for (int j = 0; j < width; j++) {
                int[] index = indexOfCode.get(j);
                if (index == null) {
                    continue;
                }
                for (int r = 0; r < rows; r++) {
                    int at = r * width + j;
                    double v = rowsOfValues.get(at);
                    if (!Double.isNaN(v)) {
                        rowsOfValues.put(at, v < 0 ? -1 : index[(int) v]);
                    }
                }
            }
        }
    }
}
