package io.netforge.dataset;

/** Receives a stored dataset's rows a chunk at a time, in upload order. */
@FunctionalInterface
public interface RowChunkConsumer {

    /**
     * @param firstRow index (0-based) of the chunk's first row in the dataset
     * @param rows     rows in this chunk
     * @param features {@code rows * featureCount} values, row-major; valid only during the call
     * @param labels   {@code rows} class codes, 0 or 1 (see {@link DatasetInfo#classes()}); valid only during the call
     */
    void accept(long firstRow, int rows, double[] features, byte[] labels);
}
