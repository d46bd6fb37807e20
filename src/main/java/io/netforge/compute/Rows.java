package io.netforge.compute;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rows a kernel trains or validates on: features x (N x inputs), labels y (N x 1), both of the run's data type and
 * owned by the caller, and each row's weight in the loss (its class's weight), or null when every row weighs 1.
 */
record Rows(INDArray x, INDArray y, double[] weights) {

    Rows {
        if (weights != null && weights.length != x.rows()) {
            throw new IllegalArgumentException("expected one weight per row (" + x.rows() + "), found " + weights.length);
        }
    }

    long count() {
        return x.rows();
    }
}
