package io.netforge.compute;

import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Mean gradients of the loss at one set of parameters, and that loss.
 *
 * @param weights dJ/dW_l for each 0-based layer l, shape (n_in, n_out) like W_l
 * @param biases  dJ/db_l for each layer, shape (1, n_out)
 * @param loss    mean binary cross-entropy of the parameters the gradients were taken at
 *                (the stable form computed from the output logits)
 *
 * <p>The arrays are off-heap and owned by this record: close it when done.
 */
public record Gradients(List<INDArray> weights, List<INDArray> biases, double loss) implements AutoCloseable {

    public Gradients {
        weights = List.copyOf(weights);
        biases = List.copyOf(biases);
    }

    @Override
    public void close() {
        NdArrays.closeAll(weights);
        NdArrays.closeAll(biases);
    }
}
