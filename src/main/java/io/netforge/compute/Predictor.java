package io.netforge.compute;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Probabilities of the positive class for rows given as plain Java arrays: the forward pass
 * {@code a0 = x}, {@code z_i = a_{i-1} W_i + b_i}, {@code a_i = f_i(z_i)} with each hidden layer's
 * {@link Activation} and the {@link Objective}'s output for the last, prediction {@code a_L}.
 * Made by {@link Network#predictor()}; immutable and safe to call from many threads at once.
 *
 * <p>The Java predictor holds a heap copy of the weights, taken once, and evaluates row by row, because for small
 * networks the dozen ND4J calls of a forward pass cost more than the arithmetic. The choice between it and the ND4J
 * predictor depends on the network alone, never on the batch, so a row's probability is the same bits whatever
 * else is in its batch. Both compute the forward pass of {@link Network#predictProbabilities(INDArray)}; they may
 * differ in the last bits (sums in another order, Java's exp against ND4J's), which NetworkTest bounds.
 */
public abstract sealed class Predictor {

    private final int inputs;

    private Predictor(int inputs) {
        this.inputs = inputs;
    }

    /** A predictor over a heap snapshot of the weights {@code w[l]} (row-major n_in x n_out) and biases {@code b[l]}. */
    static Predictor java(Architecture architecture, Precision precision, double[][] w, double[][] b) {
        return precision == Precision.FLOAT64 ? new Doubles(architecture, w, b) : new Floats(architecture, w, b);
    }

    /** A predictor that runs {@link Network#predictProbabilities(INDArray)}; the network must stay open. */
    static Predictor nd4j(Network network) {
        return new Nd4jPath(network);
    }

    /** One probability per row; a row of the wrong width fails with a message naming it. */
    public final double[] probabilities(double[][] rows) {
        for (int r = 0; r < rows.length; r++) {
            NdArrays.requireWidth(rows[r], r, inputs);
        }
        return rows.length == 0 ? new double[0] : compute(rows);
    }

    abstract double[] compute(double[][] rows);

    private static int widest(int[] sizes) {
        int widest = 1;
        for (int size : sizes) {
            widest = Math.max(widest, size);
        }
        return widest;
    }

    /** f of each layer: the hidden layers' activations, then the output function. */
    private static java.util.function.DoubleUnaryOperator[] functions(Architecture architecture) {
        int layers = architecture.layerCount();
        java.util.function.DoubleUnaryOperator[] functions = new java.util.function.DoubleUnaryOperator[layers];
        for (int l = 0; l < layers - 1; l++) {
            functions[l] = architecture.activations().get(l)::value;
        }
        functions[layers - 1] = architecture.objective()::output;
        return functions;
    }

    /** Row by row in double. */
    private static final class Doubles extends Predictor {
        private final int[] sizes;
        private final java.util.function.DoubleUnaryOperator[] f;
        private final double[][] w;
        private final double[][] b;

        Doubles(Architecture architecture, double[][] w, double[][] b) {
            super(architecture.inputs());
            this.sizes = architecture.layerSizes().stream().mapToInt(Integer::intValue).toArray();
            this.f = functions(architecture);
            this.w = w;
            this.b = b;
        }

        @Override
        double[] compute(double[][] rows) {
            double[] probabilities = new double[rows.length];
            double[] in = new double[widest(sizes)];
            double[] out = new double[in.length];
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(rows[r], 0, in, 0, sizes[0]);
                for (int l = 0; l < w.length; l++) {
                    int nIn = sizes[l];
                    int nOut = sizes[l + 1];
                    for (int j = 0; j < nOut; j++) {
                        double z = 0;
                        for (int k = 0; k < nIn; k++) {
                            z += in[k] * w[l][k * nOut + j];
                        }
                        out[j] = f[l].applyAsDouble(z + b[l][j]);
                    }
                    double[] swap = in;
                    in = out;
                    out = swap;
                }
                probabilities[r] = in[0];
            }
            return probabilities;
        }
    }

    /** {@link Doubles} in float, as ND4J computes a FLOAT32 network (the functions in double, rounded). */
    private static final class Floats extends Predictor {
        private final int[] sizes;
        private final java.util.function.DoubleUnaryOperator[] f;
        private final float[][] w;
        private final float[][] b;

        Floats(Architecture architecture, double[][] w, double[][] b) {
            super(architecture.inputs());
            this.sizes = architecture.layerSizes().stream().mapToInt(Integer::intValue).toArray();
            this.f = functions(architecture);
            this.w = toFloats(w);
            this.b = toFloats(b);
        }

        /** The values of a FLOAT32 network are floats; the casts are exact. */
        private static float[][] toFloats(double[][] values) {
            float[][] floats = new float[values.length][];
            for (int l = 0; l < values.length; l++) {
                floats[l] = new float[values[l].length];
                for (int i = 0; i < values[l].length; i++) {
                    floats[l][i] = (float) values[l][i];
                }
            }
            return floats;
        }

        @Override
        double[] compute(double[][] rows) {
            double[] probabilities = new double[rows.length];
            float[] in = new float[widest(sizes)];
            float[] out = new float[in.length];
            for (int r = 0; r < rows.length; r++) {
                for (int k = 0; k < sizes[0]; k++) {
                    in[k] = (float) rows[r][k];
                }
                for (int l = 0; l < w.length; l++) {
                    int nIn = sizes[l];
                    int nOut = sizes[l + 1];
                    for (int j = 0; j < nOut; j++) {
                        float z = 0;
                        for (int k = 0; k < nIn; k++) {
                            z += in[k] * w[l][k * nOut + j];
                        }
                        out[j] = (float) f[l].applyAsDouble(z + b[l][j]);
                    }
                    float[] swap = in;
                    in = out;
                    out = swap;
                }
                probabilities[r] = in[0];
            }
            return probabilities;
        }
    }

    /** Through ND4J, for networks too large for the heap snapshot to pay. */
    private static final class Nd4jPath extends Predictor {
        private final Network network;

        Nd4jPath(Network network) {
            super(network.inputs());
            this.network = network;
        }

        @Override
        double[] compute(double[][] rows) {
            try (INDArray x = NdArrays.matrix(rows, network.inputs(), network.precision().dataType());
                    INDArray p = network.predictProbabilities(x)) {
                return NdArrays.toDoubles(p);
            }
        }
    }
}
