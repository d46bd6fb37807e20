package io.netforge.compute;

import java.nio.DoubleBuffer;
import java.util.Arrays;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The forward and backward passes of {@link Backprop} for small networks in float64, as one cache-blocked Java
 * kernel on the Vector API (VectorKernelF32 is the same source for float32).
 *
 * <p>Why: on the article's shapes (4000 x 20, [8, 3]) each ND4J call costs more in fixed overhead than its
 * arithmetic, and ND4J needs some twenty calls per iteration. Here one iteration is one pass over row blocks
 * ({@link RowBlocks}): each block runs the forward pass, the loss, the backward recurrence and its share of the
 * gradient sums while its activations are in L1/L2, and blocks are spread over threads by
 * {@link ParallelSegments}.
 *
 * <p>Layout: for full-batch training the features are copied once, at construction, into blocks stored
 * feature-major ({@code x[k][r]} for the block's rows r), so that a vector holds one feature or unit of
 * {@code LANES} consecutive rows and every loop runs along rows. Each row has a weight beside its label (1, or
 * its class's weight); rows past N in the last block are zero and weigh 0, so they add exact zeros to every sum.
 * For mini-batches the rows are kept row-major and each batch is copied into such blocks before its pass (once
 * per epoch in all, next to a pass's arithmetic). Validation rows have blocks of their own, for forward-only
 * passes. Weights and biases are kept here, in one Java array ({@code theta}, the gradient beside it at the same
 * offsets), for the whole run and written back at the end.
 *
 * <p>What varies is named and switched on once per block and layer, never per element: each hidden layer's
 * {@link Activation} ({@code VectorMathF64.activate}, {@code slopeInPlace}), the {@link Objective}
 * ({@code VectorMathF64.outputLoss}) and the {@link UpdateRule} (on the flat arrays).
 *
 * <p>Arithmetic: the same formulas as {@link Backprop} in the same order within each term
 * ({@code f(z)}, {@code delta W^T * f'}, {@code theta -= lr * (sum / N)}); only the order in which sums over rows
 * are added differs (lanes, then blocks, then segments), which is fixed.
 */
final class VectorKernelF64 implements TrainingKernel {

    private static final VectorSpecies<Double> S = VectorMathF64.SPECIES;
    private static final int LANES = S.length();
    private static final int B = RowBlocks.ROWS_PER_BLOCK;
    /** Inputs of each row the copy into blocks reads at a time, for rows of more inputs than this. */
    private static final int COPY_INPUTS = 64;

    private final Network network;
    private final Activation[] activation;
    private final Objective objective;
    private final UpdateRule rule;
    private final ParallelSegments threads;
    private final int layers;
    private final int[] width;
    /** Every weight and bias: layer l's W (n_in x n_out row-major) at weightOffset[l], its b at biasOffset[l]. */
    private final double[] theta;
    private final int[] weightOffset;
    private final int[] biasOffset;
    private final int parameters;
    /** Full batch: the rows every pass runs over; null for mini-batches. */
    private final Layout train;
    /** Mini-batches: the training rows row-major, their labels and weights, and the blocks of the current batch. */
    private final double[] rows;
    private final double[] labels;
    private final double[] rowWeights;
    private final Layout batch;
    /** Validation rows, or null. */
    private final Layout validation;
    /** The parameters of {@link #keepBest()}. */
    private double[] best;
    /** partial[segment]: per parameter, then the loss, LANES partial sums each. */
    private final double[][] partial;
    private final Scratch[] scratch;
    /** dJ/dtheta of the last pass, at theta's offsets. */
    private final double[] gradient;

    /**
     * Takes the training rows (x N x inputs, y N x 1, float64, checked by the caller) and, for early stopping,
     * validation rows; copies them. The network is read now and written by {@link #writeParameters()}.
     *
     * @param batchSize rows per mini-batch; 0 (or N or more) for full batch
     */
    VectorKernelF64(Network network, Rows training, Rows validationRows, int batchSize, UpdateRule rule, int helpers) {
        this.network = network;
        Architecture architecture = network.architecture();
        this.activation = architecture.activations().toArray(new Activation[0]);
        this.objective = architecture.objective();
        this.rule = rule;
        this.threads = new ParallelSegments(helpers);
        this.layers = network.layerCount();
        this.width = network.layerSizes().stream().mapToInt(Integer::intValue).toArray();
        this.weightOffset = new int[layers];
        this.biasOffset = new int[layers];
        int offset = 0;
        for (int l = 0; l < layers; l++) {
            weightOffset[l] = offset;
            offset += width[l] * width[l + 1];
            biasOffset[l] = offset;
            offset += width[l + 1];
        }
        this.parameters = offset;
        this.theta = new double[parameters];
        for (int l = 0; l < layers; l++) {
            double[] w = network.weightsData(l);
            double[] b = network.biasData(l);
            System.arraycopy(w, 0, theta, weightOffset[l], w.length);
            System.arraycopy(b, 0, theta, biasOffset[l], b.length);
        }
        int n = Math.toIntExact(training.count());
        int segments;
        if (batchSize <= 0 || batchSize >= n) {
            this.train = new Layout(n);
            train.copy(training);
            this.rows = null;
            this.labels = null;
            this.rowWeights = null;
            this.batch = null;
            segments = train.blocks.segments;
        } else {
            this.train = null;
            this.rows = NdArrays.toDoubles(training.x());
            this.labels = NdArrays.toDoubles(training.y());
            this.rowWeights = training.weights();
            this.batch = new Layout(batchSize);
            segments = batch.blocks.segments;
        }
        if (validationRows != null) {
            this.validation = new Layout(Math.toIntExact(validationRows.count()));
            validation.copy(validationRows);
            segments = Math.max(segments, validation.blocks.segments);
        } else {
            this.validation = null;
        }
        this.partial = new double[segments][(parameters + 1) * LANES];
        this.scratch = new Scratch[threads.workers()];
        for (int i = 0; i < scratch.length; i++) {
            scratch[i] = new Scratch();
        }
        this.gradient = new double[parameters];
    }

    @Override
    public String name() {
        return Trainer.VECTOR_F64;
    }

    @Override
    public double lossAndGradients() {
        if (train == null) {
            throw new IllegalStateException("this kernel trains on mini-batches");
        }
        return pass(train, true);
    }

    @Override
    public double lossAndGradients(int[] order, int from, int to) {
        if (batch == null) {
            throw new IllegalStateException("this kernel trains on the full batch");
        }
        batch.gather(order, from, to);
        return pass(batch, true);
    }

    @Override
    public double validationLoss() {
        if (validation == null) {
            throw new IllegalStateException("this kernel has no validation rows");
        }
        return pass(validation, false);
    }

    /** One pass over the layout's blocks: the mean loss and, with {@code backward}, the mean gradient. */
    private double pass(Layout layout, boolean backward) {
        threads.run(layout.blocks.segments, (segment, worker) -> segment(layout, backward, segment, worker));
        // fixed order: segment by segment, lane by lane
        int lossAt = parameters * LANES;
        double loss = 0;
        for (int segment = 0; segment < layout.blocks.segments; segment++) {
            double[] part = partial[segment];
            for (int lane = 0; lane < LANES; lane++) {
                loss += part[lossAt + lane];
            }
        }
        double mean = loss / layout.weightTotal;
        if (!Double.isFinite(mean) || !backward) {
            return mean;
        }
        double divisor = layout.weightTotal;
        int segments = layout.blocks.segments;
        int p = 0;
        for (; p + 4 <= parameters; p += 4) {
            sumFour(p, segments, divisor);
        }
        for (; p < parameters; p++) {
            double sum = 0;
            int at = p * LANES;
            for (int segment = 0; segment < segments; segment++) {
                double[] part = partial[segment];
                for (int lane = 0; lane < LANES; lane++) {
                    sum += part[at + lane];
                }
            }
            gradient[p] = sum / divisor;
        }
        return mean;
    }

    /**
     * gradient[p + q] for q = 0..3, each summed as above (segment by segment, lane by lane), the four sums side by
     * side so that they do not wait on one another's additions.
     */
    private void sumFour(int p, int segments, double divisor) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int at = p * LANES;
        for (int segment = 0; segment < segments; segment++) {
            double[] part = partial[segment];
            for (int lane = 0; lane < LANES; lane++) {
                s0 += part[at + lane];
                s1 += part[at + LANES + lane];
                s2 += part[at + 2 * LANES + lane];
                s3 += part[at + 3 * LANES + lane];
            }
        }
        gradient[p] = s0 / divisor;
        gradient[p + 1] = s1 / divisor;
        gradient[p + 2] = s2 / divisor;
        gradient[p + 3] = s3 / divisor;
    }

    @Override
    public double addL2(double l2) {
        double rate = l2;
        double squares = 0;
        for (int l = 0; l < layers; l++) {
            for (int i = weightOffset[l]; i < biasOffset[l]; i++) {
                squares += (double) theta[i] * theta[i];
                gradient[i] += rate * theta[i];
            }
        }
        return l2 / 2 * squares;
    }

    @Override
    public void step() {
        rule.step(theta, gradient);
    }

    @Override
    public void keepBest() {
        if (best == null) {
            best = theta.clone();
        } else {
            System.arraycopy(theta, 0, best, 0, parameters);
        }
    }

    @Override
    public void restoreBest() {
        if (best == null) {
            throw new IllegalStateException("keepBest() was never called");
        }
        System.arraycopy(best, 0, theta, 0, parameters);
    }

    @Override
    public Gradients gradients(double loss) {
        return FlatParameters.gradients(network, width, weightOffset, biasOffset, gradient, loss);
    }

    @Override
    public void writeParameters() {
        FlatParameters.write(network, width, weightOffset, biasOffset, theta);
    }

    @Override
    public void close() {
        // heap arrays only
    }

    /** The blocks of one segment, their sums added into the segment's own partial sums. */
    private void segment(Layout layout, boolean backward, int segment, int worker) {
        double[] part = partial[segment];
        Arrays.fill(part, 0.0);
        Scratch s = scratch[worker];
        for (int block = layout.blocks.firstBlock(segment); block < layout.blocks.endBlock(segment); block++) {
            block(layout, backward, block, s, part);
        }
    }

    /**
     * Forward pass and loss of one block, and with {@code backward} its backward pass; adds its loss and gradient
     * sums into {@code part}.
     */
    private void block(Layout layout, boolean backward, int block, Scratch s, double[] part) {
        int rows = layout.blocks.rowsIn(block);
        int end = (rows + LANES - 1) / LANES * LANES; // whole vectors; padded rows are zeros of weight 0
        double[] x = layout.x;
        int xAt = block * width[0] * B;
        int yAt = block * B;
        int last = layers - 1;

        // forward: a_{l+1} = f_l(a_l W_l + b_l) for the hidden layers
        double[] in = x;
        int inAt = xAt;
        for (int l = 0; l < last; l++) {
            forwardHidden(in, inAt, width[l], theta, weightOffset[l], biasOffset[l], width[l + 1], s.a[l], end);
            if (end == B) { // the units' rows are contiguous: one call for the layer
                VectorMathF64.activate(activation[l], s.a[l], 0, width[l + 1] * B);
            } else {
                for (int j = 0; j < width[l + 1]; j++) {
                    VectorMathF64.activate(activation[l], s.a[l], j * B, j * B + end);
                }
            }
            in = s.a[l];
            inAt = 0;
        }
        // output layer (one unit, or one per class): z, the objective's loss terms and delta_L
        int outputs = width[layers];
        forwardHidden(in, inAt, width[last], theta, weightOffset[last], biasOffset[last], outputs, s.delta[last], end);
        VectorMathF64.outputLoss(objective, s.delta[last], outputs, B, layout.y, block * outputs * B, layout.weight,
                yAt, end, part, parameters * LANES, s.linear, s.small, s.extra);
        if (!backward) {
            return;
        }

        // backward: dW_l += a_l^T delta_l, db_l += 1^T delta_l, delta_{l-1} = (delta_l W_l^T) * f'
        for (int l = last; l >= 0; l--) {
            double[] input = l == 0 ? x : s.a[l - 1];
            int inputAt = l == 0 ? xAt : 0;
            weightSums(input, inputAt, width[l], s.delta[l], width[l + 1], part, weightOffset[l], end);
            biasSums(s.delta[l], width[l + 1], part, biasOffset[l], end);
            if (l > 0) {
                backward(activation[l - 1], s.delta[l], width[l + 1], theta, weightOffset[l], s.a[l - 1], width[l],
                        s.delta[l - 1], end);
            }
        }
    }

    // Vectors never cross a call that C2 might not inline (it would box them, costing 10-50x): the methods below
    // take arrays, and the transcendental math lives in VectorMathF64's array functions (see there). Even a tiny
    // helper that takes a vector is a risk: an addInto(part, at, vector) here was inlined until C2's node budget
    // ran out (NodeCountInliningCutoff) inside weightSums, and from then on boxed every sum it was given, so the
    // partial sums are added in place, written out.

    /**
     * out[j] = z_j = sum_k in[k] W[k][j] + b[j], W at {@code weights[wAt..]} and b at {@code weights[bAt..]}.
     * Four units by two vectors of rows at a time: eight accumulators, and each load of an input or a weight feeds
     * two or four multiply-adds.
     */
    private static void forwardHidden(double[] in, int inAt, int nIn, double[] weights, int wAt, int bAt, int nOut,
            double[] out, int end) {
        int j = 0;
        for (; j + 4 <= nOut; j += 4) {
            int r = 0;
            for (; r + 2 * LANES <= end; r += 2 * LANES) {
                DoubleVector s0 = DoubleVector.zero(S);
                DoubleVector s1 = s0;
                DoubleVector s2 = s0;
                DoubleVector s3 = s0;
                DoubleVector t0 = s0;
                DoubleVector t1 = s0;
                DoubleVector t2 = s0;
                DoubleVector t3 = s0;
                for (int k = 0; k < nIn; k++) {
                    int at = inAt + k * B + r;
                    DoubleVector input = DoubleVector.fromArray(S, in, at);
                    DoubleVector next = DoubleVector.fromArray(S, in, at + LANES);
                    int at0 = wAt + k * nOut + j;
                    DoubleVector w0 = DoubleVector.broadcast(S, weights[at0]);
                    DoubleVector w1 = DoubleVector.broadcast(S, weights[at0 + 1]);
                    DoubleVector w2 = DoubleVector.broadcast(S, weights[at0 + 2]);
                    DoubleVector w3 = DoubleVector.broadcast(S, weights[at0 + 3]);
                    s0 = input.fma(w0, s0);
                    s1 = input.fma(w1, s1);
                    s2 = input.fma(w2, s2);
                    s3 = input.fma(w3, s3);
                    t0 = next.fma(w0, t0);
                    t1 = next.fma(w1, t1);
                    t2 = next.fma(w2, t2);
                    t3 = next.fma(w3, t3);
                }
                s0.add(weights[bAt + j]).intoArray(out, j * B + r);
                s1.add(weights[bAt + j + 1]).intoArray(out, (j + 1) * B + r);
                s2.add(weights[bAt + j + 2]).intoArray(out, (j + 2) * B + r);
                s3.add(weights[bAt + j + 3]).intoArray(out, (j + 3) * B + r);
                t0.add(weights[bAt + j]).intoArray(out, j * B + r + LANES);
                t1.add(weights[bAt + j + 1]).intoArray(out, (j + 1) * B + r + LANES);
                t2.add(weights[bAt + j + 2]).intoArray(out, (j + 2) * B + r + LANES);
                t3.add(weights[bAt + j + 3]).intoArray(out, (j + 3) * B + r + LANES);
            }
            for (int q = 0; q < 4; q++) { // an odd last vector of rows
                logits(in, inAt, nIn, weights, wAt, j + q, nOut, weights[bAt + j + q], out, (j + q) * B, r, end);
            }
        }
        for (; j < nOut; j++) {
            logits(in, inAt, nIn, weights, wAt, j, nOut, weights[bAt + j], out, j * B, 0, end);
        }
    }

    /**
     * out[outAt + r] = sum_k in[k][r] W[k][j] + b for rows [from, end), W at {@code weights[wAt..]}, accumulated
     * from zero in k order. Four
     * vectors of rows at a time: four independent chains of multiply-adds instead of one (the units of a narrow
     * layer would otherwise wait on each multiply-add's latency); every row still adds the same terms in the
     * same order.
     */
    private static void logits(double[] in, int inAt, int nIn, double[] weights, int wAt, int j, int nOut,
            double bias, double[] out, int outAt, int from, int end) {
        int r = from;
        for (; r + 4 * LANES <= end; r += 4 * LANES) {
            DoubleVector s0 = DoubleVector.zero(S);
            DoubleVector s1 = s0;
            DoubleVector s2 = s0;
            DoubleVector s3 = s0;
            for (int k = 0; k < nIn; k++) {
                int at = inAt + k * B + r;
                DoubleVector weight = DoubleVector.broadcast(S, weights[wAt + k * nOut + j]);
                s0 = DoubleVector.fromArray(S, in, at).fma(weight, s0);
                s1 = DoubleVector.fromArray(S, in, at + LANES).fma(weight, s1);
                s2 = DoubleVector.fromArray(S, in, at + 2 * LANES).fma(weight, s2);
                s3 = DoubleVector.fromArray(S, in, at + 3 * LANES).fma(weight, s3);
            }
            s0.add(bias).intoArray(out, outAt + r);
            s1.add(bias).intoArray(out, outAt + r + LANES);
            s2.add(bias).intoArray(out, outAt + r + 2 * LANES);
            s3.add(bias).intoArray(out, outAt + r + 3 * LANES);
        }
        for (; r < end; r += LANES) {
            DoubleVector sum = DoubleVector.zero(S);
            for (int k = 0; k < nIn; k++) {
                sum = DoubleVector.fromArray(S, in, inAt + k * B + r).fma(DoubleVector.broadcast(S, weights[wAt + k * nOut + j]), sum);
            }
            sum.add(bias).intoArray(out, outAt + r);
        }
    }

    /**
     * part[dW[k][j]] += sum_r in[k][r] delta[j][r]. Two inputs by four units at a time: eight accumulators, each
     * vector loaded feeding two or four multiply-adds. The units left over from the groups of four (all of them in
     * a layer narrower than four) go four inputs at a time, so that there too several independent sums proceed
     * together. Each sum runs over the rows in order from zero, whatever the grouping: the grouping changes no bit.
     */
    private static void weightSums(double[] in, int inAt, int nIn, double[] delta, int nOut, double[] part,
            int offset, int end) {
        int grouped = nOut / 4 * 4;
        int k = 0;
        for (; k + 2 <= nIn; k += 2) {
            int row = inAt + k * B;
            for (int j = 0; j < grouped; j += 4) {
                DoubleVector s0 = DoubleVector.zero(S);
                DoubleVector s1 = s0;
                DoubleVector s2 = s0;
                DoubleVector s3 = s0;
                DoubleVector t0 = s0;
                DoubleVector t1 = s0;
                DoubleVector t2 = s0;
                DoubleVector t3 = s0;
                for (int r = 0; r < end; r += LANES) {
                    DoubleVector input = DoubleVector.fromArray(S, in, row + r);
                    DoubleVector next = DoubleVector.fromArray(S, in, row + B + r);
                    DoubleVector d0 = DoubleVector.fromArray(S, delta, j * B + r);
                    DoubleVector d1 = DoubleVector.fromArray(S, delta, (j + 1) * B + r);
                    DoubleVector d2 = DoubleVector.fromArray(S, delta, (j + 2) * B + r);
                    DoubleVector d3 = DoubleVector.fromArray(S, delta, (j + 3) * B + r);
                    s0 = input.fma(d0, s0);
                    s1 = input.fma(d1, s1);
                    s2 = input.fma(d2, s2);
                    s3 = input.fma(d3, s3);
                    t0 = next.fma(d0, t0);
                    t1 = next.fma(d1, t1);
                    t2 = next.fma(d2, t2);
                    t3 = next.fma(d3, t3);
                }
                int at = (offset + k * nOut + j) * LANES;
                int nextAt = at + nOut * LANES;
                DoubleVector.fromArray(S, part, at).add(s0).intoArray(part, at);
                DoubleVector.fromArray(S, part, at + LANES).add(s1).intoArray(part, at + LANES);
                DoubleVector.fromArray(S, part, at + 2 * LANES).add(s2).intoArray(part, at + 2 * LANES);
                DoubleVector.fromArray(S, part, at + 3 * LANES).add(s3).intoArray(part, at + 3 * LANES);
                DoubleVector.fromArray(S, part, nextAt).add(t0).intoArray(part, nextAt);
                DoubleVector.fromArray(S, part, nextAt + LANES).add(t1).intoArray(part, nextAt + LANES);
                DoubleVector.fromArray(S, part, nextAt + 2 * LANES).add(t2).intoArray(part, nextAt + 2 * LANES);
                DoubleVector.fromArray(S, part, nextAt + 3 * LANES).add(t3).intoArray(part, nextAt + 3 * LANES);
            }
        }
        for (; k < nIn; k++) { // an odd last input
            for (int j = 0; j < grouped; j += 4) {
                weightSumsOfUnits(in, inAt + k * B, delta, j, part, (offset + k * nOut + j) * LANES, end);
            }
        }
        for (int j = grouped; j < nOut; j++) {
            k = 0;
            for (; k + 4 <= nIn; k += 4) {
                weightSumsOfInputs(in, inAt + k * B, delta, j, part, (offset + k * nOut + j) * LANES, nOut * LANES, end);
            }
            for (; k < nIn; k++) {
                weightSum(in, inAt + k * B, delta, j, part, (offset + k * nOut + j) * LANES, end);
            }
        }
    }

    /** part[at + q LANES ..] += sum_r in[row + r] delta[j + q][r] for q = 0..3: one input, four units. */
    private static void weightSumsOfUnits(double[] in, int row, double[] delta, int j, double[] part, int at, int end) {
        DoubleVector s0 = DoubleVector.zero(S);
        DoubleVector s1 = s0;
        DoubleVector s2 = s0;
        DoubleVector s3 = s0;
        for (int r = 0; r < end; r += LANES) {
            DoubleVector input = DoubleVector.fromArray(S, in, row + r);
            s0 = input.fma(DoubleVector.fromArray(S, delta, j * B + r), s0);
            s1 = input.fma(DoubleVector.fromArray(S, delta, (j + 1) * B + r), s1);
            s2 = input.fma(DoubleVector.fromArray(S, delta, (j + 2) * B + r), s2);
            s3 = input.fma(DoubleVector.fromArray(S, delta, (j + 3) * B + r), s3);
        }
        DoubleVector.fromArray(S, part, at).add(s0).intoArray(part, at);
        DoubleVector.fromArray(S, part, at + LANES).add(s1).intoArray(part, at + LANES);
        DoubleVector.fromArray(S, part, at + 2 * LANES).add(s2).intoArray(part, at + 2 * LANES);
        DoubleVector.fromArray(S, part, at + 3 * LANES).add(s3).intoArray(part, at + 3 * LANES);
    }

    /** part[at + q stride ..] += sum_r in[row + q B + r] delta[j][r] for q = 0..3: four inputs, one unit. */
    private static void weightSumsOfInputs(double[] in, int row, double[] delta, int j, double[] part, int at,
            int stride, int end) {
        DoubleVector s0 = DoubleVector.zero(S);
        DoubleVector s1 = s0;
        DoubleVector s2 = s0;
        DoubleVector s3 = s0;
        for (int r = 0; r < end; r += LANES) {
            DoubleVector d = DoubleVector.fromArray(S, delta, j * B + r);
            s0 = DoubleVector.fromArray(S, in, row + r).fma(d, s0);
            s1 = DoubleVector.fromArray(S, in, row + B + r).fma(d, s1);
            s2 = DoubleVector.fromArray(S, in, row + 2 * B + r).fma(d, s2);
            s3 = DoubleVector.fromArray(S, in, row + 3 * B + r).fma(d, s3);
        }
        DoubleVector.fromArray(S, part, at).add(s0).intoArray(part, at);
        DoubleVector.fromArray(S, part, at + stride).add(s1).intoArray(part, at + stride);
        DoubleVector.fromArray(S, part, at + 2 * stride).add(s2).intoArray(part, at + 2 * stride);
        DoubleVector.fromArray(S, part, at + 3 * stride).add(s3).intoArray(part, at + 3 * stride);
    }

    /** part[at..] += sum_r in[row + r] delta[j][r], lane by lane. */
    private static void weightSum(double[] in, int row, double[] delta, int j, double[] part, int at, int end) {
        DoubleVector sum = DoubleVector.zero(S);
        for (int r = 0; r < end; r += LANES) {
            sum = DoubleVector.fromArray(S, in, row + r).fma(DoubleVector.fromArray(S, delta, j * B + r), sum);
        }
        DoubleVector.fromArray(S, part, at).add(sum).intoArray(part, at);
    }

    /** part[db[j]] += sum_r delta[j][r], in row order; units two at a time, so that two sums proceed together. */
    private static void biasSums(double[] delta, int nOut, double[] part, int offset, int end) {
        int j = 0;
        for (; j + 2 <= nOut; j += 2) {
            DoubleVector s0 = DoubleVector.zero(S);
            DoubleVector s1 = s0;
            for (int r = 0; r < end; r += LANES) {
                s0 = s0.add(DoubleVector.fromArray(S, delta, j * B + r));
                s1 = s1.add(DoubleVector.fromArray(S, delta, (j + 1) * B + r));
            }
            DoubleVector.fromArray(S, part, (offset + j) * LANES).add(s0).intoArray(part, (offset + j) * LANES);
            DoubleVector.fromArray(S, part, (offset + j + 1) * LANES).add(s1).intoArray(part, (offset + j + 1) * LANES);
        }
        for (; j < nOut; j++) {
            DoubleVector sum = DoubleVector.zero(S);
            for (int r = 0; r < end; r += LANES) {
                sum = sum.add(DoubleVector.fromArray(S, delta, j * B + r));
            }
            DoubleVector.fromArray(S, part, (offset + j) * LANES).add(sum).intoArray(part, (offset + j) * LANES);
        }
    }

    /**
     * delta_{l-1} = (delta_l W_l^T) * f'(z_{l-1}) into {@code previous}, from a = a_{l-1}, which has fed its gradient
     * and is overwritten. For the sigmoid the slope a (1 - a) is computed inside the recurrence
     * ({@link #backpropagateSigmoid}): the article's path, which a separate pass over a slowed by 2% (measured);
     * every other activation first turns a into its slope in place (VectorMathF64.slopeInPlace) and the recurrence
     * multiplies by it. Both give the same bits for the sigmoid (VectorKernelTest).
     */
    private static void backward(Activation f, double[] delta, int nOut, double[] weights, int w, double[] a, int nIn,
            double[] previous, int end) {
        if (f == Activation.SIGMOID) {
            backpropagateSigmoid(delta, nOut, weights, w, a, nIn, previous, end);
            return;
        }
        if (end == B) { // the units' rows are contiguous: one call for the layer
            VectorMathF64.slopeInPlace(f, a, 0, nIn * B);
        } else {
            for (int k = 0; k < nIn; k++) {
                VectorMathF64.slopeInPlace(f, a, k * B, k * B + end);
            }
        }
        backpropagate(delta, nOut, weights, w, a, nIn, previous, end);
    }

    /** {@link #backpropagate} with the sigmoid's slope a (1 - a) of {@code a} in place of a slope array. */
    static void backpropagateSigmoid(double[] delta, int nOut, double[] weights, int w, double[] a, int nIn,
            double[] previous, int end) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        int k = 0;
        for (; k + 4 <= nIn; k += 4) {
            int wAt = w + k * nOut;
            for (int r = 0; r < end; r += LANES) {
                DoubleVector s0 = DoubleVector.zero(S);
                DoubleVector s1 = s0;
                DoubleVector s2 = s0;
                DoubleVector s3 = s0;
                for (int j = 0; j < nOut; j++) {
                    DoubleVector d = DoubleVector.fromArray(S, delta, j * B + r);
                    s0 = d.fma(DoubleVector.broadcast(S, weights[wAt + j]), s0);
                    s1 = d.fma(DoubleVector.broadcast(S, weights[wAt + nOut + j]), s1);
                    s2 = d.fma(DoubleVector.broadcast(S, weights[wAt + 2 * nOut + j]), s2);
                    s3 = d.fma(DoubleVector.broadcast(S, weights[wAt + 3 * nOut + j]), s3);
                }
                DoubleVector a0 = DoubleVector.fromArray(S, a, k * B + r);
                s0.mul(a0.mul(one.sub(a0))).intoArray(previous, k * B + r);
                DoubleVector a1 = DoubleVector.fromArray(S, a, (k + 1) * B + r);
                s1.mul(a1.mul(one.sub(a1))).intoArray(previous, (k + 1) * B + r);
                DoubleVector a2 = DoubleVector.fromArray(S, a, (k + 2) * B + r);
                s2.mul(a2.mul(one.sub(a2))).intoArray(previous, (k + 2) * B + r);
                DoubleVector a3 = DoubleVector.fromArray(S, a, (k + 3) * B + r);
                s3.mul(a3.mul(one.sub(a3))).intoArray(previous, (k + 3) * B + r);
            }
        }
        for (; k < nIn; k++) {
            int wAt = w + k * nOut;
            for (int r = 0; r < end; r += LANES) {
                DoubleVector sum = DoubleVector.zero(S);
                for (int j = 0; j < nOut; j++) {
                    sum = DoubleVector.fromArray(S, delta, j * B + r).fma(DoubleVector.broadcast(S, weights[wAt + j]), sum);
                }
                DoubleVector activation = DoubleVector.fromArray(S, a, k * B + r);
                sum.mul(activation.mul(one.sub(activation))).intoArray(previous, k * B + r);
            }
        }
    }

    /**
     * previous[k][r] = (sum_j delta[j][r] W[k][j]) * slope[k][r], W at {@code weights[w..]}, four inputs k at a time
     * (four independent sums over j, each in j order from zero).
     */
    static void backpropagate(double[] delta, int nOut, double[] weights, int w, double[] slope, int nIn,
            double[] previous, int end) {
        int k = 0;
        for (; k + 4 <= nIn; k += 4) {
            int wAt = w + k * nOut;
            for (int r = 0; r < end; r += LANES) {
                DoubleVector s0 = DoubleVector.zero(S);
                DoubleVector s1 = s0;
                DoubleVector s2 = s0;
                DoubleVector s3 = s0;
                for (int j = 0; j < nOut; j++) {
                    DoubleVector d = DoubleVector.fromArray(S, delta, j * B + r);
                    s0 = d.fma(DoubleVector.broadcast(S, weights[wAt + j]), s0);
                    s1 = d.fma(DoubleVector.broadcast(S, weights[wAt + nOut + j]), s1);
                    s2 = d.fma(DoubleVector.broadcast(S, weights[wAt + 2 * nOut + j]), s2);
                    s3 = d.fma(DoubleVector.broadcast(S, weights[wAt + 3 * nOut + j]), s3);
                }
                s0.mul(DoubleVector.fromArray(S, slope, k * B + r)).intoArray(previous, k * B + r);
                s1.mul(DoubleVector.fromArray(S, slope, (k + 1) * B + r)).intoArray(previous, (k + 1) * B + r);
                s2.mul(DoubleVector.fromArray(S, slope, (k + 2) * B + r)).intoArray(previous, (k + 2) * B + r);
                s3.mul(DoubleVector.fromArray(S, slope, (k + 3) * B + r)).intoArray(previous, (k + 3) * B + r);
            }
        }
        for (; k < nIn; k++) {
            int wAt = w + k * nOut;
            for (int r = 0; r < end; r += LANES) {
                DoubleVector sum = DoubleVector.zero(S);
                for (int j = 0; j < nOut; j++) {
                    sum = DoubleVector.fromArray(S, delta, j * B + r).fma(DoubleVector.broadcast(S, weights[wAt + j]), sum);
                }
                sum.mul(DoubleVector.fromArray(S, slope, k * B + r)).intoArray(previous, k * B + r);
            }
        }
    }

    /**
     * Rows laid out for the passes: blocks of B rows, each feature-major ({@code x[(block * inputs + k) * B + r]}),
     * their labels output-major likewise ({@code y[(block * outputs + j) * B + r]}) and weights beside
     * ({@code weight[block * B + r]}); rows past the last are zeros of weight 0.
     */
    private final class Layout {
        /** The blocks of the rows held now; a batch layout holds fewer rows than it has room for at an epoch's end. */
        RowBlocks blocks;
        private final RowBlocks capacity;
        final double[] x;
        final double[] y;
        final double[] weight;
        /** The sum of the rows' weights: the N that sums over rows are divided by. */
        double weightTotal;

        Layout(int rows) {
            this.capacity = new RowBlocks(rows);
            this.blocks = capacity;
            this.x = new double[Math.multiplyExact(Math.multiplyExact(capacity.blocks, width[0]), B)];
            this.y = new double[Math.multiplyExact(capacity.blocks * B, width[layers])];
            this.weight = new double[capacity.blocks * B];
        }

        /** Copies every row of the given rows (x in any order of storage), with their weights. */
        void copy(Rows source) {
            INDArray features = source.x();
            int inputs = width[0];
            INDArray rowMajor = NdArrays.isPlainRowMajor(features) ? features : features.dup('c');
            try {
                // a view of the array's native memory: no call into ND4J per value
                DoubleBuffer data = rowMajor.data().asNioDouble();
                if (inputs <= COPY_INPUTS) {
                    // row by row: a row writes into as many cache lines as it has inputs, few enough here
                    for (int r = 0; r < blocks.rows; r++) {
                        int block = r / B;
                        int row = r % B;
                        int from = r * inputs; // within the kernel's cap on values (Kernels.MAX_VECTOR_VALUES)
                        int to = block * inputs * B + row;
                        for (int k = 0; k < inputs; k++) {
                            x[to + k * B] = data.get(from + k);
                        }
                    }
                } else {
                    copyTransposed(data, inputs);
                }
            } finally {
                if (rowMajor != features) {
                    rowMajor.close();
                }
            }
            double[] labelValues = NdArrays.toDoubles(source.y());
            int outputs = width[layers];
            for (int r = 0; r < blocks.rows; r++) {
                int at = (r / B * outputs) * B + r % B;
                for (int j = 0; j < outputs; j++) {
                    y[at + j * B] = labelValues[r * outputs + j];
                }
                weight[r] = 1.0;
            }
            weightTotal = blocks.rows;
            if (source.weights() != null) {
                weigh(source.weights());
            }
        }

        /**
         * The copy for rows of many inputs, as a transpose a block of rows and {@link #COPY_INPUTS} inputs at a
         * time: each row's inputs read in one bulk get into a tile, each input's run of rows then written in order
         * from it. Row by row, each row wrote into as many cache lines as it has inputs: 33 ms for 4096 rows of 1000
         * (9 ms an epoch of a [16] network on them); a one-epoch training of that shape took 42 ms then, 21-26 now.
         */
        private void copyTransposed(DoubleBuffer data, int inputs) {
            double[] tile = new double[B * COPY_INPUTS];
            for (int r0 = 0; r0 < blocks.rows; r0 += B) {
                int rows = Math.min(B, blocks.rows - r0);
                int blockAt = r0 / B * inputs * B; // within the kernel's cap on values (Kernels.MAX_VECTOR_VALUES)
                for (int k0 = 0; k0 < inputs; k0 += COPY_INPUTS) {
                    int count = Math.min(COPY_INPUTS, inputs - k0);
                    for (int row = 0; row < rows; row++) {
                        data.get((r0 + row) * inputs + k0, tile, row * count, count);
                    }
                    for (int k = 0; k < count; k++) {
                        int to = blockAt + (k0 + k) * B;
                        for (int row = 0; row < rows; row++) {
                            x[to + row] = tile[row * count + k];
                        }
                    }
                }
            }
        }

        /** Gives row r the weight weights[r], and the total their sum in row order. */
        private void weigh(double[] weights) {
            double total = 0;
            for (int r = 0; r < blocks.rows; r++) {
                weight[r] = weights[r];
                total += weights[r];
            }
            weightTotal = total;
        }

        /**
         * Copies training rows order[from..to) into the first rows of these blocks, and zeros (of weight 0) after
         * them up to the end of the last vector of rows, the only padding a pass reads.
         */
        void gather(int[] order, int from, int to) {
            int count = to - from;
            blocks = count == capacity.rows ? capacity : new RowBlocks(count);
            int inputs = width[0];
            int outputs = width[layers];
            for (int i = 0; i < count; i++) {
                int row = order[from + i];
                int to0 = i / B * inputs * B + i % B;
                int from0 = row * inputs;
                for (int k = 0; k < inputs; k++) {
                    x[to0 + k * B] = rows[from0 + k];
                }
                int at = (i / B * outputs) * B + i % B;
                for (int j = 0; j < outputs; j++) {
                    y[at + j * B] = labels[row * outputs + j];
                }
                weight[i] = rowWeights == null ? 1.0 : rowWeights[row];
            }
            int end = (count + LANES - 1) / LANES * LANES;
            for (int i = count; i < end; i++) {
                int to0 = i / B * inputs * B + i % B;
                for (int k = 0; k < inputs; k++) {
                    x[to0 + k * B] = 0;
                }
                int at = (i / B * outputs) * B + i % B;
                for (int j = 0; j < outputs; j++) {
                    y[at + j * B] = 0;
                }
                weight[i] = 0;
            }
            if (rowWeights == null) {
                weightTotal = count;
            } else {
                double total = 0;
                for (int i = 0; i < count; i++) {
                    total += weight[i];
                }
                weightTotal = total;
            }
        }
    }

    /** One thread's activations and deltas for one block, feature-major like x. */
    private final class Scratch {
        final double[][] a = new double[layers - 1][];
        final double[][] delta = new double[layers][];
        final double[] linear = new double[B];
        final double[] small = new double[B];
        final double[] extra = new double[B];

        Scratch() {
            for (int l = 0; l < layers; l++) {
                if (l < layers - 1) {
                    a[l] = new double[width[l + 1] * B];
                }
                delta[l] = new double[width[l + 1] * B];
            }
        }
    }
}
