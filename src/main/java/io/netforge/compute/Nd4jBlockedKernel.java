package io.netforge.compute;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The forward and backward passes of {@link Backprop} on ND4J for large networks, over chunks of rows
 * ({@link #chunkRows}): each chunk's forward pass, loss and backward pass run on buffers of the chunk's size, and
 * its gradient is added to the sums of the chunks before it (a gemm with beta = 1).
 *
 * <p>Why chunks: {@link Backprop.Pass} keeps z, a and delta of every layer for all N rows (three N x width
 * arrays per layer, 100 MB each on the large benchmark), so its memory is several times the data. Here only one
 * chunk's activations exist (at most {@link #CHUNK_BYTES}), in place where the algebra allows: a hidden layer's
 * activation overwrites its z, and the backward pass folds the slope into delta without a buffer of its own.
 * The chunk size is fixed, so the order of every sum, and hence every bit, is the same whatever the load or thread
 * count. The gradient is the batch's whole one.
 *
 * <p>A full-batch run passes over the training rows where they are. A mini-batch run copies each batch's rows
 * into a buffer of the batch size (a few row copies, next to the matrix products of a large network) and passes
 * over that; the last, smaller batch of an epoch has buffers of its own size. The validation rows of early stopping
 * get a forward-only pass of their own. With row weights (class weights), each row's loss term and output delta
 * are multiplied by its weight and the sums divided by the weights' total; without, the operations are exactly
 * the unweighted ones.
 */
final class Nd4jBlockedKernel implements TrainingKernel {

    /**
     * Memory for one chunk's activations and deltas. Each ND4J call is a parallel region of two threads, and on a
     * machine shared with other work a region waits for whichever of its threads the OS has parked; so chunks are
     * as large as this budget allows (fewer calls), not cache-sized: measured on the large benchmark, 4096-row
     * chunks ran 2x slower than one chunk under load, 32768-row chunks 1.35x.
     */
    static final long CHUNK_BYTES = 128L << 20;
    static final int MIN_CHUNK_ROWS = 4096;

    /** Rows per chunk for a network of these layer sizes and precision: the shape alone decides. */
    static int chunkRows(List<Integer> sizes, Precision precision) {
        long units = sizes.subList(1, sizes.size()).stream().mapToLong(Integer::longValue).sum();
        long bytesPerRow = 2 * units * (precision == Precision.FLOAT64 ? 8 : 4); // a and delta
        long rows = CHUNK_BYTES / bytesPerRow / 256 * 256;
        return (int) Math.max(MIN_CHUNK_ROWS, Math.min(rows, 1 << 20));
    }

    /**
     * ND4J calls between two requests for a garbage collection. Each call leaves about 1 KB of native memory that
     * is freed only when the garbage collector reclaims the call's small Java objects; they are too small to
     * prompt a collection soon, so a long run on this path grew by 1 GB over 20000 article-sized iterations.
     * Asking every 8192 calls (about 250 such iterations, a pause of tens of milliseconds) keeps it flat within
     * a sawtooth of about 10%; a large network's 20 iterations make a few thousand calls and ask once at most.
     * -XX:+ExplicitGCInvokesConcurrent turns the pause into a concurrent G1 cycle where that matters.
     */
    static final int CALLS_PER_COLLECTION = 1 << 13;

    private final Network network;
    private final Architecture architecture;
    private final UpdateRule rule;
    private final int layers;
    private final int chunkRows;
    private long callsSinceCollection;
    private final List<INDArray> owned = new ArrayList<>();
    private final List<Buffers> buffers = new ArrayList<>();
    private final INDArray[] dW;
    private final INDArray[] db;
    /** W_0, b_0, W_1, ... of the network and dW_0, db_0, ... in the same order, for the update rule. */
    private final List<INDArray> parameters = new ArrayList<>();
    private final List<INDArray> gradients = new ArrayList<>();
    /** Full batch: the training rows where they are. */
    private Pass train;
    /** Mini-batches: the training rows to copy batches from, the batch buffers and their passes. */
    private Rows source;
    private INDArray batchX;
    private INDArray batchY;
    private INDArray batchW;
    private Pass batch;
    private Pass lastBatch;
    private Pass validation;
    private INDArray[] best;
    private INDArray squares;

    /**
     * @param train      the training rows (x N x inputs, y N x 1, of the network's data type), kept by the caller
     * @param validation rows to report {@link #validationLoss()} on, or null
     * @param batchSize  rows per mini-batch; 0 (or N or more) for full batch
     */
    Nd4jBlockedKernel(Network network, Rows train, Rows validation, int batchSize, UpdateRule rule) {
        this.network = network;
        this.architecture = network.architecture();
        this.rule = rule;
        this.layers = network.layerCount();
        this.dW = new INDArray[layers];
        this.db = new INDArray[layers];
        this.chunkRows = chunkRows(network.layerSizes(), network.precision());
        try {
            DataType type = network.precision().dataType();
            List<Integer> sizes = network.layerSizes();
            for (int l = 0; l < layers; l++) {
                dW[l] = own(Nd4j.create(type, sizes.get(l), sizes.get(l + 1)));
                db[l] = own(Nd4j.create(type, 1, sizes.get(l + 1)));
                parameters.add(network.weights(l));
                parameters.add(network.bias(l));
                gradients.add(dW[l]);
                gradients.add(db[l]);
            }
            Rows plain = plain(train);
            long rows = plain.x().rows();
            if (batchSize <= 0 || batchSize >= rows) {
                this.train = new Pass(plain.x(), plain.y(), column(plain.weights()));
            } else {
                this.source = plain;
                batchX = own(Nd4j.create(type, batchSize, plain.x().columns()));
                batchY = own(Nd4j.create(type, batchSize, plain.y().columns()));
                batchW = plain.weights() == null ? null : own(Nd4j.create(type, batchSize, 1));
                batch = new Pass(batchX, batchY, batchW);
                int last = (int) (rows % batchSize);
                if (last > 0) {
                    lastBatch = new Pass(firstRows(batchX, last), firstRows(batchY, last),
                            batchW == null ? null : firstRows(batchW, last));
                }
            }
            if (validation != null) {
                Rows plainValidation = plain(validation);
                this.validation = new Pass(plainValidation.x(), plainValidation.y(), column(plainValidation.weights()));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public String name() {
        return Trainer.ND4J;
    }

    @Override
    public double lossAndGradients() {
        if (train == null) {
            throw new IllegalStateException("this kernel trains on mini-batches");
        }
        return train.lossAndGradients();
    }

    @Override
    public double lossAndGradients(int[] order, int from, int to) {
        if (batch == null) {
            throw new IllegalStateException("this kernel trains on the full batch");
        }
        Pass pass = to - from == batchX.rows() ? batch : lastBatch;
        if (pass == null || to - from != pass.rows) {
            throw new IllegalArgumentException("a batch of " + (to - from) + " rows; this kernel's batches have "
                    + batchX.rows() + (lastBatch == null ? "" : " or " + lastBatch.rows) + " rows");
        }
        gather(order, from, to);
        return pass.lossAndGradients();
    }

    /** Copies training rows order[from..to) into the first rows of the batch buffers. */
    private void gather(int[] order, int from, int to) {
        int columns = (int) source.x().columns();
        int outputs = (int) source.y().columns();
        double[] weights = source.weights();
        if (source.x().dataType() == DataType.DOUBLE) {
            DoubleBuffer x = source.x().data().asNioDouble();
            DoubleBuffer y = source.y().data().asNioDouble();
            DoubleBuffer bx = batchX.data().asNioDouble();
            DoubleBuffer by = batchY.data().asNioDouble();
            DoubleBuffer bw = batchW == null ? null : batchW.data().asNioDouble();
            for (int i = 0; i < to - from; i++) {
                int row = order[from + i];
                bx.put(i * columns, x, row * columns, columns);
                by.put(i * outputs, y, row * outputs, outputs);
                if (bw != null) {
                    bw.put(i, weights[row]);
                }
            }
        } else {
            FloatBuffer x = source.x().data().asNioFloat();
            FloatBuffer y = source.y().data().asNioFloat();
            FloatBuffer bx = batchX.data().asNioFloat();
            FloatBuffer by = batchY.data().asNioFloat();
            FloatBuffer bw = batchW == null ? null : batchW.data().asNioFloat();
            for (int i = 0; i < to - from; i++) {
                int row = order[from + i];
                bx.put(i * columns, x, row * columns, columns);
                by.put(i * outputs, y, row * outputs, outputs);
                if (bw != null) {
                    bw.put(i, (float) weights[row]);
                }
            }
        }
        double total = 0;
        if (weights != null) {
            for (int i = from; i < to; i++) {
                total += weights[order[i]];
            }
        }
        (to - from == batchX.rows() ? batch : lastBatch).weightTotal = weights == null ? to - from : total;
    }

    @Override
    public double addL2(double l2) {
        double sum = 0;
        for (int l = 0; l < layers; l++) {
            INDArray w = network.weights(l);
            INDArray flat = w.reshape('c', 1, w.length()); // a view of W's buffer
            // sum W² as a gemm, whose order of additions is fixed (see Backprop.loss)
            Nd4j.gemm(flat, flat, squares(), false, true, 1.0, 0.0);
            sum += squares.getDouble(0);
            Nd4j.getBlasWrapper().level1().axpy(w.length(), l2, w, dW[l]); // dW += l2 W
        }
        return l2 / 2 * sum;
    }

    private INDArray squares() {
        if (squares == null) {
            squares = own(Nd4j.create(network.precision().dataType(), 1, 1));
        }
        return squares;
    }

    @Override
    public void step() {
        rule.step(parameters, gradients);
    }

    @Override
    public double validationLoss() {
        if (validation == null) {
            throw new IllegalStateException("this kernel has no validation rows");
        }
        return validation.loss();
    }

    @Override
    public void keepBest() {
        if (best == null) {
            best = new INDArray[parameters.size()];
            for (int i = 0; i < best.length; i++) {
                best[i] = own(parameters.get(i).dup('c'));
            }
        } else {
            for (int i = 0; i < best.length; i++) {
                best[i].assign(parameters.get(i));
            }
        }
    }

    @Override
    public void restoreBest() {
        if (best == null) {
            throw new IllegalStateException("keepBest() was never called");
        }
        for (int i = 0; i < best.length; i++) {
            parameters.get(i).assign(best[i]);
        }
    }

    @Override
    public Gradients gradients(double loss) {
        List<INDArray> weights = new ArrayList<>();
        List<INDArray> biases = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            weights.add(dW[l].dup());
            biases.add(db[l].dup());
        }
        return new Gradients(weights, biases, loss);
    }

    @Override
    public void writeParameters() {
        // the steps worked on the network's arrays
    }

    @Override
    public void close() {
        for (Buffers b : buffers) {
            b.close();
        }
        buffers.clear();
        NdArrays.closeAll(owned);
        owned.clear();
    }

    private INDArray own(INDArray array) {
        owned.add(array);
        return array;
    }

    /** The rows with plain row-major x and y (copies of the caller's when they are views or column-major). */
    private Rows plain(Rows rows) {
        INDArray x = NdArrays.isPlainRowMajor(rows.x()) ? rows.x() : own(rows.x().dup('c'));
        INDArray y = NdArrays.isPlainRowMajor(rows.y()) ? rows.y() : own(rows.y().dup('c'));
        return new Rows(x, y, rows.weights());
    }

    /** Row weights as an N x 1 column of the network's data type, or null. */
    private INDArray column(double[] weights) {
        return weights == null ? null : own(NdArrays.matrix(weights, weights.length, 1, network.precision().dataType()));
    }

    /** A view of the first {@code rows} rows: never closed (closing a view that spans an array frees it). */
    private static INDArray firstRows(INDArray array, long rows) {
        return array.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all());
    }

    private void collectNowAndThen(long calls) {
        callsSinceCollection += calls;
        if (callsSinceCollection >= CALLS_PER_COLLECTION) {
            callsSinceCollection = 0;
            System.gc();
        }
    }

    /** Passes over the chunks of one matrix of rows (views, never closed), each chunk on buffers of its size. */
    private final class Pass {
        final long rows;
        final List<Chunk> chunks = new ArrayList<>();
        final boolean weighted;
        /** The divisor of the sums: the rows' weights added up, or the row count. */
        double weightTotal;

        Pass(INDArray x, INDArray y, INDArray w) {
            this.rows = x.rows();
            this.weighted = w != null;
            DataType type = network.precision().dataType();
            Buffers full = null;
            for (long start = 0; start < rows; start += chunkRows) {
                long end = Math.min(rows, start + chunkRows);
                Buffers b = end - start == chunkRows && full != null ? full : buffers(type, end - start);
                if (end - start == chunkRows) {
                    full = b;
                }
                chunks.add(new Chunk(x.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()),
                        y.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()),
                        w == null ? null : w.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()), b));
            }
            if (w == null) {
                weightTotal = rows;
            } else {
                double total = 0;
                for (double value : NdArrays.toDoubles(w)) {
                    total += value;
                }
                weightTotal = total;
            }
        }

        private Buffers buffers(DataType type, long chunk) {
            Buffers b = new Buffers(type, network.layerSizes(), chunk);
            buffers.add(b);
            return b;
        }

        /** The mean loss over the rows and its gradient, summed chunk by chunk into dW and db. */
        double lossAndGradients() {
            collectNowAndThen(chunks.size() * (8L * layers + 10) + 4L * layers); // forward, loss, backward; means, step
            double lossSum = 0;
            boolean first = true;
            for (Chunk chunk : chunks) {
                lossSum += chunk.forward();
                if (!Double.isFinite(lossSum)) {
                    return lossSum / weightTotal;
                }
                chunk.backward(first ? 0.0 : 1.0);
                first = false;
            }
            for (int l = 0; l < layers; l++) {
                dW[l].divi(weightTotal);
                db[l].divi(weightTotal);
            }
            return lossSum / weightTotal;
        }

        /** The mean loss over the rows, forward passes only. */
        double loss() {
            collectNowAndThen(chunks.size() * (3L * layers + 10));
            double lossSum = 0;
            for (Chunk chunk : chunks) {
                lossSum += chunk.forward();
            }
            return lossSum / weightTotal;
        }
    }

    /** One chunk's rows of x, y and the row weights (views) and the buffers its passes use. */
    private final class Chunk {
        private final INDArray x;
        private final INDArray y;
        private final INDArray w;
        private final Buffers buffers;

        Chunk(INDArray x, INDArray y, INDArray w, Buffers buffers) {
            this.x = x;
            this.y = y;
            this.w = w;
            this.buffers = buffers;
        }

        /** a_i = f_i(a_{i-1} W_i + b_i); returns the sum (not the mean) of the chunk's (weighted) loss terms. */
        double forward() {
            Buffers b = buffers;
            INDArray in = x;
            for (int l = 0; l < layers; l++) {
                Nd4j.gemm(in, network.weights(l), b.a[l], false, false, 1.0, 0.0);
                b.a[l].addiRowVector(network.bias(l));
                if (l == layers - 1) {
                    network.activate(l, b.a[l], b.output); // keep z_L for the loss
                } else {
                    network.activate(l, b.a[l], b.a[l]); // a hidden z is not needed once a is known
                }
                in = b.a[l];
            }
            // Backprop's loss terms from z_L
            architecture.objective().lossTerms(b.a[layers - 1], y, b.lossTerms, b.lossScratch, b.outputOnes);
            if (w != null) {
                b.lossTerms.muli(w);
            }
            Nd4j.gemm(b.ones, b.lossTerms, b.lossSum, true, false, 1.0, 0.0); // a fixed order, see Backprop.loss
            return b.lossSum.getDouble(0);
        }

        /** Adds this chunk's a_{i-1}^T delta_i and 1^T delta_i to the gradient sums times {@code beta}. */
        void backward(double beta) {
            Buffers b = buffers;
            int last = layers - 1;
            architecture.objective().delta(b.output, y, b.delta[last]); // delta_L = a_L - y
            if (w != null) {
                b.delta[last].muliColumnVector(w);
            }
            for (int l = last; l >= 0; l--) {
                INDArray in = l == 0 ? x : b.a[l - 1];
                Nd4j.gemm(in, b.delta[l], dW[l], true, false, 1.0, beta);
                Nd4j.gemm(b.ones, b.delta[l], db[l], true, false, 1.0, beta);
                if (l > 0) {
                    // delta_{l-1} = (delta_l W_l^T) * f'(z_{l-1}); a_{l-1} is not needed after this, so the slope
                    // may overwrite it
                    Nd4j.gemm(b.delta[l], network.weights(l), b.delta[l - 1], false, true, 1.0, 0.0);
                    architecture.activations().get(l - 1).multiplyBySlope(b.delta[l - 1], b.a[l - 1]);
                }
            }
        }
    }

    /** The activations, deltas and loss scratch of chunks of one row count. */
    private static final class Buffers implements AutoCloseable {
        final INDArray[] a;
        final INDArray[] delta;
        final INDArray output;
        final INDArray ones;
        final INDArray lossTerms;
        final INDArray lossScratch;
        final INDArray lossSum;
        final INDArray outputOnes;

        Buffers(DataType type, List<Integer> sizes, long rows) {
            int layers = sizes.size() - 1;
            int outputs = sizes.get(layers);
            a = new INDArray[layers];
            delta = new INDArray[layers];
            INDArray[] scalars = new INDArray[6];
            try {
                for (int l = 0; l < layers; l++) {
                    a[l] = Nd4j.create(type, rows, sizes.get(l + 1));
                    delta[l] = Nd4j.create(type, rows, sizes.get(l + 1));
                }
                scalars[0] = Nd4j.create(type, rows, outputs);
                scalars[1] = Nd4j.ones(type, rows, 1);
                scalars[2] = Nd4j.create(type, rows, 1);
                scalars[3] = Nd4j.create(type, rows, outputs);
                scalars[4] = Nd4j.create(type, 1, 1);
                scalars[5] = Nd4j.ones(type, outputs, 1);
            } catch (RuntimeException e) {
                NdArrays.closeAll(a);
                NdArrays.closeAll(delta);
                NdArrays.closeAll(scalars);
                throw e;
            }
            output = scalars[0];
            ones = scalars[1];
            lossTerms = scalars[2];
            lossScratch = scalars[3];
            lossSum = scalars[4];
            outputOnes = scalars[5];
        }

        @Override
        public void close() {
            NdArrays.closeAll(a);
            NdArrays.closeAll(delta);
            NdArrays.closeAll(output, ones, lossTerms, lossScratch, lossSum, outputOnes);
        }
    }
}
