package io.netforge.compute;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The parameters of a fully-connected feed-forward network and the functions of its layers (its
 * {@link Architecture}): {@code a0 = X}, {@code z_i = a_{i-1} W_i + b_i}, {@code a_i = f_i(z_i)} for the hidden
 * layers' activations f_i, and the prediction {@code a_L = output(z_L)} of the objective.
 *
 * <p>Layer {@code l} of the methods below (0-based) is the article's layer {@code i = l + 1}: {@code W_i} has
 * shape (n_in, n_out) and {@code b_i} shape (1, n_out), as in {@code numpy_reference.py}. All arrays are
 * off-heap and owned by this object: {@link #close()} frees them, and arrays returned by {@link #weights}
 * and {@link #bias} must not be closed by callers. Not thread-safe while it is being trained; concurrent
 * {@link #predict} and {@link #predictor()} calls on an untouched network are fine.
 */
public final class Network implements AutoCloseable {

    /**
     * Networks of up to this many parameters are predicted in plain Java by {@link #predictor()}
     * whatever the batch size (at most ~80 M multiply-adds for 10000 rows); larger ones through ND4J.
     */
    static final long JAVA_PREDICTION_MAX_PARAMETERS = 8192;

    private final Architecture architecture;
    private final List<Integer> layerSizes;
    private final Precision precision;
    private final INDArray[] weights;
    private final INDArray[] biases;
    private volatile boolean closed;

    private Network(Architecture architecture, Precision precision, INDArray[] weights, INDArray[] biases) {
        this.architecture = architecture;
        this.layerSizes = architecture.layerSizes();
        this.precision = precision;
        this.weights = weights;
        this.biases = biases;
    }

    /**
     * A new network whose weights and biases are drawn from N(0, sd²) with the standard deviations of
     * {@code initialization}.
     *
     * <p>The draws come from {@code new java.util.Random(seed)}, whose {@code nextGaussian} algorithm the JDK
     * specifies: the same seed gives the same network on every JVM and platform, and each call has its own
     * generator, so concurrent initialisations (unlike ND4J's thread-local RNG) cannot disturb each other.
     * The order is numpy_reference.py's: all weight matrices layer by layer, each row-major (n_in x n_out),
     * then all bias vectors layer by layer (none drawn when the scheme's biases start at zero). Values are drawn
     * in double and rounded to float for FLOAT32, so both precisions start from the same point (up to that
     * rounding).
     */
    public static Network initialise(Architecture architecture, Initialization initialization, long seed,
            Precision precision) {
        requireArchitecture(architecture);
        requirePrecision(precision);
        if (initialization == null) {
            throw new IllegalArgumentException("initialization is missing");
        }
        List<Integer> sizes = architecture.layerSizes();
        Random random = new Random(seed);
        List<double[]> weightValues = new ArrayList<>();
        for (int l = 0; l + 1 < sizes.size(); l++) {
            weightValues.add(gaussians(random, (long) sizes.get(l) * sizes.get(l + 1),
                    initialization.weightSd(sizes.get(l), sizes.get(l + 1))));
        }
        List<double[]> biasValues = new ArrayList<>();
        for (int l = 0; l + 1 < sizes.size(); l++) {
            biasValues.add(gaussians(random, sizes.get(l + 1), initialization.biasSd()));
        }
        return build(architecture, weightValues, biasValues, precision);
    }

    /** The article's network (sigmoid units, N(0, 0.1²) initial values) of these sizes, drawn from {@code seed}. */
    public static Network initialise(int inputs, List<Integer> hiddenLayers, long seed, Precision precision) {
        return initialise(Architecture.article(inputs, hiddenLayers), Initialization.NORMAL, seed, precision);
    }

    /** Rebuild from persisted values: weights.get(l) is W_l row-major (n_in*n_out), biases.get(l) is b_l. */
    public static Network of(Architecture architecture, List<double[]> weights, List<double[]> biases,
            Precision precision) {
        requirePrecision(precision);
        requireLayers(architecture, weights, biases);
        return build(architecture, weights, biases, precision);
    }

    /** Fails with a message naming the layer unless the weights and biases have the architecture's shapes. */
    static void requireLayers(Architecture architecture, List<double[]> weights, List<double[]> biases) {
        requireArchitecture(architecture);
        List<Integer> sizes = architecture.layerSizes();
        int layers = sizes.size() - 1;
        if (weights == null || weights.size() != layers || biases == null || biases.size() != layers) {
            throw new IllegalArgumentException("expected " + layers + " weight matrices and bias vectors for layers "
                    + sizes + ", found " + (weights == null ? "none" : weights.size()) + " and "
                    + (biases == null ? "none" : biases.size()));
        }
        for (int l = 0; l < layers; l++) {
            long expected = (long) sizes.get(l) * sizes.get(l + 1);
            if (weights.get(l) == null || weights.get(l).length != expected) {
                throw new IllegalArgumentException("weights of layer " + l + ": expected " + expected + " values ("
                        + sizes.get(l) + " x " + sizes.get(l + 1) + "), found "
                        + (weights.get(l) == null ? "null" : weights.get(l).length));
            }
            if (biases.get(l) == null || biases.get(l).length != sizes.get(l + 1)) {
                throw new IllegalArgumentException("bias of layer " + l + ": expected " + sizes.get(l + 1)
                        + " values, found " + (biases.get(l) == null ? "null" : biases.get(l).length));
            }
        }
    }

    /** {@link #of(Architecture, List, List, Precision)} for the article's sigmoid network of these layer sizes. */
    public static Network of(List<Integer> layerSizes, List<double[]> weights, List<double[]> biases,
            Precision precision) {
        if (layerSizes == null || layerSizes.size() < 2) {
            throw new IllegalArgumentException("layerSizes must list the inputs and the output layer, was " + layerSizes);
        }
        if (layerSizes.get(layerSizes.size() - 1) != 1) {
            throw new IllegalArgumentException("the output layer must have 1 unit, layerSizes were " + layerSizes);
        }
        return of(Architecture.article(layerSizes.get(0), layerSizes.subList(1, layerSizes.size() - 1)), weights,
                biases, precision);
    }

    /** Number of weights and biases of such a network: the sum over layers of (n_in + 1) * n_out. */
    public static long parameterCount(int inputs, List<Integer> hiddenLayers) {
        return Architecture.article(inputs, hiddenLayers).parameterCount();
    }

    /** The layer sizes and functions. */
    public Architecture architecture() {
        return architecture;
    }

    /** [inputs, hidden..., outputs]. */
    public List<Integer> layerSizes() {
        return layerSizes;
    }

    public int inputs() {
        return layerSizes.get(0);
    }

    /** Number of weight matrices: hidden layers + 1. */
    public int layerCount() {
        return weights.length;
    }

    public Precision precision() {
        return precision;
    }

    /** W of 0-based layer {@code layer}, shape (n_in, n_out): the live array, owned by this network. */
    public INDArray weights(int layer) {
        checkOpen();
        return weights[checkLayer(layer)];
    }

    /** b of 0-based layer {@code layer}, shape (1, n_out): the live array, owned by this network. */
    public INDArray bias(int layer) {
        checkOpen();
        return biases[checkLayer(layer)];
    }

    /** W of 0-based layer {@code layer}, row-major, as doubles (a copy). */
    public double[] weightsData(int layer) {
        return NdArrays.toDoubles(weights(layer));
    }

    /** b of 0-based layer {@code layer} as doubles (a copy). */
    public double[] biasData(int layer) {
        return NdArrays.toDoubles(bias(layer));
    }

    public long parameterCount() {
        return architecture.parameterCount();
    }

    /** An independent network with the same values; the caller closes it. */
    public Network copy() {
        checkOpen();
        INDArray[] w = new INDArray[weights.length];
        INDArray[] b = new INDArray[biases.length];
        try {
            for (int l = 0; l < weights.length; l++) {
                w[l] = weights[l].dup('c');
                b[l] = biases[l].dup('c');
            }
        } catch (RuntimeException e) {
            NdArrays.closeAll(w);
            NdArrays.closeAll(b);
            throw e;
        }
        return new Network(architecture, precision, w, b);
    }

    /**
     * Forward pass: the outputs, a new N x K array in this network's data type (the caller closes it): the positive
     * class's probability, the K class probabilities, or the predicted value. x must have this precision's data
     * type and inputs() columns.
     */
    public INDArray predict(INDArray x) {
        checkOpen();
        requireInput(x, "x");
        INDArray a = x;
        try {
            for (int l = 0; l < weights.length; l++) {
                INDArray z = Nd4j.create(precision.dataType(), a.rows(), layerSizes.get(l + 1));
                try {
                    forwardLayer(l, a, z, z);
                } catch (RuntimeException e) {
                    z.close();
                    throw e;
                }
                if (a != x) {
                    a.close();
                }
                a = z;
            }
            return a;
        } catch (RuntimeException e) {
            if (a != x) {
                a.close();
            }
            throw e;
        }
    }

    /**
     * A predictor for rows given as plain Java arrays: for networks of up to {@link #JAVA_PREDICTION_MAX_PARAMETERS}
     * parameters a snapshot of the weights on the heap, evaluated row by row in plain Java; for larger ones a
     * snapshot evaluated in blocks of rows with the wide kernels' product, or, in a JVM without the Vector API, a view
     * that runs {@link #predict(INDArray)} on this network, which must then stay open and unchanged.
     */
    public Predictor predictor() {
        checkOpen();
        boolean large = parameterCount() > JAVA_PREDICTION_MAX_PARAMETERS;
        if (large && !Kernels.vectorAvailable()) {
            return Predictor.nd4j(this);
        }
        double[][] w = new double[weights.length][];
        double[][] b = new double[weights.length][];
        for (int l = 0; l < weights.length; l++) {
            w[l] = weightsData(l);
            b[l] = biasData(l);
        }
        return large ? Predictor.wide(architecture, precision, w, b)
                : Predictor.java(architecture, precision, w, b);
    }

    /** Frees the off-heap weights and biases; later calls are no-ops. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        NdArrays.closeAll(weights);
        NdArrays.closeAll(biases);
    }

    /**
     * The forward recurrence for one layer (i = layer + 1): {@code z_i = a_{i-1} W_i + b_i}, then
     * {@code a_i = f_i(z_i)} for a hidden layer or the objective's output for the last. Writes into the preallocated
     * {@code z} and {@code a} (N x n_out; they may be the same array when z need not be kept). Shared by prediction
     * and training so both compute the same bits.
     */
    void forwardLayer(int layer, INDArray aPrevious, INDArray z, INDArray a) {
        Nd4j.gemm(aPrevious, weights[layer], z, false, false, 1.0, 0.0);
        z.addiRowVector(biases[layer]);
        activate(layer, z, a);
    }

    /** a = f(z) of 0-based layer {@code layer}: its activation, or the objective's output for the last layer. */
    void activate(int layer, INDArray z, INDArray a) {
        if (layer < weights.length - 1) {
            architecture.activations().get(layer).apply(z, a);
        } else {
            architecture.objective().output(z, a);
        }
    }

    /** Checks that {@code x} is an N x inputs() matrix (N >= 1) of this network's data type. */
    void requireInput(INDArray x, String name) {
        if (x == null) {
            throw new IllegalArgumentException(name + " is missing");
        }
        if (x.rank() != 2 || x.rows() < 1) {
            throw new IllegalArgumentException(name + " must be a matrix with at least one row, has shape "
                    + NdArrays.shape(x));
        }
        if (x.columns() != inputs()) {
            throw new IllegalArgumentException(name + " has " + x.columns() + " columns but the network has "
                    + inputs() + " inputs");
        }
        if (x.dataType() != precision.dataType()) {
            throw new IllegalArgumentException(name + " has data type " + x.dataType() + " but the network's precision "
                    + precision + " needs " + precision.dataType());
        }
    }

    private static Network build(Architecture architecture, List<double[]> weightValues, List<double[]> biasValues,
            Precision precision) {
        List<Integer> sizes = architecture.layerSizes();
        DataType type = precision.dataType();
        int layers = sizes.size() - 1;
        INDArray[] w = new INDArray[layers];
        INDArray[] b = new INDArray[layers];
        try {
            for (int l = 0; l < layers; l++) {
                w[l] = NdArrays.matrix(weightValues.get(l), sizes.get(l), sizes.get(l + 1), type);
                b[l] = NdArrays.matrix(biasValues.get(l), 1, sizes.get(l + 1), type);
            }
        } catch (RuntimeException e) {
            NdArrays.closeAll(w);
            NdArrays.closeAll(b);
            throw e;
        }
        return new Network(architecture, precision, w, b);
    }

    /** count draws of N(0, sd²); none at all (zeros) when sd is 0. */
    private static double[] gaussians(Random random, long count, double sd) {
        double[] values = new double[Math.toIntExact(count)];
        if (sd == 0) {
            return values;
        }
        for (int i = 0; i < values.length; i++) {
            values[i] = sd * random.nextGaussian();
        }
        return values;
    }

    private static void requireArchitecture(Architecture architecture) {
        if (architecture == null) {
            throw new IllegalArgumentException("architecture is missing");
        }
    }

    private static void requirePrecision(Precision precision) {
        if (precision == null) {
            throw new IllegalArgumentException("precision is missing");
        }
    }

    private int checkLayer(int layer) {
        if (layer < 0 || layer >= weights.length) {
            throw new IndexOutOfBoundsException("layer " + layer + " of a network with " + weights.length + " layers");
        }
        return layer;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the network was closed");
        }
    }
}
