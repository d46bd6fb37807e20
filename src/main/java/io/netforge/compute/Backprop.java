package io.netforge.compute;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Backpropagation as the article derives it, in its straightforward formulation: one ND4J operation per
 * term of each equation. This is the reference path that faster implementations are pinned to.
 *
 * <p>Notation (the article's, with its layer index i = 1..L; the public API's 0-based layer l is i - 1), for the
 * hidden layers' {@link Activation}s f_i and the {@link Objective}'s output function and loss:
 * <pre>
 *   forward   a_0 = X,  z_i = a_{i-1} W_i + b_i,  a_i = f_i(z_i),  a_L = output(z_L)
 *   loss      J = mean over rows of  loss(z_L, y)     (the article's: max(z, 0) - z y + log1p(exp(-|z|)))
 *   backward  delta_L = dloss/dz_L (a_L - y),  delta_{i-1} = (delta_i W_i^T) * f'_{i-1}   (sigmoid: a(1 - a))
 *   gradient  dJ/dW_i = a_{i-1}^T delta_i / N,  dJ/db_i = column sums of delta_i / N
 * </pre>
 */
public final class Backprop {

    private Backprop() {
    }

    /**
     * Loss and mean gradients at the network's current parameters, on the batch {@code x} (N x inputs) with
     * labels {@code y} (N x 1), both of the network's data type. The caller closes the result.
     */
    public static Gradients gradients(Network network, INDArray x, INDArray y) {
        requireBatch(network, x, y);
        try (Pass pass = new Pass(network, x.rows())) {
            double loss = pass.forward(network, x, y);
            pass.backward(network, y);
            List<INDArray> weights = new ArrayList<>();
            List<INDArray> biases = new ArrayList<>();
            try {
                for (int l = 0; l < network.layerCount(); l++) {
                    weights.add(pass.weightGradient(l).dup());
                    biases.add(pass.biasGradient(l).dup());
                }
            } catch (RuntimeException e) {
                NdArrays.closeAll(weights);
                NdArrays.closeAll(biases);
                throw e;
            }
            return new Gradients(weights, biases, loss);
        }
    }

    /** Checks x (N x inputs) and y (N x 1) against the network, with messages that name the problem. */
    static void requireBatch(Network network, INDArray x, INDArray y) {
        if (network == null) {
            throw new IllegalArgumentException("network is missing");
        }
        network.requireInput(x, "x");
        if (y == null) {
            throw new IllegalArgumentException("y is missing");
        }
        int outputs = network.architecture().outputs();
        if (y.rank() != 2 || y.columns() != outputs) {
            throw new IllegalArgumentException(outputs == 1 ? "y must be an N x 1 column of labels, has shape "
                    + NdArrays.shape(y) : "y must be N x " + outputs + " (one column per output), has shape "
                    + NdArrays.shape(y));
        }
        if (y.rows() != x.rows()) {
            throw new IllegalArgumentException("x has " + x.rows() + " rows but y has " + y.rows());
        }
        if (y.dataType() != x.dataType()) {
            throw new IllegalArgumentException("y has data type " + y.dataType() + " but x has " + x.dataType());
        }
    }

    /**
     * The arrays of one forward and backward pass over a batch of fixed size, allocated once so a training
     * loop can repeat passes without allocating. Arrays are indexed by the article's layer number i = 1..L;
     * {@code a[0]} is the caller's X and is never written or closed. Gradients are valid until the next
     * {@link #backward}, and a caller may scale them in place (the trainer does).
     */
    static final class Pass implements AutoCloseable {

        private final long rows;
        private final int layers;
        private final INDArray[] z;
        private final INDArray[] a;
        private final INDArray[] delta;
        private final INDArray[] dW;
        private final INDArray[] db;
        /** N x 1 ones: 1^T M is the row of M's column sums. */
        private final INDArray ones;
        private final INDArray lossTerms;
        private final INDArray lossScratch;
        /** K x 1 ones, for the softmax's sums over a row's outputs. */
        private final INDArray outputOnes;
        private final INDArray lossSum;

        Pass(Network network, long rows) {
            this.rows = rows;
            this.layers = network.layerCount();
            DataType type = network.precision().dataType();
            List<Integer> sizes = network.layerSizes();
            z = new INDArray[layers + 1];
            a = new INDArray[layers + 1];
            delta = new INDArray[layers + 1];
            dW = new INDArray[layers + 1];
            db = new INDArray[layers + 1];
            INDArray[] scalars = new INDArray[5];
            int outputs = sizes.get(layers);
            try {
                for (int i = 1; i <= layers; i++) {
                    int nIn = sizes.get(i - 1);
                    int nOut = sizes.get(i);
                    z[i] = Nd4j.create(type, rows, nOut);
                    a[i] = Nd4j.create(type, rows, nOut);
                    delta[i] = Nd4j.create(type, rows, nOut);
                    dW[i] = Nd4j.create(type, nIn, nOut);
                    db[i] = Nd4j.create(type, 1, nOut);
                }
                scalars[0] = Nd4j.ones(type, rows, 1);
                scalars[1] = Nd4j.create(type, rows, 1);
                scalars[2] = Nd4j.create(type, rows, outputs);
                scalars[3] = Nd4j.create(type, 1, 1);
                scalars[4] = Nd4j.ones(type, outputs, 1);
            } catch (RuntimeException e) {
                closeArrays();
                NdArrays.closeAll(scalars);
                throw e;
            }
            ones = scalars[0];
            lossTerms = scalars[1];
            lossScratch = scalars[2];
            lossSum = scalars[3];
            outputOnes = scalars[4];
        }

        /**
         * Forward pass over X, keeping every z_i and a_i for the backward pass, then the loss J of these
         * parameters. Returns NaN or an infinity only when the logits z_L themselves are not finite.
         */
        double forward(Network network, INDArray x, INDArray y) {
            a[0] = x;
            for (int i = 1; i <= layers; i++) {
                network.forwardLayer(i - 1, a[i - 1], z[i], a[i]);
            }
            return loss(network.architecture().objective(), z[layers], y);
        }

        /** The mean of the objective's loss terms (the article's: binary cross-entropy from the logits). */
        private double loss(Objective objective, INDArray zL, INDArray y) {
            objective.lossTerms(zL, y, lossTerms, lossScratch, outputOnes);
            // Summed as 1^T terms (a BLAS gemm) rather than lossTerms.sumNumber(): libnd4j's scalar reduction
            // splits a long sum over the pool threads it can get at that moment (and runs on the calling thread
            // when none are free), so its rounding may depend on what else runs in the JVM. OpenBLAS partitions
            // only the output of a gemm, so each sum is added in the same order every time.
            Nd4j.gemm(ones, lossTerms, lossSum, true, false, 1.0, 0.0);
            return lossSum.getDouble(0) / rows;
        }

        /**
         * The backward recurrence and the gradients, from the activations of the last {@link #forward}, which it
         * overwrites (each hidden a_i is turned into its slope once its own gradient is taken).
         */
        void backward(Network network, INDArray y) {
            Architecture architecture = network.architecture();
            architecture.objective().delta(a[layers], y, delta[layers]);      // delta_L = a_L - y
            for (int i = layers; i >= 1; i--) {
                Nd4j.gemm(a[i - 1], delta[i], dW[i], true, false, 1.0, 0.0);   // a_{i-1}^T delta_i
                dW[i].divi(rows);                                               //   / N
                // 1^T delta_i rather than delta.sum(0): a fixed summation order, as explained in loss()
                Nd4j.gemm(ones, delta[i], db[i], true, false, 1.0, 0.0);       // column sums of delta_i
                db[i].divi(rows);                                               //   / N
                if (i > 1) {
                    Nd4j.gemm(delta[i], network.weights(i - 1), delta[i - 1], false, true, 1.0, 0.0); // delta_i W_i^T
                    architecture.activations().get(i - 2).multiplyBySlope(delta[i - 1], a[i - 1]); // * f'(z_{i-1})
                }
            }
        }

        /** dJ/dW of 0-based layer {@code layer} from the last {@link #backward}; owned by this pass. */
        INDArray weightGradient(int layer) {
            return dW[layer + 1];
        }

        /** dJ/db of 0-based layer {@code layer} from the last {@link #backward}; owned by this pass. */
        INDArray biasGradient(int layer) {
            return db[layer + 1];
        }

        @Override
        public void close() {
            closeArrays();
            NdArrays.closeAll(ones, lossTerms, lossScratch, lossSum, outputOnes);
        }

        private void closeArrays() {
            a[0] = null; // the caller's X
            NdArrays.closeAll(z);
            NdArrays.closeAll(a);
            NdArrays.closeAll(delta);
            NdArrays.closeAll(dW);
            NdArrays.closeAll(db);
        }
    }
}
