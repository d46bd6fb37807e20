package io.netforge.compute;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The article's forward and backward passes for small networks in float64, as one cache-blocked Java kernel
 * on the Vector API (VectorKernelF32 is the same source for float32).
 *
 * <p>Why: on the article's shapes (4000 x 20, [8, 3]) each ND4J call costs more in fixed overhead than its
 * arithmetic, and ND4J needs some twenty calls per iteration. Here one iteration is one pass over row blocks
 * ({@link RowBlocks}): each block runs the forward pass, the loss, the backward recurrence and its share of the
 * gradient sums while its activations are in L1/L2, and blocks are spread over threads by
 * {@link ParallelSegments}.
 *
 * <p>Layout: features are copied once, at construction, into blocks stored feature-major ({@code x[k][r]} for
 * the block's rows r), so that a vector holds one feature or unit of {@code LANES} consecutive rows and every
 * loop runs along rows. Rows past N in the last block are zero and carry a mask of 0, so they add exact zeros
 * to every sum. Weights are kept here, in Java arrays, for the whole run and written back at the end.
 *
 * <p>Arithmetic: the same formulas as {@link Backprop} in the same order within each term
 * ({@code 1/(1+exp(-z))}, {@code delta W^T * (a(1-a))}, {@code theta -= lr * (sum / N)}); only the order in
 * which sums over rows are added differs (lanes, then blocks, then segments), which is fixed.
 */
final class VectorKernelF64 implements TrainingKernel {

    private static final VectorSpecies<Double> S = VectorMathF64.SPECIES;
    private static final int LANES = S.length();
    private static final int B = RowBlocks.ROWS_PER_BLOCK;

    private final Network network;
    private final RowBlocks blocks;
    private final ParallelSegments threads;
    private final int layers;
    private final int[] width;
    /** w[l]: layer l's weights, n_in x n_out row-major; b[l] its biases. */
    private final double[][] w;
    private final double[][] b;
    /** Offsets of layer l's dW and db in the gradient vector (one sum per parameter). */
    private final int[] weightOffset;
    private final int[] biasOffset;
    private final int parameters;
    /** Features, block after block, each block feature-major: x[(block * inputs + k) * B + r]. */
    private final double[] x;
    private final double[] y;
    /** 1 for a row of data, 0 for padding past N. */
    private final double[] mask;
    /** partial[segment]: per parameter, then the loss, LANES partial sums each. */
    private final double[][] partial;
    private final Scratch[] scratch;
    private final double[] gradient;

    /**
     * Takes x (N x inputs) and y (N x 1), float64, checked by the caller; copies them. The network is read now
     * and written by {@link #writeParameters()}.
     */
    VectorKernelF64(Network network, INDArray features, INDArray labels, int helpers) {
        this.network = network;
        this.blocks = new RowBlocks(Math.toIntExact(features.rows()));
        this.threads = new ParallelSegments(helpers);
        this.layers = network.layerCount();
        this.width = network.layerSizes().stream().mapToInt(Integer::intValue).toArray();
        this.w = new double[layers][];
        this.b = new double[layers][];
        this.weightOffset = new int[layers];
        this.biasOffset = new int[layers];
        int offset = 0;
        for (int l = 0; l < layers; l++) {
            w[l] = network.weightsData(l);
            b[l] = network.biasData(l);
            weightOffset[l] = offset;
            offset += w[l].length;
            biasOffset[l] = offset;
            offset += b[l].length;
        }
        this.parameters = offset;
        this.x = new double[Math.multiplyExact(Math.multiplyExact(blocks.blocks, width[0]), B)];
        this.y = new double[blocks.blocks * B];
        this.mask = new double[blocks.blocks * B];
        copyData(features, labels);
        this.partial = new double[blocks.segments][(parameters + 1) * LANES];
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
        threads.run(blocks.segments, this::segment);
        // fixed order: segment by segment, lane by lane
        int lossAt = parameters * LANES;
        double loss = 0;
        for (double[] part : partial) {
            for (int lane = 0; lane < LANES; lane++) {
                loss += part[lossAt + lane];
            }
        }
        double mean = loss / blocks.rows;
        if (!Double.isFinite(mean)) {
            return mean;
        }
        int p = 0;
        for (; p + 4 <= parameters; p += 4) {
            sumFour(p);
        }
        for (; p < parameters; p++) {
            double sum = 0;
            int at = p * LANES;
            for (double[] part : partial) {
                for (int lane = 0; lane < LANES; lane++) {
                    sum += part[at + lane];
                }
            }
            gradient[p] = sum / blocks.rows;
        }
        return mean;
    }

    /**
     * gradient[p + q] for q = 0..3, each summed as above (segment by segment, lane by lane), the four sums side by
     * side so that they do not wait on one another's additions.
     */
    private void sumFour(int p) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int at = p * LANES;
        for (double[] part : partial) {
            for (int lane = 0; lane < LANES; lane++) {
                s0 += part[at + lane];
                s1 += part[at + LANES + lane];
                s2 += part[at + 2 * LANES + lane];
                s3 += part[at + 3 * LANES + lane];
            }
        }
        gradient[p] = s0 / blocks.rows;
        gradient[p + 1] = s1 / blocks.rows;
        gradient[p + 2] = s2 / blocks.rows;
        gradient[p + 3] = s3 / blocks.rows;
    }

    @Override
    public void step(double learningRate) {
        for (int l = 0; l < layers; l++) {
            update(w[l], weightOffset[l], learningRate);
            update(b[l], biasOffset[l], learningRate);
        }
    }

    private void update(double[] theta, int offset, double learningRate) {
        for (int i = 0; i < theta.length; i++) {
            theta[i] -= learningRate * gradient[offset + i];
        }
    }

    @Override
    public Gradients gradients(double loss) {
        List<INDArray> weights = new ArrayList<>();
        List<INDArray> biases = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            weights.add(NdArrays.matrix(Arrays.copyOfRange(gradient, weightOffset[l], weightOffset[l] + w[l].length),
                    width[l], width[l + 1], network.precision().dataType()));
            biases.add(NdArrays.matrix(Arrays.copyOfRange(gradient, biasOffset[l], biasOffset[l] + b[l].length),
                    1, width[l + 1], network.precision().dataType()));
        }
        return new Gradients(weights, biases, loss);
    }

    @Override
    public void writeParameters() {
        for (int l = 0; l < layers; l++) {
            network.weights(l).data().setData(w[l]);
            network.bias(l).data().setData(b[l]);
        }
    }

    @Override
    public void close() {
        // heap arrays only
    }

    /** The blocks of one segment, their sums added into the segment's own partial sums. */
    private void segment(int segment, int worker) {
        double[] part = partial[segment];
        Arrays.fill(part, 0.0);
        Scratch s = scratch[worker];
        for (int block = blocks.firstBlock(segment); block < blocks.endBlock(segment); block++) {
            block(block, s, part);
        }
    }

    /** Forward pass, loss and backward pass of one block; adds its gradient and loss sums into {@code part}. */
    private void block(int block, Scratch s, double[] part) {
        int rows = blocks.rowsIn(block);
        int end = (rows + LANES - 1) / LANES * LANES; // whole vectors; padded rows are zeros with mask 0
        int xAt = block * width[0] * B;
        int yAt = block * B;
        int last = layers - 1;

        // forward: a_{l+1} = sigmoid(a_l W_l + b_l) for the hidden layers
        double[] in = x;
        int inAt = xAt;
        for (int l = 0; l < last; l++) {
            forwardHidden(in, inAt, width[l], w[l], b[l], width[l + 1], s.a[l], end);
            in = s.a[l];
            inAt = 0;
        }
        // output layer (one unit): z, the loss terms and delta_L = a_L - y
        forwardOutput(in, inAt, width[last], w[last], b[last][0], yAt, s.delta[last], end, part, s);

        // backward: dW_l += a_l^T delta_l, db_l += 1^T delta_l, delta_{l-1} = (delta_l W_l^T) * a(1-a)
        for (int l = last; l >= 0; l--) {
            double[] input = l == 0 ? x : s.a[l - 1];
            int inputAt = l == 0 ? xAt : 0;
            weightSums(input, inputAt, width[l], s.delta[l], width[l + 1], part, weightOffset[l], end);
            biasSums(s.delta[l], width[l + 1], part, biasOffset[l], end);
            if (l > 0) {
                backpropagate(s.delta[l], width[l + 1], w[l], s.a[l - 1], width[l], s.delta[l - 1], end);
            }
        }
    }

    // Vectors never cross a call that C2 might not inline (it would box them, costing 10-50x): the methods below
    // take arrays, and the transcendental math lives in VectorMathF64's array functions (see there).

    /**
     * out[j] = sigmoid(sum_k in[k] W[k][j] + b[j]). Four units by two vectors of rows at a time: eight
     * accumulators, and each load of an input or a weight feeds two or four multiply-adds.
     */
    private static void forwardHidden(double[] in, int inAt, int nIn, double[] weights, double[] bias, int nOut,
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
                    int wAt = k * nOut + j;
                    DoubleVector w0 = DoubleVector.broadcast(S, weights[wAt]);
                    DoubleVector w1 = DoubleVector.broadcast(S, weights[wAt + 1]);
                    DoubleVector w2 = DoubleVector.broadcast(S, weights[wAt + 2]);
                    DoubleVector w3 = DoubleVector.broadcast(S, weights[wAt + 3]);
                    s0 = input.fma(w0, s0);
                    s1 = input.fma(w1, s1);
                    s2 = input.fma(w2, s2);
                    s3 = input.fma(w3, s3);
                    t0 = next.fma(w0, t0);
                    t1 = next.fma(w1, t1);
                    t2 = next.fma(w2, t2);
                    t3 = next.fma(w3, t3);
                }
                s0.add(bias[j]).intoArray(out, j * B + r);
                s1.add(bias[j + 1]).intoArray(out, (j + 1) * B + r);
                s2.add(bias[j + 2]).intoArray(out, (j + 2) * B + r);
                s3.add(bias[j + 3]).intoArray(out, (j + 3) * B + r);
                t0.add(bias[j]).intoArray(out, j * B + r + LANES);
                t1.add(bias[j + 1]).intoArray(out, (j + 1) * B + r + LANES);
                t2.add(bias[j + 2]).intoArray(out, (j + 2) * B + r + LANES);
                t3.add(bias[j + 3]).intoArray(out, (j + 3) * B + r + LANES);
            }
            for (int q = 0; q < 4; q++) { // an odd last vector of rows
                logits(in, inAt, nIn, weights, j + q, nOut, bias[j + q], out, (j + q) * B, r, end);
            }
        }
        for (; j < nOut; j++) {
            logits(in, inAt, nIn, weights, j, nOut, bias[j], out, j * B, 0, end);
        }
        for (j = 0; j < nOut; j++) {
            VectorMathF64.sigmoidInPlace(out, j * B, j * B + end);
        }
    }

    /**
     * out[outAt + r] = sum_k in[k][r] W[k][j] + b for rows [from, end), accumulated from zero in k order. Four
     * vectors of rows at a time: four independent chains of multiply-adds instead of one (the units of a narrow
     * layer would otherwise wait on each multiply-add's latency); every row still adds the same terms in the
     * same order.
     */
    private static void logits(double[] in, int inAt, int nIn, double[] weights, int j, int nOut, double bias,
            double[] out, int outAt, int from, int end) {
        int r = from;
        for (; r + 4 * LANES <= end; r += 4 * LANES) {
            DoubleVector s0 = DoubleVector.zero(S);
            DoubleVector s1 = s0;
            DoubleVector s2 = s0;
            DoubleVector s3 = s0;
            for (int k = 0; k < nIn; k++) {
                int at = inAt + k * B + r;
                DoubleVector weight = DoubleVector.broadcast(S, weights[k * nOut + j]);
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
                sum = DoubleVector.fromArray(S, in, inAt + k * B + r).fma(DoubleVector.broadcast(S, weights[k * nOut + j]), sum);
            }
            sum.add(bias).intoArray(out, outAt + r);
        }
    }

    /**
     * The output unit: z = a W + b, the loss terms max(z,0) - z y + log1p(exp(-|z|)) of Backprop's stable
     * formula, and delta_L = sigmoid(z) - y, both zero on padded rows.
     */
    private void forwardOutput(double[] in, int inAt, int nIn, double[] weights, double bias, int yAt, double[] delta,
            int end, double[] part, Scratch s) {
        logits(in, inAt, nIn, weights, 0, 1, bias, delta, 0, 0, end);
        VectorMathF64.lossTermParts(delta, y, yAt, end, s.linear, s.small);
        VectorMathF64.addLossTerms(s.linear, s.small, mask, yAt, end, part, parameters * LANES);
        outputDelta(delta, y, mask, yAt, end);
    }

    /** Turns the logits z in {@code delta} into delta_L = (sigmoid(z) - y), 0 on padded rows. */
    private static void outputDelta(double[] delta, double[] y, double[] mask, int yAt, int end) {
        VectorMathF64.sigmoidInPlace(delta, 0, end);
        for (int r = 0; r < end; r += LANES) {
            DoubleVector.fromArray(S, delta, r).sub(DoubleVector.fromArray(S, y, yAt + r))
                    .mul(DoubleVector.fromArray(S, mask, yAt + r)).intoArray(delta, r);
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
                addInto(part, at, s0);
                addInto(part, at + LANES, s1);
                addInto(part, at + 2 * LANES, s2);
                addInto(part, at + 3 * LANES, s3);
                addInto(part, nextAt, t0);
                addInto(part, nextAt + LANES, t1);
                addInto(part, nextAt + 2 * LANES, t2);
                addInto(part, nextAt + 3 * LANES, t3);
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
        addInto(part, at, s0);
        addInto(part, at + LANES, s1);
        addInto(part, at + 2 * LANES, s2);
        addInto(part, at + 3 * LANES, s3);
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
        addInto(part, at, s0);
        addInto(part, at + stride, s1);
        addInto(part, at + 2 * stride, s2);
        addInto(part, at + 3 * stride, s3);
    }

    /** part[at..] += sum_r in[row + r] delta[j][r], lane by lane. */
    private static void weightSum(double[] in, int row, double[] delta, int j, double[] part, int at, int end) {
        DoubleVector sum = DoubleVector.zero(S);
        for (int r = 0; r < end; r += LANES) {
            sum = DoubleVector.fromArray(S, in, row + r).fma(DoubleVector.fromArray(S, delta, j * B + r), sum);
        }
        addInto(part, at, sum);
    }

    private static void addInto(double[] part, int at, DoubleVector sum) {
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
            addInto(part, (offset + j) * LANES, s0);
            addInto(part, (offset + j + 1) * LANES, s1);
        }
        for (; j < nOut; j++) {
            DoubleVector sum = DoubleVector.zero(S);
            for (int r = 0; r < end; r += LANES) {
                sum = sum.add(DoubleVector.fromArray(S, delta, j * B + r));
            }
            addInto(part, (offset + j) * LANES, sum);
        }
    }

    /**
     * previous[k][r] = (sum_j delta[j][r] W[k][j]) * (a[k][r] (1 - a[k][r])), four inputs k at a time (four
     * independent sums over j, each in j order from zero).
     */
    private static void backpropagate(double[] delta, int nOut, double[] weights, double[] a, int nIn,
            double[] previous, int end) {
        DoubleVector one = DoubleVector.broadcast(S, 1.0);
        int k = 0;
        for (; k + 4 <= nIn; k += 4) {
            int wAt = k * nOut;
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
            int wAt = k * nOut;
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

    private void copyData(INDArray features, INDArray labels) {
        int inputs = width[0];
        INDArray rowMajor = NdArrays.isPlainRowMajor(features) ? features : features.dup('c');
        try {
            DataBuffer data = rowMajor.data();
            for (int r = 0; r < blocks.rows; r++) {
                int block = r / B;
                int row = r % B;
                long from = (long) r * inputs;
                int to = block * inputs * B + row;
                for (int k = 0; k < inputs; k++) {
                    x[to + k * B] = data.getDouble(from + k);
                }
            }
        } finally {
            if (rowMajor != features) {
                rowMajor.close();
            }
        }
        double[] labelValues = NdArrays.toDoubles(labels);
        for (int r = 0; r < blocks.rows; r++) {
            y[r] = labelValues[r];
            mask[r] = 1.0;
        }
    }

    /** One thread's activations and deltas for one block, feature-major like x. */
    private final class Scratch {
        final double[][] a = new double[layers - 1][];
        final double[][] delta = new double[layers][];
        final double[] linear = new double[B];
        final double[] small = new double[B];

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
