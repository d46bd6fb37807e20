package io.netforge.compute;

import java.nio.DoubleBuffer;
import java.util.Arrays;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The forward and backward passes of {@link Backprop} for networks larger than {@link VectorKernelF64} takes, in
 * float64, as matrix products of our own on the Vector API (WideKernelF32 is the same source for float32).
 *
 * <p>Rows are row-major, as ND4J holds them, and every product is vectorised along the contiguous dimension of its
 * result: z = a W + b along the units, delta_{l-1} = delta_l W^T along the inputs (from a transposed copy of W made
 * after each step), dW = a^T delta along the units, each lane computing whole sums of its own. The weights, their
 * gradients, the transposed copies and each chunk's deltas are kept in strips of {@link #TILE} columns
 * ({@link #pack}), so that a product reads the block of a matrix it works on one value after the other: row-major,
 * a tile's rows would be a layer's width apart, and for widths such as 512 all in the same few sets of the cache.
 * So every number is one chain of fused multiply-adds in a fixed order: over the inputs for z, over the units for
 * delta, over the rows of the batch in their order for dW and db; a pass of 2 x {@link #MIN_SEGMENT_ROWS} rows or
 * more is cut into two halves of rows ({@link Segment}), each weight's and bias's sum then one chain per half, the
 * first half's plus the second's. Nothing is summed across lanes, and the halves depend on the rows alone, so the
 * bits do not depend on the vector width, the thread count or the load; and the rows are taken in chunks whose size
 * does not change a bit of the gradient either (each chunk continues the previous chunk's sums), so chunks are sized
 * for the cache from the shape. Only the loss is summed lane by lane (lane = row mod the vector's lanes), each
 * chunk's sums added to the lanes' totals, and the lanes then added in order (and the halves' losses added): its
 * last bits depend on the chunk size, which the shape alone fixes.
 *
 * <p>The training rows stay where the caller keeps them (ND4J's memory): each chunk of a full-batch pass, and each
 * mini-batch, is copied into a buffer on the heap before its pass, so the heap holds one chunk (two with two halves)
 * whatever the data's size. Two halves run one per thread, each through its own chunks; a pass of one segment cuts
 * its products with enough work into tiles of the result that the calling thread and {@link ParallelSegments}'
 * helpers claim one at a time, a tile computed whole by whichever thread claims it.
 */
final class WideKernelF64 implements TrainingKernel {

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;
    private static final int LANES = S.length();
    /**
     * The products' vectors (the tiles, the weights' sums and the strips' width): {@link VectorKernels#PRODUCT_BITS}
     * bits. Each sum is a chain of multiply-adds in its own lane, so the width changes no bit.
     */
    private static final VectorSpecies<Double> P =
            VectorKernels.PRODUCT_BITS == 512 ? DoubleVector.SPECIES_512 : DoubleVector.SPECIES_256;
    private static final int PL = P.length();
    /** Columns of a product's result one tile covers: three vectors. */
    private static final int TILE = 3 * PL;
    /** Inputs taken at a time by a product (the block of W that stays in cache meanwhile). */
    private static final int K_BLOCK = 128;
    /** Rows of a chunk: at most, and at least (multiples of 4, so that a chunk's loss lanes are rows mod 4). */
    static final int MAX_CHUNK = 256;
    static final int MIN_CHUNK = 16;
    /** Values of a chunk's widest layer input that fit the cache next to the weights (a quarter of L2, or less). */
    private static final int CHUNK_VALUES = 1 << 15;
    /** Values of the inputs a weights' product copies at a time (a block of groups of four: 16 KB). */
    private static final int COLUMN_VALUES = 2048;
    /** Values below which a sigmoid or tanh layer's activation runs on the calling thread alone. */
    private static final int MIN_PARALLEL_VALUES = 8192;
    /** Multiply-adds below which a product runs on the calling thread alone. */
    private static final long MIN_PARALLEL_WORK = 1L << 18;
    /**
     * Rows of each half when a pass is cut in two. A pass of 2 x MIN_SEGMENT_ROWS rows or more runs as two
     * segments, one per thread, each through its own chunks; a shorter one as one segment whose products are cut
     * across the threads. Both threads then work on rows they wrote themselves: a product cut across the threads
     * reads a chunk the other core has just written (the caller's gather, activations, deltas), and on two
     * cores of this machine those transfers took away the second thread's gain on large layers (docs/performance.md,
     * "Row segments"). Below it the segments' own costs (the second half's gradient read back and added, the
     * weights read again by the other core after each step) outweigh it: measured, batches of 128 gain from two
     * segments (1.1-1.6x), of 64 neither gain nor lose, of 32 lose 1.4x. The rows alone decide, never the threads.
     */
    static final int MIN_SEGMENT_ROWS = 64;
    /**
     * Parameters from which a kernel that runs row segments also steps on both threads, a half each (the update
     * rule's loop, 2-4 ns a parameter for Adam, was the largest part of a step left on the caller alone).
     */
    private static final int MIN_PARALLEL_STEP = 16_384;

    private final Network network;
    private final Activation[] activation;
    private final Objective objective;
    private final UpdateRule rule;
    private final ParallelSegments threads;
    private final int layers;
    private final int[] width;
    private final int outputs;

    /** Every weight (W_l, inputs x units, in strips of {@link #TILE} units: {@link #pack}) and bias, by layer. */
    private final double[] theta;
    private final int[] weightOffset;
    private final int[] biasOffset;
    private final int parameters;
    /** W_l transposed (units x inputs, in strips of {@link #TILE} inputs), for delta_{l-1}; made after every step. */
    private final double[][] transposed;
    /** dJ/dtheta of the last pass, at theta's offsets and in its strips. */
    private final double[] gradient;
    private double[] best;

    private final Source train;
    private final Source validation;
    private final int batchSize;

    /** Rows per chunk. */
    private final int chunk;
    /**
     * The rows' halves of a pass of at least 2 x {@link #MIN_SEGMENT_ROWS} rows, each with its own chunk and sums
     * (the first's gradient sums are {@link #gradient}); one when no pass has that many rows.
     */
    private final Segment[] segments;

    /**
     * Takes the training rows (x N x inputs, y N x outputs, float64, checked by the caller; read where they are,
     * chunk by chunk) and, for early stopping, validation rows. The network is read now and written by
     * {@link #writeParameters()}.
     *
     * @param batchSize rows per mini-batch; 0 (or N or more) for full batch
     */
    WideKernelF64(Network network, Rows training, Rows validationRows, int batchSize, UpdateRule rule, int helpers) {
        this(network, training, validationRows, batchSize, rule, helpers, chunkRows(network.layerSizes()));
    }

    /** The same, taking the rows in chunks of {@code chunkRows} (a multiple of 16): no bit depends on it. */
    WideKernelF64(Network network, Rows training, Rows validationRows, int batchSize, UpdateRule rule, int helpers,
            int chunkRows) {
        if (chunkRows < MIN_CHUNK || chunkRows % MIN_CHUNK != 0) {
            throw new IllegalArgumentException("chunks are a multiple of " + MIN_CHUNK + " rows, got " + chunkRows);
        }
        this.network = network;
        Architecture architecture = network.architecture();
        this.activation = architecture.activations().toArray(new Activation[0]);
        this.objective = architecture.objective();
        this.rule = rule;
        this.threads = new ParallelSegments(helpers);
        this.layers = network.layerCount();
        this.width = network.layerSizes().stream().mapToInt(Integer::intValue).toArray();
        this.outputs = width[layers];
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
        this.transposed = new double[layers][];
        for (int l = 0; l < layers; l++) {
            double[] w = network.weightsData(l);
            double[] b = network.biasData(l);
            pack(w, 0, width[l], width[l + 1], theta, weightOffset[l]);
            System.arraycopy(b, 0, theta, biasOffset[l], b.length);
            if (l > 0) {
                transposed[l] = new double[width[l] * width[l + 1]];
            }
        }
        transpose();
        this.gradient = new double[parameters];
        int n = Math.toIntExact(training.count());
        this.batchSize = batchSize <= 0 || batchSize >= n ? 0 : batchSize;
        this.train = new Source(training);
        this.validation = validationRows == null ? null : new Source(validationRows);
        this.chunk = chunkRows;
        int longest = Math.max(this.batchSize == 0 ? n : this.batchSize, validation == null ? 0 : validation.rows);
        Segment first = new Segment(gradient, threads.workers());
        this.segments = longest < 2 * MIN_SEGMENT_ROWS ? new Segment[] {first}
                : new Segment[] {first, new Segment(new double[parameters], 1)};
    }

    /**
     * Rows per chunk for these layer sizes: as many as keep the widest layer input of a chunk within
     * {@link #CHUNK_VALUES} values, a multiple of 16 from {@link #MIN_CHUNK} to {@link #MAX_CHUNK}. The shape
     * alone decides, though the bits would be the same with any multiple of 4.
     */
    static int chunkRows(List<Integer> sizes) {
        int widest = sizes.subList(0, sizes.size() - 1).stream().mapToInt(Integer::intValue).max().orElse(1);
        int rows = CHUNK_VALUES / widest / MIN_CHUNK * MIN_CHUNK;
        return Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, rows));
    }

    @Override
    public String name() {
        return Trainer.WIDE_F64;
    }

    @Override
    public double lossAndGradients() {
        if (batchSize != 0) {
            throw new IllegalStateException("this kernel trains on mini-batches");
        }
        return pass(train, null, 0, train.rows, true);
    }

    @Override
    public double lossAndGradients(int[] order, int from, int to) {
        if (batchSize == 0) {
            throw new IllegalStateException("this kernel trains on the full batch");
        }
        return pass(train, order, from, to, true);
    }

    @Override
    public double validationLoss() {
        if (validation == null) {
            throw new IllegalStateException("this kernel has no validation rows");
        }
        return pass(validation, null, 0, validation.rows, false);
    }

    /**
     * The mean loss over rows {@code order[from..to)} of the source (rows from..to when order is null) and, with
     * {@code backward}, the mean gradient.
     */
    private double pass(Source source, int[] order, int from, int to, boolean backward) {
        Segment first = segments[0];
        double loss;
        double weightTotal;
        if (to - from < 2 * MIN_SEGMENT_ROWS || segments.length == 1) {
            first.pass(source, order, from, to, backward, true);
            loss = first.loss;
            weightTotal = first.weightTotal;
        } else {
            // halves fixed by the rows (a multiple of 4 rows first), whichever thread takes either
            int middle = from + (to - from) / 2 / LANES * LANES;
            threads.run(2, (part, worker) -> segments[part].pass(source, order, part == 0 ? from : middle,
                    part == 0 ? middle : to, backward, false));
            Segment second = segments[1];
            loss = first.loss + second.loss;
            weightTotal = first.weightTotal + second.weightTotal;
            double mean = loss / weightTotal;
            if (backward) {
                // each thread adds and divides a half of the parameters (the second half's sums are where the
                // thread that took the second segment wrote them; the division only when the mean is finite)
                double[] other = second.gradient;
                boolean divide = Double.isFinite(mean);
                double divisor = weightTotal;
                threads.run(2, (part, worker) -> {
                    int end = part == 0 ? parameters / 2 : parameters;
                    for (int p = part == 0 ? 0 : parameters / 2; p < end; p++) {
                        gradient[p] = divide ? (gradient[p] + other[p]) / divisor : gradient[p] + other[p];
                    }
                });
            }
            return mean;
        }
        double mean = loss / weightTotal;
        if (backward && Double.isFinite(mean)) {
            double divisor = weightTotal;
            for (int p = 0; p < parameters; p++) {
                gradient[p] = gradient[p] / divisor;
            }
        }
        return mean;
    }

    /**
     * One segment of a pass: a chunk's buffers, and the sums of the rows it goes through. Its products are cut
     * across the threads only when it is the pass's only segment.
     */
    private final class Segment {
        /** One chunk's inputs, activations (hidden layers) and deltas (every layer), row-major. */
        private final double[] x;
        private final double[][] a;
        private final double[][] delta;
        /** A layer's deltas in strips of {@link #TILE} units for the weights' sums; each thread's input columns. */
        private final double[] deltaStrips;
        private final double[][] inputColumns;
        /** The output layer's logits, unit-major for the objective ({@code u[j * chunk + r]}), labels, row weights. */
        private final double[] u;
        private final double[] y;
        private final double[] weight;
        private final double[] linear;
        private final double[] small;
        private final double[] extra;
        /** The loss, lane by lane. */
        private final double[] lossLanes = new double[LANES];
        /** The gradient sums of this segment's rows, at theta's offsets and in its strips. */
        private final double[] gradient;
        /** The last pass's loss (the lanes added in order) and rows' weight total. */
        private double loss;
        private double weightTotal;
        private boolean parallel;

        Segment(double[] gradient, int workers) {
            this.gradient = gradient;
            this.x = new double[chunk * width[0]];
            this.a = new double[layers - 1][];
            this.delta = new double[layers][];
            for (int l = 0; l < layers; l++) {
                if (l < layers - 1) {
                    a[l] = new double[chunk * width[l + 1]];
                }
                delta[l] = new double[chunk * width[l + 1]];
            }
            int widest = 0;
            for (int l = 1; l <= layers; l++) {
                widest = Math.max(widest, width[l]);
            }
            this.deltaStrips = new double[chunk * widest];
            this.inputColumns = new double[workers][Math.max(COLUMN_VALUES, chunk * 4)];
            this.u = new double[chunk * outputs];
            this.y = new double[chunk * outputs];
            this.weight = new double[chunk];
            this.linear = new double[chunk];
            this.small = new double[chunk];
            this.extra = new double[chunk];
        }

        /**
         * Rows {@code order[from..to)} (from..to when order is null) chunk by chunk: their loss and weight total
         * and, with {@code backward}, their gradient sums (from zero); the products across the threads when
         * {@code parallel}.
         */
        void pass(Source source, int[] order, int from, int to, boolean backward, boolean parallel) {
            this.parallel = parallel;
            Arrays.fill(lossLanes, 0.0);
            if (backward) {
                Arrays.fill(gradient, 0.0);
            }
            double total = 0;
            for (int start = from; start < to; start += chunk) {
                int n = Math.min(chunk, to - start);
                total = source.gather(order, start, n, x, y, weight, chunk, total);
                chunkPass(n, backward);
            }
            double sum = 0;
            for (int lane = 0; lane < LANES; lane++) {
                sum += lossLanes[lane];
            }
            loss = sum;
            weightTotal = total;
        }

        /**
         * One chunk of n rows (x, y unit-major and the row weights filled; rows n .. end are zeros of weight 0): its
         * forward pass and loss, and with {@code backward} its share of the gradient sums, added to theirs.
         */
        private void chunkPass(int n, boolean backward) {
            int end = (n + LANES - 1) / LANES * LANES;
            int last = layers - 1;
            double[] in = x;
            for (int l = 0; l < last; l++) {
                linear(in, end, l, a[l]);
                activate(l, a[l], end);
                in = a[l];
            }
            linear(in, end, last, delta[last]);
            // the objective works unit-major: logits in, weighted output deltas out
            double[] z = delta[last];
            for (int r = 0; r < end; r++) {
                for (int j = 0; j < outputs; j++) {
                    u[j * chunk + r] = z[r * outputs + j];
                }
            }
            VectorMathF64.outputLoss(objective, u, outputs, chunk, y, 0, weight, 0, end, lossLanes, 0, linear, small,
                    extra);
            if (!backward) {
                return;
            }
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < outputs; j++) {
                    z[r * outputs + j] = u[j * chunk + r];
                }
            }
            for (int l = last; l >= 0; l--) {
                double[] input = l == 0 ? x : a[l - 1];
                pack(delta[l], 0, n, width[l + 1], deltaStrips, 0);
                weightSums(input, n, l);
                biasSums(delta[l], n, width[l + 1], gradient, biasOffset[l]);
                if (l > 0) {
                    int nIn = width[l];
                    product(delta[l], n, width[l + 1], transposed[l], 0, nIn, delta[l - 1]);
                    VectorMathF64.slopeInPlace(activation[l - 1], a[l - 1], 0, n * nIn);
                    multiply(delta[l - 1], a[l - 1], n * nIn);
                }
            }
        }

        /** out = in W_l + b_l for rows [0, rows). */
        private void linear(double[] in, int rows, int l, double[] out) {
            int nOut = width[l + 1];
            product(in, rows, width[l], theta, weightOffset[l], nOut, out);
            int b = biasOffset[l];
            for (int r = 0; r < rows; r++) {
                int at = r * nOut;
                int j = 0;
                for (; j + LANES <= nOut; j += LANES) {
                    DoubleVector.fromArray(S, out, at + j).add(DoubleVector.fromArray(S, theta, b + j))
                            .intoArray(out, at + j);
                }
                for (; j < nOut; j++) {
                    out[at + j] += theta[b + j];
                }
            }
        }

        /** c = a m, a (rows x k) and c (rows x n) row-major, m (k x n, at {@code mAt}) in strips: in parallel. */
        private void product(double[] a, int rows, int k, double[] m, int mAt, int n, double[] c) {
            int tiles = (n + TILE - 1) / TILE;
            int parts = parts((long) rows * k * n, tiles);
            if (parts == 1) {
                multiplyRange(a, rows, k, m, mAt, n, c, 0, n);
                return;
            }
            threads.run(parts, (part, worker) -> {
                int from = tiles * part / parts * TILE;
                int to = Math.min(n, tiles * (part + 1) / parts * TILE);
                multiplyRange(a, rows, k, m, mAt, n, c, from, to);
            });
        }

        /** dW_l += input^T delta_l over rows [0, rows) (delta_l in {@link #deltaStrips}): groups of inputs. */
        private void weightSums(double[] input, int rows, int l) {
            int nIn = width[l];
            int nOut = width[l + 1];
            int groups = (nIn + 3) / 4;
            int parts = parts((long) rows * nIn * nOut, groups);
            double[] d = deltaStrips;
            int at = weightOffset[l];
            if (parts == 1) {
                transposedProductRange(input, rows, nIn, d, nOut, gradient, at, 0, nIn, inputColumns[0]);
                return;
            }
            threads.run(parts, (part, worker) -> {
                int from = groups * part / parts * 4;
                int to = Math.min(nIn, groups * (part + 1) / parts * 4);
                transposedProductRange(input, rows, nIn, d, nOut, gradient, at, from, to, inputColumns[worker]);
            });
        }

        /**
         * a = f(z) in place for rows [0, rows) of layer l (rows a multiple of LANES): a sigmoid or tanh of enough
         * values in blocks of rows over the threads (tens of microseconds a chunk on the caller alone, while the helper
         * waited), the cheap activations on the caller. Each value's function depends on that value alone, so the
         * blocks change no bit; they start at multiples of LANES rows, as the vector loops require.
         */
        private void activate(int l, double[] values, int rows) {
            Activation f = activation[l];
            int units = width[l + 1];
            int blocks = rows / LANES;
            boolean costly = f == Activation.SIGMOID || f == Activation.TANH;
            if (!costly || !parallel || threads.workers() == 1 || (long) rows * units < MIN_PARALLEL_VALUES
                    || blocks < 2) {
                VectorMathF64.activate(f, values, 0, rows * units);
                return;
            }
            int parts = Math.min(blocks, 2 * threads.workers());
            threads.run(parts, (part, worker) -> VectorMathF64.activate(f, values,
                    blocks * part / parts * LANES * units, blocks * (part + 1) / parts * LANES * units));
        }

        /** How many parts a product of this many multiply-adds is cut into: one unless it is worth a second thread. */
        private int parts(long work, int units) {
            if (!parallel || threads.workers() == 1 || work < MIN_PARALLEL_WORK || units < 2) {
                return 1;
            }
            return Math.min(units, 4 * threads.workers());
        }
    }

    /**
     * c[r][j] = sum_q a[r][q] m[q][j] for r < rows, j in [from, to) (from a strip's first column, to one too or n),
     * m in strips (see {@link #pack}): each a chain of multiply-adds over q in order, in blocks of {@link #K_BLOCK}
     * inputs, each block continuing from the sums the one before stored. A strip's block of m (K_BLOCK x TILE values,
     * one after the other) stays in the L1 cache while every row goes through it.
     */
    static void multiplyRange(double[] a, int rows, int k, double[] m, int mAt, int n, double[] c, int from, int to) {
        // every chain starts from the +0.0 stored here, so that no tile branches on its first block (a branch the
        // warm-up's shapes left untaken became an uncommon trap, and a recompilation, in a job's first epoch)
        for (int r = 0; r < rows; r++) {
            Arrays.fill(c, r * n + from, r * n + to, 0);
        }
        for (int q0 = 0; q0 < k; q0 += K_BLOCK) {
            int q1 = Math.min(k, q0 + K_BLOCK);
            for (int j = from; j < to; j += TILE) {
                int w = Math.min(TILE, n - j);
                int strip = mAt + j * k;
                int r = 0;
                for (; r + 4 <= rows; r += 4) {
                    if (w == TILE) {
                        tile4x3(a, r, k, m, strip, n, c, j, q0, q1);
                        continue;
                    }
                    int jj = 0;
                    for (; jj + PL <= w; jj += PL) {
                        tile4x1(a, r, k, m, strip + jj, w, n, c, j + jj, q0, q1);
                    }
                    for (; jj < w; jj++) {
                        scalar4(a, r, k, m, strip + jj, w, n, c, j + jj, q0, q1);
                    }
                }
                for (; r < rows; r++) {
                    int jj = 0;
                    for (; jj + PL <= w; jj += PL) {
                        tile1x1(a, r, k, m, strip + jj, w, n, c, j + jj, q0, q1);
                    }
                    for (; jj < w; jj++) {
                        scalar(a, r, k, m, strip + jj, w, n, c, j + jj, q0, q1);
                    }
                }
            }
        }
    }

    /**
     * Four rows by a whole strip (three vectors of columns, row q of the strip at {@code p + q * TILE}): twelve
     * chains, each input's three loads feeding twelve multiply-adds.
     */
    private static void tile4x3(double[] a, int r, int k, double[] m, int p, int n, double[] c, int j, int q0,
            int q1) {
        int c0 = r * n + j;
        int c1 = c0 + n;
        int c2 = c1 + n;
        int c3 = c2 + n;
        DoubleVector s00 = DoubleVector.fromArray(P, c, c0);
        DoubleVector s01 = DoubleVector.fromArray(P, c, c0 + PL);
        DoubleVector s02 = DoubleVector.fromArray(P, c, c0 + 2 * PL);
        DoubleVector s10 = DoubleVector.fromArray(P, c, c1);
        DoubleVector s11 = DoubleVector.fromArray(P, c, c1 + PL);
        DoubleVector s12 = DoubleVector.fromArray(P, c, c1 + 2 * PL);
        DoubleVector s20 = DoubleVector.fromArray(P, c, c2);
        DoubleVector s21 = DoubleVector.fromArray(P, c, c2 + PL);
        DoubleVector s22 = DoubleVector.fromArray(P, c, c2 + 2 * PL);
        DoubleVector s30 = DoubleVector.fromArray(P, c, c3);
        DoubleVector s31 = DoubleVector.fromArray(P, c, c3 + PL);
        DoubleVector s32 = DoubleVector.fromArray(P, c, c3 + 2 * PL);
        int a0 = r * k;
        int a1 = a0 + k;
        int a2 = a1 + k;
        int a3 = a2 + k;
        for (int q = q0; q < q1; q++) {
            int at = p + q * TILE;
            DoubleVector m0 = DoubleVector.fromArray(P, m, at);
            DoubleVector m1 = DoubleVector.fromArray(P, m, at + PL);
            DoubleVector m2 = DoubleVector.fromArray(P, m, at + 2 * PL);
            DoubleVector v = DoubleVector.broadcast(P, a[a0 + q]);
            s00 = v.fma(m0, s00);
            s01 = v.fma(m1, s01);
            s02 = v.fma(m2, s02);
            v = DoubleVector.broadcast(P, a[a1 + q]);
            s10 = v.fma(m0, s10);
            s11 = v.fma(m1, s11);
            s12 = v.fma(m2, s12);
            v = DoubleVector.broadcast(P, a[a2 + q]);
            s20 = v.fma(m0, s20);
            s21 = v.fma(m1, s21);
            s22 = v.fma(m2, s22);
            v = DoubleVector.broadcast(P, a[a3 + q]);
            s30 = v.fma(m0, s30);
            s31 = v.fma(m1, s31);
            s32 = v.fma(m2, s32);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + PL);
        s02.intoArray(c, c0 + 2 * PL);
        s10.intoArray(c, c1);
        s11.intoArray(c, c1 + PL);
        s12.intoArray(c, c1 + 2 * PL);
        s20.intoArray(c, c2);
        s21.intoArray(c, c2 + PL);
        s22.intoArray(c, c2 + 2 * PL);
        s30.intoArray(c, c3);
        s31.intoArray(c, c3 + PL);
        s32.intoArray(c, c3 + 2 * PL);
    }


    /** Four rows by one vector of a strip w columns wide (row q of it at {@code p + q * w}). */
    private static void tile4x1(double[] a, int r, int k, double[] m, int p, int w, int n, double[] c, int j, int q0,
            int q1) {
        int c0 = r * n + j;
        DoubleVector s0 = DoubleVector.fromArray(P, c, c0);
        DoubleVector s1 = DoubleVector.fromArray(P, c, c0 + n);
        DoubleVector s2 = DoubleVector.fromArray(P, c, c0 + 2 * n);
        DoubleVector s3 = DoubleVector.fromArray(P, c, c0 + 3 * n);
        int a0 = r * k;
        for (int q = q0; q < q1; q++) {
            DoubleVector m0 = DoubleVector.fromArray(P, m, p + q * w);
            s0 = DoubleVector.broadcast(P, a[a0 + q]).fma(m0, s0);
            s1 = DoubleVector.broadcast(P, a[a0 + k + q]).fma(m0, s1);
            s2 = DoubleVector.broadcast(P, a[a0 + 2 * k + q]).fma(m0, s2);
            s3 = DoubleVector.broadcast(P, a[a0 + 3 * k + q]).fma(m0, s3);
        }
        s0.intoArray(c, c0);
        s1.intoArray(c, c0 + n);
        s2.intoArray(c, c0 + 2 * n);
        s3.intoArray(c, c0 + 3 * n);
    }

    /** One row by one vector of a strip w columns wide. */
    private static void tile1x1(double[] a, int r, int k, double[] m, int p, int w, int n, double[] c, int j, int q0,
            int q1) {
        int c0 = r * n + j;
        DoubleVector s = DoubleVector.fromArray(P, c, c0);
        int a0 = r * k;
        for (int q = q0; q < q1; q++) {
            s = DoubleVector.broadcast(P, a[a0 + q]).fma(DoubleVector.fromArray(P, m, p + q * w), s);
        }
        s.intoArray(c, c0);
    }

    /**
     * One column of four rows: the four chains a lane computes, side by side (each alone would wait for its last
     * multiply-add at every step; a binary or regression output layer is such a column).
     */
    private static void scalar4(double[] a, int r, int k, double[] m, int p, int w, int n, double[] c, int j, int q0,
            int q1) {
        int c0 = r * n + j;
        double s0 = c[c0];
        double s1 = c[c0 + n];
        double s2 = c[c0 + 2 * n];
        double s3 = c[c0 + 3 * n];
        int a0 = r * k;
        for (int q = q0; q < q1; q++) {
            double v = m[p + q * w];
            s0 = Math.fma(a[a0 + q], v, s0);
            s1 = Math.fma(a[a0 + k + q], v, s1);
            s2 = Math.fma(a[a0 + 2 * k + q], v, s2);
            s3 = Math.fma(a[a0 + 3 * k + q], v, s3);
        }
        c[c0] = s0;
        c[c0 + n] = s1;
        c[c0 + 2 * n] = s2;
        c[c0 + 3 * n] = s3;
    }

    /** One number: the same chain a lane computes, with the same fused multiply-adds. */
    private static void scalar(double[] a, int r, int k, double[] m, int p, int w, int n, double[] c, int j, int q0,
            int q1) {
        double s = c[r * n + j];
        int a0 = r * k;
        for (int q = q0; q < q1; q++) {
            s = Math.fma(a[a0 + q], m[p + q * w], s);
        }
        c[r * n + j] = s;
    }

    /**
     * g[q][j] += sum_r in[r][q] d[r][j] for q in [from, to) (from a multiple of 4), every j, with g (at {@code at}, k x
     * n) and d (rows x n) in strips: for each weight one chain of multiply-adds over the rows in order, continuing
     * from the sum g holds. The inputs are taken in blocks of groups of four whose values fit {@code column}
     * (COLUMN_VALUES): each block's values are first copied there, group after group, each group row after row (read
     * in place, its rows would be k values apart); then every strip of d goes through the whole block while it is in
     * the L1 cache, once per block rather than once per group.
     */
    static void transposedProductRange(double[] in, int rows, int k, double[] d, int n, double[] g, int at, int from,
            int to, double[] column) {
        int groups = Math.max(1, COLUMN_VALUES / (4 * rows));
        int whole = from + (to - from) / 4 * 4;
        for (int q0 = from; q0 < whole; q0 += 4 * groups) {
            int q1 = Math.min(whole, q0 + 4 * groups);
            int c = 0;
            for (int q = q0; q < q1; q += 4) {
                for (int r = 0; r < rows; r++, c += 4) {
                    int i = r * k + q;
                    column[c] = in[i];
                    column[c + 1] = in[i + 1];
                    column[c + 2] = in[i + 2];
                    column[c + 3] = in[i + 3];
                }
            }
            for (int j = 0; j < n; j += TILE) {
                int w = Math.min(TILE, n - j);
                int strip = j * rows;
                for (int q = q0; q < q1; q += 4) {
                    int col = (q - q0) * rows;
                    int g0 = at + j * k + q * w;
                    if (w == TILE) {
                        sums4x3(column, col, rows, d, strip, g, g0);
                        continue;
                    }
                    int jj = 0;
                    for (; jj + PL <= w; jj += PL) {
                        sums4x1(column, col, rows, d, strip + jj, w, g, g0 + jj);
                    }
                    for (; jj < w; jj++) {
                        sumScalar4(column, col, rows, d, strip + jj, w, g, g0 + jj);
                    }
                }
            }
        }
        for (int q = whole; q < to; q++) {
            for (int j = 0; j < n; j += TILE) {
                int w = Math.min(TILE, n - j);
                int strip = j * rows;
                int g0 = at + j * k + q * w;
                int jj = 0;
                for (; jj + PL <= w; jj += PL) {
                    sums1x1(in, k, q, rows, d, strip + jj, w, g, g0 + jj);
                }
                for (; jj < w; jj++) {
                    sumScalar(in, k, q, rows, d, strip + jj, w, g, g0 + jj);
                }
            }
        }
    }

    /**
     * Four inputs (their rows' values four by four in {@code column} from col) by a whole strip of units (row r of
     * the strip's deltas at {@code p + r * TILE}; the four inputs' weights one strip row after the other from g0):
     * twelve chains over the rows.
     */
    private static void sums4x3(double[] column, int col, int rows, double[] d, int p, double[] g, int g0) {
        int g1 = g0 + TILE;
        int g2 = g1 + TILE;
        int g3 = g2 + TILE;
        DoubleVector s00 = DoubleVector.fromArray(P, g, g0);
        DoubleVector s01 = DoubleVector.fromArray(P, g, g0 + PL);
        DoubleVector s02 = DoubleVector.fromArray(P, g, g0 + 2 * PL);
        DoubleVector s10 = DoubleVector.fromArray(P, g, g1);
        DoubleVector s11 = DoubleVector.fromArray(P, g, g1 + PL);
        DoubleVector s12 = DoubleVector.fromArray(P, g, g1 + 2 * PL);
        DoubleVector s20 = DoubleVector.fromArray(P, g, g2);
        DoubleVector s21 = DoubleVector.fromArray(P, g, g2 + PL);
        DoubleVector s22 = DoubleVector.fromArray(P, g, g2 + 2 * PL);
        DoubleVector s30 = DoubleVector.fromArray(P, g, g3);
        DoubleVector s31 = DoubleVector.fromArray(P, g, g3 + PL);
        DoubleVector s32 = DoubleVector.fromArray(P, g, g3 + 2 * PL);
        for (int r = 0; r < rows; r++) {
            int dAt = p + r * TILE;
            DoubleVector d0 = DoubleVector.fromArray(P, d, dAt);
            DoubleVector d1 = DoubleVector.fromArray(P, d, dAt + PL);
            DoubleVector d2 = DoubleVector.fromArray(P, d, dAt + 2 * PL);
            int i = col + 4 * r;
            DoubleVector v = DoubleVector.broadcast(P, column[i]);
            s00 = v.fma(d0, s00);
            s01 = v.fma(d1, s01);
            s02 = v.fma(d2, s02);
            v = DoubleVector.broadcast(P, column[i + 1]);
            s10 = v.fma(d0, s10);
            s11 = v.fma(d1, s11);
            s12 = v.fma(d2, s12);
            v = DoubleVector.broadcast(P, column[i + 2]);
            s20 = v.fma(d0, s20);
            s21 = v.fma(d1, s21);
            s22 = v.fma(d2, s22);
            v = DoubleVector.broadcast(P, column[i + 3]);
            s30 = v.fma(d0, s30);
            s31 = v.fma(d1, s31);
            s32 = v.fma(d2, s32);
        }
        s00.intoArray(g, g0);
        s01.intoArray(g, g0 + PL);
        s02.intoArray(g, g0 + 2 * PL);
        s10.intoArray(g, g1);
        s11.intoArray(g, g1 + PL);
        s12.intoArray(g, g1 + 2 * PL);
        s20.intoArray(g, g2);
        s21.intoArray(g, g2 + PL);
        s22.intoArray(g, g2 + 2 * PL);
        s30.intoArray(g, g3);
        s31.intoArray(g, g3 + PL);
        s32.intoArray(g, g3 + 2 * PL);
    }

    /** Four inputs by one vector of a strip w units wide. */
    private static void sums4x1(double[] column, int col, int rows, double[] d, int p, int w, double[] g, int g0) {
        DoubleVector s0 = DoubleVector.fromArray(P, g, g0);
        DoubleVector s1 = DoubleVector.fromArray(P, g, g0 + w);
        DoubleVector s2 = DoubleVector.fromArray(P, g, g0 + 2 * w);
        DoubleVector s3 = DoubleVector.fromArray(P, g, g0 + 3 * w);
        for (int r = 0; r < rows; r++) {
            DoubleVector d0 = DoubleVector.fromArray(P, d, p + r * w);
            int i = col + 4 * r;
            s0 = DoubleVector.broadcast(P, column[i]).fma(d0, s0);
            s1 = DoubleVector.broadcast(P, column[i + 1]).fma(d0, s1);
            s2 = DoubleVector.broadcast(P, column[i + 2]).fma(d0, s2);
            s3 = DoubleVector.broadcast(P, column[i + 3]).fma(d0, s3);
        }
        s0.intoArray(g, g0);
        s1.intoArray(g, g0 + w);
        s2.intoArray(g, g0 + 2 * w);
        s3.intoArray(g, g0 + 3 * w);
    }

    /** One input (value of row r at {@code v[r * stride + at]}) by one vector of a strip w units wide. */
    private static void sums1x1(double[] v, int stride, int at, int rows, double[] d, int p, int w, double[] g,
            int g0) {
        DoubleVector s = DoubleVector.fromArray(P, g, g0);
        for (int r = 0; r < rows; r++) {
            s = DoubleVector.broadcast(P, v[r * stride + at]).fma(DoubleVector.fromArray(P, d, p + r * w), s);
        }
        s.intoArray(g, g0);
    }

    /** Four inputs by one unit: the four weights' chains side by side (as for an output layer of one unit). */
    private static void sumScalar4(double[] column, int col, int rows, double[] d, int p, int w, double[] g, int g0) {
        double s0 = g[g0];
        double s1 = g[g0 + w];
        double s2 = g[g0 + 2 * w];
        double s3 = g[g0 + 3 * w];
        for (int r = 0; r < rows; r++) {
            double e = d[p + r * w];
            int i = col + 4 * r;
            s0 = Math.fma(column[i], e, s0);
            s1 = Math.fma(column[i + 1], e, s1);
            s2 = Math.fma(column[i + 2], e, s2);
            s3 = Math.fma(column[i + 3], e, s3);
        }
        g[g0] = s0;
        g[g0 + w] = s1;
        g[g0 + 2 * w] = s2;
        g[g0 + 3 * w] = s3;
    }

    /** One weight's sum (the input's value of row r at {@code v[r * stride + at]}): the chain a lane computes. */
    private static void sumScalar(double[] v, int stride, int at, int rows, double[] d, int p, int w, double[] g,
            int g0) {
        double s = g[g0];
        for (int r = 0; r < rows; r++) {
            s = Math.fma(v[r * stride + at], d[p + r * w], s);
        }
        g[g0] = s;
    }

    /** g[at + j] += sum_r d[r][j]: each bias's sum over the rows in order. */
    private static void biasSums(double[] d, int rows, int n, double[] g, int at) {
        int j = 0;
        for (; j + LANES <= n; j += LANES) {
            DoubleVector s = DoubleVector.fromArray(S, g, at + j);
            for (int r = 0; r < rows; r++) {
                s = s.add(DoubleVector.fromArray(S, d, r * n + j));
            }
            s.intoArray(g, at + j);
        }
        for (; j < n; j++) {
            double s = g[at + j];
            for (int r = 0; r < rows; r++) {
                s += d[r * n + j];
            }
            g[at + j] = s;
        }
    }

    /** values[i] *= by[i] for i < count. */
    private static void multiply(double[] values, double[] by, int count) {
        int i = 0;
        for (; i + LANES <= count; i += LANES) {
            DoubleVector.fromArray(S, values, i).mul(DoubleVector.fromArray(S, by, i)).intoArray(values, i);
        }
        for (; i < count; i++) {
            values[i] *= by[i];
        }
    }

    /**
     * Copies the k x n row-major matrix {@code src} (from srcAt) into {@code dst} (from dstAt) in strips of
     * {@link #TILE} columns: the strip of columns j0 .. j0 + w (w = min(TILE, n - j0)) starts at dstAt + j0 * k and
     * holds row q's w values at q * w. A product then reads the rows of a strip one after the other.
     */
    static void pack(double[] src, int srcAt, int k, int n, double[] dst, int dstAt) {
        for (int j0 = 0; j0 < n; j0 += TILE) {
            int w = Math.min(TILE, n - j0);
            int strip = dstAt + j0 * k;
            for (int q = 0; q < k; q++) {
                System.arraycopy(src, srcAt + q * n + j0, dst, strip + q * w, w);
            }
        }
    }

    /** The inverse of {@link #pack}: strips back into a k x n row-major matrix. */
    static void unpack(double[] src, int srcAt, int k, int n, double[] dst, int dstAt) {
        for (int j0 = 0; j0 < n; j0 += TILE) {
            int w = Math.min(TILE, n - j0);
            int strip = srcAt + j0 * k;
            for (int q = 0; q < k; q++) {
                System.arraycopy(src, strip + q * w, dst, dstAt + q * n + j0, w);
            }
        }
    }

    /**
     * The transposed copies of W_1 .. W_{L-1} (units x inputs, in strips of inputs), from theta's strips of W_l:
     * block by block of TILE inputs by TILE units, each read from one strip and written into another.
     */
    private void transpose() {
        for (int l = 1; l < layers; l++) {
            int nIn = width[l];
            int nOut = width[l + 1];
            double[] t = transposed[l];
            int at = weightOffset[l];
            for (int i0 = 0; i0 < nIn; i0 += TILE) {
                int wt = Math.min(TILE, nIn - i0);
                int tStrip = i0 * nOut;
                for (int j0 = 0; j0 < nOut; j0 += TILE) {
                    int w = Math.min(TILE, nOut - j0);
                    int strip = at + j0 * nIn;
                    for (int i = i0; i < i0 + wt; i++) {
                        int from = strip + i * w;
                        int to = tStrip + j0 * wt + (i - i0);
                        for (int c = 0; c < w; c++) {
                            t[to + c * wt] = theta[from + c];
                        }
                    }
                }
            }
        }
    }

    @Override
    public double addL2(double l2) {
        double rate = l2;
        double squares = 0;
        // the squares in W_l's row-major order, as before the strips (and as Backprop adds them)
        for (int l = 0; l < layers; l++) {
            int k = width[l];
            int n = width[l + 1];
            for (int q = 0; q < k; q++) {
                for (int j0 = 0; j0 < n; j0 += TILE) {
                    int w = Math.min(TILE, n - j0);
                    int i = weightOffset[l] + j0 * k + q * w;
                    for (int end = i + w; i < end; i++) {
                        squares += (double) theta[i] * theta[i];
                        gradient[i] += rate * theta[i];
                    }
                }
            }
        }
        return l2 / 2 * squares;
    }

    @Override
    public void step() {
        if (segments.length == 1 || threads.workers() == 1 || parameters < MIN_PARALLEL_STEP) {
            rule.step(theta, gradient);
        } else {
            // every parameter's update depends on its own values alone: halves on both threads, the same bits
            rule.begin(theta);
            threads.run(2, (part, worker) -> rule.update(theta, gradient, part == 0 ? 0 : parameters / 2,
                    part == 0 ? parameters / 2 : parameters));
        }
        transpose();
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
        transpose();
    }

    @Override
    public Gradients gradients(double loss) {
        return FlatParameters.gradients(network, width, weightOffset, biasOffset, rowMajor(gradient), loss);
    }

    @Override
    public void writeParameters() {
        FlatParameters.write(network, width, weightOffset, biasOffset, rowMajor(theta));
    }

    /** A copy of theta's layout with each W_l row-major again, as FlatParameters reads it. */
    private double[] rowMajor(double[] values) {
        double[] copy = values.clone();
        for (int l = 0; l < layers; l++) {
            unpack(values, weightOffset[l], width[l], width[l + 1], copy, weightOffset[l]);
        }
        return copy;
    }

    @Override
    public void close() {
        train.close();
        if (validation != null) {
            validation.close();
        }
    }

    /**
     * Rows read where the caller keeps them: x and y as views of their native memory (plain row-major copies when
     * they are not), the row weights on the heap.
     */
    private final class Source {
        final int rows;
        private final INDArray features;
        private final INDArray labels;
        private final DoubleBuffer xs;
        private final DoubleBuffer ys;
        private final double[] rowWeights;

        Source(Rows source) {
            this.rows = Math.toIntExact(source.count());
            this.features = NdArrays.isPlainRowMajor(source.x()) ? null : source.x().dup('c');
            this.labels = NdArrays.isPlainRowMajor(source.y()) ? null : source.y().dup('c');
            this.xs = (features != null ? features : source.x()).data().asNioDouble();
            this.ys = (labels != null ? labels : source.y()).data().asNioDouble();
            this.rowWeights = source.weights();
        }

        /**
         * Copies rows order[start .. start + n) (rows start .. start + n when order is null) into the chunk: x
         * row-major, y unit-major with a row stride of {@code stride}, the weights; rows n up to the next multiple
         * of 4 as zeros of weight 0. Returns {@code total} plus the rows' weights, added one by one in order (the
         * count, without weights).
         */
        double gather(int[] order, int start, int n, double[] x, double[] y, double[] weight, int stride,
                double total) {
            int inputs = width[0];
            double sum = total;
            if (order == null) {
                xs.get(start * inputs, x, 0, n * inputs);
            }
            for (int i = 0; i < n; i++) {
                int row = order == null ? start + i : order[start + i];
                if (order != null) {
                    xs.get(row * inputs, x, i * inputs, inputs);
                }
                for (int j = 0; j < outputs; j++) {
                    y[j * stride + i] = ys.get(row * outputs + j);
                }
                double w = rowWeights == null ? 1.0 : rowWeights[row];
                weight[i] = w;
                sum += w;
            }
            int end = (n + LANES - 1) / LANES * LANES;
            Arrays.fill(x, n * inputs, end * inputs, 0.0);
            for (int i = n; i < end; i++) {
                for (int j = 0; j < outputs; j++) {
                    y[j * stride + i] = 0.0;
                }
                weight[i] = 0.0;
            }
            return rowWeights == null ? total + n : sum;
        }

        void close() {
            if (features != null) {
                features.close();
            }
            if (labels != null) {
                labels.close();
            }
        }
    }
}
