package io.netforge.compute;

import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-column scaling {@code (x - mean) / sd}, fitted on training data and applied to every later input.
 *
 * @param mean column means
 * @param sd   column population standard deviations (ddof 0, as numpy's std); 1 for a constant column
 */
public record Standardization(double[] mean, double[] sd) {

    public Standardization {
        if (mean == null || sd == null || mean.length != sd.length || mean.length == 0) {
            throw new IllegalArgumentException("mean and sd must have the same, non-zero number of columns");
        }
        for (int j = 0; j < sd.length; j++) {
            if (!Double.isFinite(mean[j]) || !(sd[j] > 0) || !Double.isFinite(sd[j])) {
                throw new IllegalArgumentException("column " + j + ": mean " + mean[j] + " and sd " + sd[j]
                        + " must be finite, with sd > 0");
            }
        }
        mean = mean.clone();
        sd = sd.clone();
    }

    /**
     * Column means and population standard deviations of x (N x d, N >= 1), computed in double precision
     * with two passes over the data, in a fixed order: the result does not depend on threads or load.
     */
    public static Standardization fit(INDArray x) {
        if (x == null || x.rank() != 2 || x.rows() < 1) {
            throw new IllegalArgumentException("x must be a matrix with at least one row"
                    + (x == null ? "" : ", has shape " + NdArrays.shape(x)));
        }
        int columns = (int) x.columns();
        long rows = x.rows();
        INDArray rowMajor = NdArrays.isPlainRowMajor(x) ? x : x.dup('c');
        try {
            DataBuffer data = rowMajor.data();
            double[] mean = new double[columns];
            for (long r = 0; r < rows; r++) {
                long offset = r * columns;
                for (int j = 0; j < columns; j++) {
                    mean[j] += data.getDouble(offset + j);
                }
            }
            for (int j = 0; j < columns; j++) {
                mean[j] /= rows;
                if (!Double.isFinite(mean[j])) {
                    throw new IllegalArgumentException("column " + j + " has non-finite values (mean " + mean[j] + ")");
                }
            }
            double[] sd = new double[columns];
            for (long r = 0; r < rows; r++) {
                long offset = r * columns;
                for (int j = 0; j < columns; j++) {
                    double deviation = data.getDouble(offset + j) - mean[j];
                    sd[j] += deviation * deviation;
                }
            }
            for (int j = 0; j < columns; j++) {
                sd[j] = Math.sqrt(sd[j] / rows);
                if (sd[j] == 0) {
                    sd[j] = 1; // a constant column: leave it centred, do not divide by zero
                }
            }
            return new Standardization(mean, sd);
        } finally {
            if (rowMajor != x) {
                rowMajor.close();
            }
        }
    }

    /**
     * The same scaling for the columns marked in {@code scaled} and none (mean 0, sd 1) for the others: one-hot and
     * indicator inputs keep their 0/1. Returns this when every column is marked.
     */
    public Standardization onlyColumns(boolean[] scaled) {
        if (scaled.length != mean.length) {
            throw new IllegalArgumentException("expected " + mean.length + " column marks, found " + scaled.length);
        }
        double[] m = mean.clone();
        double[] s = sd.clone();
        boolean all = true;
        for (int j = 0; j < scaled.length; j++) {
            if (!scaled[j]) {
                m[j] = 0;
                s[j] = 1;
                all = false;
            }
        }
        return all ? this : new Standardization(m, s);
    }

    /** A new array {@code (x - mean) / sd} with x's data type; x (N x d) is left unchanged. */
    public INDArray apply(INDArray x) {
        if (x == null || x.rank() != 2 || x.columns() != mean.length) {
            throw new IllegalArgumentException("x must be a matrix with " + mean.length + " columns"
                    + (x == null ? "" : ", has shape " + NdArrays.shape(x)));
        }
        INDArray meanRow = NdArrays.matrix(mean, 1, mean.length, x.dataType());
        INDArray sdRow = NdArrays.matrix(sd, 1, sd.length, x.dataType());
        try {
            INDArray scaled = x.subRowVector(meanRow);
            scaled.diviRowVector(sdRow);
            return scaled;
        } finally {
            NdArrays.closeAll(meanRow, sdRow);
        }
    }

    /**
     * Scales x (N x d) in place, {@code x = (x - mean) / sd}: the same operations as {@link #apply(INDArray)}, so
     * the same bits, without a second copy of the data. Returns x.
     */
    public INDArray applyInPlace(INDArray x) {
        if (x == null || x.rank() != 2 || x.columns() != mean.length) {
            throw new IllegalArgumentException("x must be a matrix with " + mean.length + " columns"
                    + (x == null ? "" : ", has shape " + NdArrays.shape(x)));
        }
        INDArray meanRow = NdArrays.matrix(mean, 1, mean.length, x.dataType());
        INDArray sdRow = NdArrays.matrix(sd, 1, sd.length, x.dataType());
        try {
            x.subiRowVector(meanRow);
            x.diviRowVector(sdRow);
            return x;
        } finally {
            NdArrays.closeAll(meanRow, sdRow);
        }
    }

    /** {@code (row - mean) / sd} as a new array. */
    public double[] apply(double[] row) {
        if (row == null || row.length != mean.length) {
            throw new IllegalArgumentException("expected " + mean.length + " values, found "
                    + (row == null ? "null" : row.length));
        }
        double[] scaled = new double[row.length];
        for (int j = 0; j < row.length; j++) {
            scaled[j] = (row[j] - mean[j]) / sd[j];
        }
        return scaled;
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] sd() {
        return sd.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Standardization that && Arrays.equals(mean, that.mean) && Arrays.equals(sd, that.sd);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(sd);
    }

    @Override
    public String toString() {
        return "Standardization[mean=" + Arrays.toString(mean) + ", sd=" + Arrays.toString(sd) + "]";
    }
}
