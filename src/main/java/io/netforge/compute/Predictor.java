package io.netforge.compute;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A network's outputs for rows given as plain Java arrays: the forward pass {@code a0 = x},
 * {@code z_i = a_{i-1} W_i + b_i}, {@code a_i = f_i(z_i)} with each hidden layer's {@link Activation} and the
 * {@link Objective}'s output for the last, prediction {@code a_L} (the probability of the positive class, the K
 * class probabilities, or the predicted value). Made by {@link Network#predictor()}; immutable and safe to call
 * from many threads at once.
 *
 * <p>The Java predictors hold a heap copy of the weights, taken once: small networks are evaluated row by row,
 * because the dozen ND4J calls of a forward pass cost more than the arithmetic; larger ones in blocks of rows with
 * the wide kernels' blocked product (ND4J's forward pass of one row took ~3x longer, and PredictBench measures
 * them against ONNX Runtime). The choice depends on the network alone, never on the batch, and neither predictor's
 * outputs for a row depend on the other rows, so a row's outputs are the same bits whatever else is in its batch.
 * All compute the forward pass of {@link Network#predict(INDArray)}; they may differ in the last bits (sums in
 * another order, fused multiply-adds, Java's exp against ND4J's), which NetworkTest bounds.
 */
public abstract sealed class Predictor {

    private final int inputs;
    private final int outputs;

    private Predictor(int inputs, int outputs) {
        this.inputs = inputs;
        this.outputs = outputs;
    }

    /** A predictor over a heap snapshot of the weights {@code w[l]} (row-major n_in x n_out) and biases {@code b[l]}. */
    static Predictor java(Architecture architecture, Precision precision, double[][] w, double[][] b) {
        return precision == Precision.FLOAT64 ? new Doubles(architecture, w, b) : new Floats(architecture, w, b);
    }

    /**
     * A predictor of a network's stored layers (W row-major n_in x n_out, b, layer by layer): for networks of up to
     * {@link Network#JAVA_PREDICTION_MAX_PARAMETERS} parameters the arrays themselves on the heap, evaluated row by
     * row in plain Java; for larger ones the same arrays evaluated in blocks ({@link #wide}); either way nothing
     * off-heap to free. Without the Vector API a large network gets a network of its own on ND4J, which the predictor
     * keeps.
     * The same choice, and so the same bits, as {@link Network#predictor()} of that network.
     */
    public static Predictor of(Architecture architecture, Precision precision, java.util.List<double[]> weights,
            java.util.List<double[]> biases) {
        double[][] w = weights.toArray(double[][]::new);
        double[][] b = biases.toArray(double[][]::new);
        boolean large = parameters(w, b) > Network.JAVA_PREDICTION_MAX_PARAMETERS;
        if (large && !Kernels.vectorAvailable()) {
            return Network.of(architecture, weights, biases, precision).predictor();
        }
        Network.requireLayers(architecture, weights, biases);
        return large ? wide(architecture, precision, w, b) : java(architecture, precision, w, b);
    }

    /**
     * A predictor over a heap snapshot that evaluates rows in blocks with the wide kernels' matrix product
     * ({@link WideKernelF64#multiplyRange}), for networks too large for row-by-row sums to pay. Each output is one
     * chain of fused multiply-adds over the inputs in order, whatever the block, so a row's outputs do not depend on
     * its batch either.
     */
    static Predictor wide(Architecture architecture, Precision precision, double[][] w, double[][] b) {
        return precision == Precision.FLOAT64 ? new WideDoubles(architecture, w, b) : new WideFloats(architecture, w, b);
    }

    /** A predictor that runs {@link Network#predict(INDArray)}; the network must stay open. */
    static Predictor nd4j(Network network) {
        return new Nd4jPath(network);
    }

    /** The number of outputs per row. */
    public final int outputs() {
        return outputs;
    }

    /** Each row's outputs ({@link #outputs()} of them); a row of the wrong width fails with a message naming it. */
    public final double[][] predict(double[][] rows) {
        for (int r = 0; r < rows.length; r++) {
            NdArrays.requireWidth(rows[r], r, inputs);
        }
        return rows.length == 0 ? new double[0][] : compute(rows);
    }

    /** The one output of each row, for networks with one output (the positive class's probability, or the value). */
    public final double[] probabilities(double[][] rows) {
        if (outputs != 1) {
            throw new IllegalStateException("a network of " + outputs + " outputs has no single probability per row");
        }
        double[][] all = predict(rows);
        double[] first = new double[all.length];
        for (int r = 0; r < all.length; r++) {
            first[r] = all[r][0];
        }
        return first;
    }

    abstract double[][] compute(double[][] rows);

    private static int widest(int[] sizes) {
        int widest = 1;
        for (int size : sizes) {
            widest = Math.max(widest, size);
        }
        return widest;
    }

    /** Row by row in double. */
    private static final class Doubles extends Predictor {
        private final int[] sizes;
        private final Activation[] f;
        private final Objective objective;
        private final double[][] w;
        private final double[][] b;

        Doubles(Architecture architecture, double[][] w, double[][] b) {
            super(architecture.inputs(), architecture.outputs());
            this.sizes = architecture.layerSizes().stream().mapToInt(Integer::intValue).toArray();
            this.f = architecture.activations().toArray(new Activation[0]);
            this.objective = architecture.objective();
            this.w = w;
            this.b = b;
        }

        @Override
        double[][] compute(double[][] rows) {
            double[][] outputs = new double[rows.length][];
            double[] in = new double[widest(sizes)];
            double[] out = new double[in.length];
            int last = w.length - 1;
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
                        out[j] = l < last ? f[l].value(z + b[l][j]) : z + b[l][j];
                    }
                    double[] swap = in;
                    in = out;
                    out = swap;
                }
                objective.outputInPlace(in, sizes[last + 1]);
                outputs[r] = java.util.Arrays.copyOf(in, sizes[last + 1]);
            }
            return outputs;
        }
    }

    /** {@link Doubles} in float, as ND4J computes a FLOAT32 network (the functions in double, rounded). */
    private static final class Floats extends Predictor {
        private final int[] sizes;
        private final Activation[] f;
        private final Objective objective;
        private final float[][] w;
        private final float[][] b;

        Floats(Architecture architecture, double[][] w, double[][] b) {
            super(architecture.inputs(), architecture.outputs());
            this.sizes = architecture.layerSizes().stream().mapToInt(Integer::intValue).toArray();
            this.f = architecture.activations().toArray(new Activation[0]);
            this.objective = architecture.objective();
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
        double[][] compute(double[][] rows) {
            double[][] outputs = new double[rows.length][];
            float[] in = new float[widest(sizes)];
            float[] out = new float[in.length];
            int last = w.length - 1;
            int k = sizes[last + 1];
            double[] logits = new double[k];
            for (int r = 0; r < rows.length; r++) {
                for (int c = 0; c < sizes[0]; c++) {
                    in[c] = (float) rows[r][c];
                }
                for (int l = 0; l < last; l++) {
                    int nIn = sizes[l];
                    int nOut = sizes[l + 1];
                    for (int j = 0; j < nOut; j++) {
                        float z = 0;
                        for (int i = 0; i < nIn; i++) {
                            z += in[i] * w[l][i * nOut + j];
                        }
                        out[j] = (float) f[l].value(z + b[l][j]);
                    }
                    float[] swap = in;
                    in = out;
                    out = swap;
                }
                int nIn = sizes[last];
                for (int j = 0; j < k; j++) {
                    float z = 0;
                    for (int i = 0; i < nIn; i++) {
                        z += in[i] * w[last][i * k + j];
                    }
                    logits[j] = z + b[last][j]; // the float sum, then the output function in double
                }
                objective.outputInPlace(logits, k);
                double[] row = new double[k];
                for (int j = 0; j < k; j++) {
                    row[j] = (float) logits[j];
                }
                outputs[r] = row;
            }
            return outputs;
        }
    }

    /** Rows per block of the wide predictors: a block's widest layer in about 128 KiB. */
    private static int blockRows(int[] sizes) {
        return Math.max(4, Math.min(256, (16384 / widest(sizes)) & ~3));
    }

    /** Blocks of rows through {@link WideKernelF64#multiplyRange}, in double. */
    private static final class WideDoubles extends Predictor {
        private final int[] sizes;
        private final Activation[] f;
        private final Objective objective;
        private final double[][] w;
        private final double[][] b;
        private final int block;
        private final long parameters;

        WideDoubles(Architecture architecture, double[][] w, double[][] b) {
            super(architecture.inputs(), architecture.outputs());
            this.sizes = architecture.layerSizes().stream().mapToInt(Integer::intValue).toArray();
            this.f = architecture.activations().toArray(new Activation[0]);
            this.objective = architecture.objective();
            this.w = new double[w.length][];
            for (int l = 0; l < w.length; l++) {
                // in the strips multiplyRange reads (the same sums, in the same order, as row-major)
                this.w[l] = new double[w[l].length];
                WideKernelF64.pack(w[l], 0, sizes[l], sizes[l + 1], this.w[l], 0);
            }
            this.b = b;
            this.block = blockRows(sizes);
            this.parameters = parameters(w, b);
        }

        @Override
        double[][] compute(double[][] rows) {
            double[][] outputs = new double[rows.length][];
            int values = block * widest(sizes);
            inBlocks(rows.length, block, parameters, workers -> new double[workers][2][values],
                    (from, scratch) -> block(rows, from, scratch[0], scratch[1], outputs));
            return outputs;
        }

        /** Rows [from, from + block) of {@code rows} into {@code outputs}, with the two scratch arrays given. */
        private void block(double[][] rows, int from, double[] in, double[] out, double[][] outputs) {
            int last = w.length - 1;
            int k = sizes[last + 1];
            int n = Math.min(block, rows.length - from);
            for (int r = 0; r < n; r++) {
                System.arraycopy(rows[from + r], 0, in, r * sizes[0], sizes[0]);
            }
            double[] a = in;
            double[] z = out;
            for (int l = 0; l <= last; l++) {
                int nOut = sizes[l + 1];
                WideKernelF64.multiplyRange(a, n, sizes[l], w[l], 0, nOut, z, 0, nOut);
                double[] bias = b[l];
                for (int r = 0; r < n; r++) {
                    int at = r * nOut;
                    for (int j = 0; j < nOut; j++) {
                        z[at + j] = l < last ? f[l].value(z[at + j] + bias[j]) : z[at + j] + bias[j];
                    }
                }
                double[] swap = a;
                a = z;
                z = swap;
            }
            for (int r = 0; r < n; r++) {
                double[] row = java.util.Arrays.copyOfRange(a, r * k, (r + 1) * k);
                objective.outputInPlace(row, k);
                outputs[from + r] = row;
            }
        }
    }

    /** {@link WideDoubles} in float, as {@link Floats}: the sums in float, the functions in double, rounded. */
    private static final class WideFloats extends Predictor {
        private final int[] sizes;
        private final Activation[] f;
        private final Objective objective;
        private final float[][] w;
        private final float[][] b;
        private final int block;
        private final long parameters;

        WideFloats(Architecture architecture, double[][] w, double[][] b) {
            super(architecture.inputs(), architecture.outputs());
            this.sizes = architecture.layerSizes().stream().mapToInt(Integer::intValue).toArray();
            this.f = architecture.activations().toArray(new Activation[0]);
            this.objective = architecture.objective();
            float[][] rowMajor = Floats.toFloats(w);
            this.w = new float[w.length][];
            for (int l = 0; l < w.length; l++) {
                this.w[l] = new float[rowMajor[l].length];
                WideKernelF32.pack(rowMajor[l], 0, sizes[l], sizes[l + 1], this.w[l], 0);
            }
            this.b = Floats.toFloats(b);
            this.block = blockRows(sizes);
            this.parameters = parameters(w, b);
        }

        @Override
        double[][] compute(double[][] rows) {
            double[][] outputs = new double[rows.length][];
            int values = block * widest(sizes);
            inBlocks(rows.length, block, parameters, workers -> new float[workers][2][values],
                    (from, scratch) -> block(rows, from, scratch[0], scratch[1], outputs));
            return outputs;
        }

        private void block(double[][] rows, int from, float[] in, float[] out, double[][] outputs) {
            int last = w.length - 1;
            int k = sizes[last + 1];
            int n = Math.min(block, rows.length - from);
            for (int r = 0; r < n; r++) {
                double[] row = rows[from + r];
                for (int c = 0; c < sizes[0]; c++) {
                    in[r * sizes[0] + c] = (float) row[c];
                }
            }
            float[] a = in;
            float[] z = out;
            for (int l = 0; l < last; l++) {
                int nOut = sizes[l + 1];
                WideKernelF32.multiplyRange(a, n, sizes[l], w[l], 0, nOut, z, 0, nOut);
                float[] bias = b[l];
                for (int r = 0; r < n; r++) {
                    int at = r * nOut;
                    for (int j = 0; j < nOut; j++) {
                        z[at + j] = (float) f[l].value(z[at + j] + bias[j]);
                    }
                }
                float[] swap = a;
                a = z;
                z = swap;
            }
            WideKernelF32.multiplyRange(a, n, sizes[last], w[last], 0, k, z, 0, k);
            for (int r = 0; r < n; r++) {
                double[] logits = new double[k];
                for (int j = 0; j < k; j++) {
                    logits[j] = z[r * k + j] + b[last][j]; // the float sum, then the output function in double
                }
                objective.outputInPlace(logits, k);
                for (int j = 0; j < k; j++) {
                    logits[j] = (float) logits[j];
                }
                outputs[from + r] = logits;
            }
        }
    }

    private static long parameters(double[][] w, double[][] b) {
        long total = 0;
        for (int l = 0; l < w.length; l++) {
            total += w[l].length + b[l].length;
        }
        return total;
    }

    /** One block's work, at its first row, with the scratch of the thread that runs it. */
    @FunctionalInterface
    private interface BlockWork<S> {
        void run(int from, S scratch);
    }

    /**
     * Runs the blocks of {@code rows} rows on the calling thread, and on the shared pool's helpers too when there is
     * more than one block and enough work for a second thread to pay ({@link Kernels#MIN_PARALLEL_WORK} per
     * block): each block writes only its own rows' outputs, so no bit depends on which thread ran it.
     */
    private static <S> void inBlocks(int rows, int block, long parameters, java.util.function.IntFunction<S[]> scratch,
            BlockWork<S> work) {
        int blocks = (rows + block - 1) / block;
        if (blocks == 1 || ParallelSegments.HELPERS == 0
                || (long) block * parameters < Kernels.MIN_PARALLEL_WORK) {
            S mine = scratch.apply(1)[0];
            for (int i = 0; i < blocks; i++) {
                work.run(i * block, mine);
            }
            return;
        }
        ParallelSegments threads = new ParallelSegments(ParallelSegments.HELPERS);
        S[] perWorker = scratch.apply(threads.workers());
        threads.run(blocks, (segment, worker) -> work.run(segment * block, perWorker[worker]));
    }

    /** Through ND4J, for large networks in a JVM without the Vector API. */
    private static final class Nd4jPath extends Predictor {
        private final Network network;

        Nd4jPath(Network network) {
            super(network.inputs(), network.architecture().outputs());
            this.network = network;
        }

        @Override
        double[][] compute(double[][] rows) {
            try (INDArray x = NdArrays.matrix(rows, network.inputs(), network.precision().dataType());
                    INDArray p = network.predict(x)) {
                double[] flat = NdArrays.toDoubles(p);
                int k = outputs();
                double[][] outputs = new double[rows.length][];
                for (int r = 0; r < rows.length; r++) {
                    outputs[r] = java.util.Arrays.copyOfRange(flat, r * k, (r + 1) * k);
                }
                return outputs;
            }
        }
    }
}
