package io.netforge.tabular;

import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * Learns an {@link Encoding} from the training rows alone, each feature by its column's {@link ColumnKind}, and turns
 * stored cells into the raw values the encoding takes.
 */
public final class EncodingFit {

    private EncodingFit() {
    }

    /**
     * A feature as its dataset stores it.
     *
     * @param levels a categorical column's levels by code (what its cells hold); null for a numeric column
     * @param format a date column's format ({@link DateTimes.Format#id()}); null for other columns
     */
    public record Source(String name, ColumnKind kind, List<Encoding.Level> levels, String format) {

        public Source(String name, ColumnKind kind, List<Encoding.Level> levels) {
            this(name, kind, levels, null);
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
    public static Encoding fit(List<Source> features, DoubleBuffer train, int rows, PreprocessingSpec spec) {
        int width = features.size();
        List<Feature> fitted = new ArrayList<>(width);
        double[] column = new double[rows];
        for (int j = 0; j < width; j++) {
            for (int r = 0; r < rows; r++) {
                column[r] = train.get(r * width + j);
            }
            Source source = features.get(j);
            fitted.add(source.kind().fit(source, column, spec));
        }
        return new Encoding(fitted, spec.unknownCategory());
    }

    /**
     * Rewrites rows of stored cells (rows x features, row-major) in place to the raw values of {@code encoding}'s
     * features, reading each feature's column as {@code columns} (the dataset the rows come from) stores it.
     */
    public static void toRaw(Encoding encoding, List<Source> columns, DoubleBuffer rowsOfValues, int rows) {
        int width = columns.size();
        for (int j = 0; j < width; j++) {
            DoubleUnaryOperator reader = encoding.features().get(j).reader(columns.get(j).levels());
            if (reader == null) {
                continue;
            }
            for (int r = 0; r < rows; r++) {
                int at = r * width + j;
                rowsOfValues.put(at, reader.applyAsDouble(rowsOfValues.get(at)));
            }
        }
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
}
