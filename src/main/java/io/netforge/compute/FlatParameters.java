package io.netforge.compute;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The Java kernels' parameters and gradients as they keep them, every layer's weights (W_l row-major, n_in x n_out)
 * and biases at fixed offsets of one flat array, read out into the network's and the gradients' ND4J arrays.
 */
final class FlatParameters {

    private FlatParameters() {
    }

    /** The gradients of layers 0 .. weightOffset.length - 1, from the flat array, with the pass's loss. */
    static Gradients gradients(Network network, int[] width, int[] weightOffset, int[] biasOffset, double[] gradient,
            double loss) {
        List<INDArray> weights = new ArrayList<>();
        List<INDArray> biases = new ArrayList<>();
        DataType type = network.precision().dataType();
        for (int l = 0; l < weightOffset.length; l++) {
            int w = width[l] * width[l + 1];
            weights.add(NdArrays.matrix(Arrays.copyOfRange(gradient, weightOffset[l], weightOffset[l] + w), width[l],
                    width[l + 1], type));
            biases.add(NdArrays.matrix(Arrays.copyOfRange(gradient, biasOffset[l], biasOffset[l] + width[l + 1]), 1,
                    width[l + 1], type));
        }
        return new Gradients(weights, biases, loss);
    }

    /** The same from a float32 kernel's array (each float is exactly a double). */
    static Gradients gradients(Network network, int[] width, int[] weightOffset, int[] biasOffset, float[] gradient,
            double loss) {
        double[] values = new double[gradient.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = gradient[i];
        }
        return gradients(network, width, weightOffset, biasOffset, values, loss);
    }

    /** Writes the flat parameters into the network's arrays. */
    static void write(Network network, int[] width, int[] weightOffset, int[] biasOffset, double[] theta) {
        for (int l = 0; l < weightOffset.length; l++) {
            int w = width[l] * width[l + 1];
            network.weights(l).data().setData(Arrays.copyOfRange(theta, weightOffset[l], weightOffset[l] + w));
            network.bias(l).data().setData(Arrays.copyOfRange(theta, biasOffset[l], biasOffset[l] + width[l + 1]));
        }
    }

    /** The same for a float32 kernel's parameters (a float32 network's arrays take them as they are). */
    static void write(Network network, int[] width, int[] weightOffset, int[] biasOffset, float[] theta) {
        for (int l = 0; l < weightOffset.length; l++) {
            int w = width[l] * width[l + 1];
            network.weights(l).data().setData(Arrays.copyOfRange(theta, weightOffset[l], weightOffset[l] + w));
            network.bias(l).data().setData(Arrays.copyOfRange(theta, biasOffset[l], biasOffset[l] + width[l + 1]));
        }
    }
}
