package io.netforge.compute;

import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small ND4J conveniences shared by the compute core; nothing here does arithmetic of the model. */
public final class NdArrays {

    private NdArrays() {
    }

    /** A new c-order matrix of the given type holding {@code values} row-major; doubles are rounded to float for FLOAT. */
    static INDArray matrix(double[] values, long rows, long columns, DataType type) {
        long[] shape = {rows, columns};
        if (type == DataType.FLOAT) {
            float[] floats = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                floats[i] = (float) values[i];
            }
            return Nd4j.create(floats, shape, DataType.FLOAT);
        }
        if (type == DataType.DOUBLE) {
            return Nd4j.create(values.clone(), shape, DataType.DOUBLE);
        }
        throw new IllegalArgumentException("unsupported data type " + type + "; expected DOUBLE or FLOAT");
    }

    /** A new c-order matrix of the given type from rows of equal length. */
    static INDArray matrix(double[][] rows, int columns, DataType type) {
        double[] flat = new double[Math.multiplyExact(rows.length, columns)];
        for (int r = 0; r < rows.length; r++) {
            requireWidth(rows[r], r, columns);
            System.arraycopy(rows[r], 0, flat, r * columns, columns);
        }
        return matrix(flat, rows.length, columns, type);
    }

    /** Fails with a message naming row {@code r} unless it holds exactly {@code columns} values. */
    static void requireWidth(double[] row, int r, int columns) {
        if (row == null || row.length != columns) {
            throw new IllegalArgumentException("row " + r + ": expected " + columns + " values, found "
                    + (row == null ? "null" : row.length));
        }
    }

    /** The elements of {@code array} in row-major order, as doubles (a copy). */
    public static double[] toDoubles(INDArray array) {
        if (isPlainRowMajor(array)) {
            return array.data().asDouble();
        }
        try (INDArray copy = array.dup('c')) {
            return copy.data().asDouble();
        }
    }

    /** True when the array's own buffer holds exactly its elements in row-major order, from index 0. */
    static boolean isPlainRowMajor(INDArray array) {
        return !array.isView() && array.ordering() == 'c' && array.data().length() == array.length();
    }

    /** Closes every non-null array; views and already closed arrays are skipped by ND4J itself. */
    static void closeAll(INDArray... arrays) {
        for (INDArray array : arrays) {
            if (array != null) {
                array.close();
            }
        }
    }

    static void closeAll(Iterable<INDArray> arrays) {
        for (INDArray array : arrays) {
            if (array != null) {
                array.close();
            }
        }
    }

    static String shape(INDArray array) {
        return Arrays.toString(array.shape());
    }
}
