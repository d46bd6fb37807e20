package io.netforge.dataset;

/** Receives some columns of a stored dataset's rows a chunk at a time, in upload order. */
@FunctionalInterface
public interface RowChunkConsumer {

    /**
     * @param firstRow index (0-based) of the chunk's first row in the dataset
     * @param rows     rows in this chunk
     * @param values   {@code rows * columns} values, row-major, the columns in the order asked for: numbers as they
     *                 are, categorical values as level codes, missing cells as NaN; valid only during the call
     */
    void accept(long firstRow, int rows, double[] values);
}
