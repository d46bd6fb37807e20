package io.netforge.compute;

import java.util.ArrayList;
import java.util.List;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The forward and backward passes of {@link Backprop} on ND4J for large networks, over chunks of rows
 * ({@link #chunkRows}): each chunk's
 * forward pass, loss and backward pass run on buffers of the chunk's size, and its gradient is added to the
 * sums of the chunks before it (a gemm with beta = 1).
 *
 * <p>Why chunks: {@link Backprop.Pass} keeps z, a and delta of every layer for all N rows (three N x width
 * arrays per layer, 100 MB each on the large benchmark), so its memory is several times the data. Here only one
 * chunk's activations exist (at most {@link #CHUNK_BYTES}), in place where the algebra allows: a hidden layer's
 * activation overwrites its z, and the backward pass folds the slope into delta without a buffer of its own. The chunk size is fixed, so the order of every sum,
 * and hence every bit, is the same whatever the load or thread count. The gradient is the full-batch one.
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
     * a sawtooth of about 10%; a large network's 20 iterations make a few thousand calls and ask once at most. -XX:+ExplicitGCInvokesConcurrent
     * turns the pause into a concurrent G1 cycle where that matters.
     */
    static final int CALLS_PER_COLLECTION = 1 << 13;

    private final Network network;
    private final Architecture architecture;
    private final UpdateRule rule;
    private final int layers;
    private final int callsPerPass;
    private long callsSinceCollection;
    private final long rows;
    private final List<Chunk> chunks = new ArrayList<>();
    private final List<INDArray> owned = new ArrayList<>();
    private final INDArray[] dW;
    private final INDArray[] db;
    /** W_0, b_0, W_1, ... of the network and dW_0, db_0, ... in the same order, for the update rule. */
    private final List<INDArray> parameters = new ArrayList<>();
    private final List<INDArray> gradients = new ArrayList<>();

    Nd4jBlockedKernel(Network network, INDArray x, INDArray y, UpdateRule rule) {
        this.network = network;
        this.architecture = network.architecture();
        this.rule = rule;
        this.layers = network.layerCount();
        this.rows = x.rows();
        this.dW = new INDArray[layers];
        this.db = new INDArray[layers];
        int chunkCount = (int) ((rows + chunkRows(network.layerSizes(), network.precision()) - 1)
                / chunkRows(network.layerSizes(), network.precision()));
        this.callsPerPass = chunkCount * (8 * layers + 10) + 4 * layers; // forward, loss, backward; means, step
        try {
            DataType type = network.precision().dataType();
            List<Integer> sizes = network.layerSizes();
            INDArray features = NdArrays.isPlainRowMajor(x) ? x : own(x.dup('c'));
            INDArray labels = NdArrays.isPlainRowMajor(y) ? y : own(y.dup('c'));
            for (int l = 0; l < layers; l++) {
                dW[l] = own(Nd4j.create(type, sizes.get(l), sizes.get(l + 1)));
                db[l] = own(Nd4j.create(type, 1, sizes.get(l + 1)));
                parameters.add(network.weights(l));
                parameters.add(network.bias(l));
                gradients.add(dW[l]);
                gradients.add(db[l]);
            }
            int chunkRows = chunkRows(sizes, network.precision());
            Buffers full = null;
            for (long start = 0; start < rows; start += chunkRows) {
                long end = Math.min(rows, start + chunkRows);
                Buffers buffers = end - start == chunkRows && full != null ? full : new Buffers(type, sizes, end - start);
                if (end - start == chunkRows) {
                    full = buffers;
                }
                // views of the caller's buffers, never closed: closing a view that spans a whole array frees it
                chunks.add(new Chunk(features.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()),
                        labels.get(NDArrayIndex.interval(start, end), NDArrayIndex.all()), buffers));
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
        callsSinceCollection += callsPerPass;
        if (callsSinceCollection >= CALLS_PER_COLLECTION) {
            callsSinceCollection = 0;
            System.gc();
        }
        double lossSum = 0;
        boolean first = true;
        for (Chunk chunk : chunks) {
            lossSum += chunk.forward();
            if (!Double.isFinite(lossSum)) {
                return lossSum / rows;
            }
            chunk.backward(first ? 0.0 : 1.0);
            first = false;
        }
        for (int l = 0; l < layers; l++) {
            dW[l].divi(rows);
            db[l].divi(rows);
        }
        return lossSum / rows;
    }

    @Override
    public void step() {
        rule.step(parameters, gradients);
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
        for (Chunk chunk : chunks) {
            chunk.buffers.close(); // the full-size buffers are shared by chunks; closing twice is a no-op
        }
        NdArrays.closeAll(owned);
        owned.clear();
        chunks.clear();
    }

    private INDArray own(INDArray array) {
        owned.add(array);
        return array;
    }

    /** One chunk's rows of x and y (views) and the buffers its passes use. */
    private final class Chunk {
        private final INDArray x;
        private final INDArray y;
        private final Buffers buffers;

        Chunk(INDArray x, INDArray y, Buffers buffers) {
            this.x = x;
            this.y = y;
            this.buffers = buffers;
        }

        /** a_i = f_i(a_{i-1} W_i + b_i); returns the sum (not the mean) of the chunk's loss terms. */
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
            architecture.objective().lossTerms(b.a[layers - 1], y, b.lossTerms, b.lossScratch);
            Nd4j.gemm(b.ones, b.lossTerms, b.lossSum, true, false, 1.0, 0.0); // a fixed order, see Backprop.loss
            return b.lossSum.getDouble(0);
        }

        /** Adds this chunk's a_{i-1}^T delta_i and 1^T delta_i to the gradient sums times {@code beta}. */
        void backward(double beta) {
            Buffers b = buffers;
            int last = layers - 1;
            architecture.objective().delta(b.output, y, b.delta[last]); // delta_L = a_L - y
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

        Buffers(DataType type, List<Integer> sizes, long rows) {
            int layers = sizes.size() - 1;
            a = new INDArray[layers];
            delta = new INDArray[layers];
            INDArray[] scalars = new INDArray[5];
            try {
                for (int l = 0; l < layers; l++) {
                    a[l] = Nd4j.create(type, rows, sizes.get(l + 1));
                    delta[l] = Nd4j.create(type, rows, sizes.get(l + 1));
                }
                scalars[0] = Nd4j.create(type, rows, 1);
                scalars[1] = Nd4j.ones(type, rows, 1);
                scalars[2] = Nd4j.create(type, rows, 1);
                scalars[3] = Nd4j.create(type, rows, 1);
                scalars[4] = Nd4j.create(type, 1, 1);
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
        }

        @Override
        public void close() {
            NdArrays.closeAll(a);
            NdArrays.closeAll(delta);
            NdArrays.closeAll(output, ones, lossTerms, lossScratch, lossSum);
        }
    }
}
