package io.netforge.compute;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains a network on the mean loss of its objective, with the gradients of {@link Backprop} and the settings'
 * {@link Optimizer}, epoch by epoch: for full batch each epoch (the article's iteration) runs a forward pass,
 * records the loss J of the parameters it started from, runs the backward pass and steps the parameters (the
 * article's step: {@code theta -= learningRate * dJ/dtheta}); for mini-batches each epoch steps once per batch
 * of a shuffled order of the rows. L2, class weights and early stopping are applied here as well (see
 * {@link #trainOwned(Kernels.Path, Network, INDArray, INDArray, TrainingSettings, TrainingMonitor)}).
 *
 * <p>The passes run on one of two paths, chosen from the network's shape and precision by {@link Kernels}:
 * the Java Vector API kernel for small networks ({@link #VECTOR_F64}, {@link #VECTOR_F32}), ND4J for large ones
 * and whenever the Vector API is not available ({@link #ND4J}). {@link TrainingResult#trainer()} names it.
 *
 * <p>x is N x d and y is N x K, the objective's labels (0/1 for the sigmoid, one-hot rows for the softmax, targets
 * for squared error), both of the settings' data type; the caller keeps owning
 * them. All working arrays are allocated once before the loop and freed when the run ends, however it ends.
 */
public final class Trainer {

    /** Names the plain-ND4J implementation ({@link Backprop}) in {@link TrainingResult#trainer()}. */
    public static final String REFERENCE = "nd4j-reference";
    /** Names ND4J's passes over chunks of rows ({@link Nd4jBlockedKernel}) in {@link TrainingResult#trainer()}. */
    public static final String ND4J = "nd4j-blocked";
    /** Names the Java Vector API kernel in {@link TrainingResult#trainer()}, float64. */
    public static final String VECTOR_F64 = "java-vector-f64";
    /** Names the Java Vector API kernel in {@link TrainingResult#trainer()}, float32. */
    public static final String VECTOR_F32 = "java-vector-f32";
    /** Names the Vector API matrix-product kernel for larger networks ({@link WideKernelF64}), float64. */
    public static final String WIDE_F64 = "java-wide-f64";
    /** Names the Vector API matrix-product kernel for larger networks, float32. */
    public static final String WIDE_F32 = "java-wide-f32";

    /**
     * Rows and float64 iterations of {@link #warmUp()}: enough passes for the JIT to compile the kernels. Four
     * full blocks and a partial one (100 rows), so that the loops' tails are compiled as well; float32 runs
     * three times the iterations, as each of its passes makes half the loop trips.
     */
    static final int WARM_UP_ROWS = 4 * RowBlocks.ROWS_PER_BLOCK + 100;
    static final int WARM_UP_ITERATIONS = 300;
    /** Epochs and rows per batch of the mini-batch part of {@link #warmUp()}: 36 batches an epoch. */
    static final int WARM_UP_EPOCHS = 40;
    /**
     * Epochs of the binary mini-batch run that ends {@link #warmUp()}: 5,760 batches. Added when the runs of other
     * shapes before it made C2 drop the binary loss's compiled code (its clamp was a branch the first compilation had
     * never seen taken), which then stayed at tier 3 until the first binary mini-batch job compiled it again. That
     * clamp is a blend now (VectorMathF64.atLeast), which removes the cause; the run stays until the first-job bench
     * shows it can go (it costs a few hundred milliseconds of the warm-up).
     */
    static final int WARM_UP_LAST_EPOCHS = 160;
    static final int WARM_UP_BATCH = 32;
    /**
     * Hidden layers of the wide kernel's part of {@link #warmUp()}: on mini-batches 10,504 parameters (20 inputs, one
     * output), on the full batch 70,379 (3 classes), both past the small kernel's limits. Widths that leave strips
     * of vectors and of single columns after the whole tiles, on 256-bit vectors and on 512-bit ones
     * (93 = 7 x 12 + 9 = 3 x 24 + 21, 90 = 7 x 12 + 6 = 3 x 24 + 18, 256 = 21 x 12 + 4 = 10 x 24 + 16,
     * 250 = 20 x 12 + 10 = 10 x 24 + 10), so that C2 compiles every branch of the products before a job takes one
     * (with [96, 96], whole tiles only, and [256, 256] a first job of other widths ran its first epoch partly in code
     * C2 had not compiled yet, on 512-bit products 0.07-0.30 s an epoch against 0.03-0.04 s for its later ones).
     */
    static final List<Integer> WARM_UP_WIDE = List.of(93, 90);
    static final List<Integer> WARM_UP_WIDE_FULL = List.of(256, 250);
    static final int WARM_UP_WIDE_ITERATIONS = 8;
    static final int WARM_UP_WIDE_EPOCHS = 12;
    /** Hidden layers, batch sizes and epochs of the shapes {@link #warmUp()} also trains briefly. */
    static final List<List<Integer>> WARM_UP_SHAPES = List.of(List.of(16), List.of(5), List.of(13, 6),
            List.of(32, 16));
    static final int[] WARM_UP_BATCHES = {64, 100};
    static final int WARM_UP_SHAPE_EPOCHS = 4;
    /** Longest wait, after the warm-up's trainings, for the compilations they queued. */
    static final java.time.Duration WARM_UP_COMPILATIONS = java.time.Duration.ofSeconds(10);


    private Trainer() {
    }

    /**
     * Bits of the vectors the wide kernel's matrix products run on in this JVM (256 or 512; speed only, the same
     * bits either way), or 0 when the Vector API kernels are not available here.
     */
    public static int wideProductBits() {
        return Kernels.vectorAvailable() ? VectorKernels.PRODUCT_BITS : 0;
    }

    /**
     * Compiles the Vector API kernels before the first real training. The JIT compiles them only after a
     * few hundred passes, so the first training in a fresh JVM would otherwise run them interpreted: about
     * 3 s for the article's workload instead of 0.3 s. Trains throwaway networks on synthetic data in both
     * precisions: for each objective (binary, softmax, squared error) one of full batch and one of mini-batches
     * (ReLU and tanh layers, Adam), and a wide network on the matrix-product kernel, full batch and mini-batches;
     * a few seconds of CPU; does nothing when the Vector API is not available. Results of later trainings are the same with or without it.
     */
    public static void warmUp() {
        if (!Kernels.vectorAvailable()) {
            return;
        }
        java.util.Random random = new java.util.Random(0);
        int columns = 20;
        double[] x = new double[WARM_UP_ROWS * columns];
        double[] y = new double[WARM_UP_ROWS];
        for (int i = 0; i < x.length; i++) {
            // some rows far out, so that the sigmoid's clamp for extreme logits is compiled too
            x[i] = random.nextGaussian() * (i / columns % 97 == 0 ? 1e4 : 1);
        }
        for (int r = 0; r < WARM_UP_ROWS; r++) {
            y[r] = random.nextInt(2);
        }
        // three classes (one-hot) and a numeric target, for the softmax and squared-error objectives
        double[] classes = new double[WARM_UP_ROWS * 3];
        double[] targets = new double[WARM_UP_ROWS];
        for (int r = 0; r < WARM_UP_ROWS; r++) {
            classes[r * 3 + random.nextInt(3)] = 1;
            targets[r] = random.nextGaussian();
        }
        for (Precision precision : Precision.values()) {
            try (INDArray features = Nd4j.create(x, new long[] {WARM_UP_ROWS, columns}, precision.dataType());
                    INDArray labels = Nd4j.create(y, new long[] {WARM_UP_ROWS, 1}, precision.dataType());
                    INDArray oneHot = Nd4j.create(classes, new long[] {WARM_UP_ROWS, 3}, precision.dataType());
                    INDArray numbers = Nd4j.create(targets, new long[] {WARM_UP_ROWS, 1}, precision.dataType())) {
                for (TrainingSettings settings : warmUpRuns(precision)) {
                    INDArray target = switch (settings.objective()) {
                        case SIGMOID_CROSS_ENTROPY -> labels;
                        case SOFTMAX_CROSS_ENTROPY -> oneHot;
                        case SQUARED_ERROR -> numbers;
                    };
                    try (TrainingResult ignored = train(features, target, settings, TrainingMonitor.NONE)) {
                        // only the compiled code is wanted
                    }
                }
            }
        }
        awaitCompilations(WARM_UP_COMPILATIONS);
        // Before C2 has compiled them, the kernels run with their vectors boxed: the warm-up leaves ~1 GB of garbage
        // behind it, for which the heap grew (a later job allocates almost nothing). G1 gives heap back to the
        // system after a full collection or at the end of a concurrent cycle (what System.gc() starts under the
        // service's -XX:+ExplicitGCInvokesConcurrent), not after young collections: asking for one now, before the
        // first job, returns it (983 MB resident after the warm-up -> 219 MB; TrainingBench's large-memory child).
        System.gc();
    }

    /**
     * Waits until the JIT has finished what the warm-up queued (no compilation ends for 200 ms), at most
     * {@code most}: a first job that starts while the compiler threads still work shares the two cores with them.
     */
    static void awaitCompilations(java.time.Duration most) {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long deadline = System.nanoTime() + most.toNanos();
        long last = jit.getTotalCompilationTime();
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = jit.getTotalCompilationTime();
            if (now == last) {
                return;
            }
            last = now;
        }
    }

    /**
     * The throwaway trainings of {@link #warmUp()} in one precision, on {@link #WARM_UP_ROWS} rows of 20 inputs: for
     * each objective one of full batch and one of mini-batches (the batch copy, a rectifier, tanh and Adam are code
     * of their own); the wide kernel on both; then brief runs of other widths, depths and batch sizes, for the loops'
     * tails and branches a job of another shape takes, which the JIT would otherwise have left out of the compiled
     * code and compile again in that job.
     */
    static List<TrainingSettings> warmUpRuns(Precision precision) {
        int scale = precision == Precision.FLOAT32 ? 3 : 1;
        Optimizer adam = new Optimizer.Adam(0.001, 0.9, 0.999, 1e-8);
        TrainingSettings article = TrainingSettings.article(List.of(8, 3), 1.0, scale * WARM_UP_ITERATIONS, 0,
                precision);
        TrainingSettings batches = article.withActivations(List.of(Activation.RELU, Activation.TANH))
                .withOptimizer(adam).withBatchSize(WARM_UP_BATCH).withMaxIterations(scale * WARM_UP_EPOCHS);
        List<TrainingSettings> runs = new ArrayList<>();
        for (Objective objective : Objective.values()) {
            TrainingSettings full = article.withObjective(objective);
            runs.add(objective == Objective.SQUARED_ERROR ? full.withOptimizer(new Optimizer.GradientDescent(0.01))
                    : full);
            runs.add(batches.withObjective(objective));
        }
        TrainingSettings relu = batches.withActivations(List.of(Activation.RELU));
        // twice: the second pair runs the passes C2 compiled again after the first pair's change of objective and
        // batch (an uncommon trap), long enough for them to reach C2 before the warm-up ends (on 512-bit products
        // float32's loops make a quarter of the trips and did not, and a first job ran them boxed)
        for (int round = 0; round < 2; round++) {
            runs.add(relu.withObjective(Objective.SOFTMAX_CROSS_ENTROPY).withHiddenLayers(WARM_UP_WIDE_FULL)
                    .withBatchSize(0).withMaxIterations(scale * WARM_UP_WIDE_ITERATIONS));
            runs.add(relu.withHiddenLayers(WARM_UP_WIDE).withMaxIterations(scale * WARM_UP_WIDE_EPOCHS));
        }
        for (List<Integer> hidden : WARM_UP_SHAPES) {
            for (int batch : WARM_UP_BATCHES) {
                TrainingSettings shape = relu.withHiddenLayers(hidden).withBatchSize(batch)
                        .withMaxIterations(WARM_UP_SHAPE_EPOCHS);
                runs.add(shape);
                runs.add(shape.withObjective(Objective.SOFTMAX_CROSS_ENTROPY));
            }
        }
        runs.add(batches.withMaxIterations(scale * WARM_UP_LAST_EPOCHS));
        return runs;
    }

    /**
     * Trains a network initialised from {@code settings.seed()} (see {@link Network#initialise}).
     *
     * @throws IllegalArgumentException   when x, y or the settings do not fit together
     * @throws NonFiniteLossException      when the loss of some iteration is NaN or infinite
     * @throws TrainingCancelledException  when the monitor returns false
     */
    public static TrainingResult train(INDArray x, INDArray y, TrainingSettings settings, TrainingMonitor monitor) {
        requireSettings(settings, monitor);
        requireData(x, y, settings);
        Network network = Network.initialise(settings.architecture((int) x.columns(), (int) y.columns()),
                settings.initialization(), settings.seed(), settings.precision());
        return trainOwned(network, x, y, settings, monitor);
    }

    /**
     * Trains a copy of {@code initial}, which is left untouched; {@code settings.seed()} and
     * {@code settings.initialization()} are not used. The settings' layers, activations and precision must be the
     * initial network's.
     */
    public static TrainingResult train(Network initial, INDArray x, INDArray y, TrainingSettings settings,
            TrainingMonitor monitor) {
        requireSettings(settings, monitor);
        if (initial == null) {
            throw new IllegalArgumentException("initial network is missing");
        }
        if (initial.precision() != settings.precision()) {
            throw new IllegalArgumentException("the initial network has precision " + initial.precision()
                    + " but the settings ask for " + settings.precision());
        }
        var hidden = initial.layerSizes().subList(1, initial.layerSizes().size() - 1);
        if (!hidden.equals(settings.hiddenLayers())) {
            throw new IllegalArgumentException("the initial network has hidden layers " + hidden
                    + " but the settings ask for " + settings.hiddenLayers());
        }
        Architecture asked = settings.architecture(initial.inputs(), initial.architecture().outputs());
        if (!initial.architecture().equals(asked)) {
            throw new IllegalArgumentException("the initial network is " + initial.architecture()
                    + " but the settings ask for " + asked);
        }
        requireData(x, y, settings);
        Backprop.requireBatch(initial, x, y);
        return trainOwned(initial.copy(), x, y, settings, monitor);
    }

    /** Trains {@code network} in place on the path its shape calls for; closes it unless it is returned. */
    private static TrainingResult trainOwned(Network network, INDArray x, INDArray y, TrainingSettings settings,
            TrainingMonitor monitor) {
        return trainOwned(Kernels.choose(network, x.rows(), settings.miniBatches(x.rows())), network, x, y, settings,
                monitor);
    }

    /**
     * Trains {@code network} in place on the given path (tests pin paths against each other with it); closes
     * the network unless it is returned in the result.
     *
     * <p>Each epoch t: for full batch one step on all the training rows; for mini-batches the rows in a new
     * {@link RowOrder}, batch by batch, a step after each. A step is: the loss and its gradient on the batch
     * (weighted by class when asked), plus the L2 penalty and its gradient, then the update rule. The epoch's loss
     * is recorded (for mini-batches the mean of its batches'), and with early stopping the validation loss of the
     * parameters after the epoch.
     */
    static TrainingResult trainOwned(Kernels.Path path, Network network, INDArray x, INDArray y,
            TrainingSettings settings, TrainingMonitor monitor) {
        boolean returned = false;
        List<INDArray> owned = new ArrayList<>();
        try {
            long start = System.nanoTime();
            Objective objective = settings.objective();
            int classCount = classCount(objective, y);
            // the class of each row (for regression every row is of one "class": the split is then just seeded)
            int[] classes = classes(objective, y);
            ValidationSplit split = settings.earlyStopping() == null ? null
                    : ValidationSplit.of(classes, classCount, settings.earlyStopping().validationFraction(), settings.seed());
            int[] trainRows = split == null ? null : split.training();
            if (settings.classWeights() != null && objective == Objective.SQUARED_ERROR) {
                throw new IllegalArgumentException("class weights need classes; squared error has none");
            }
            double[] classWeights = settings.classWeights() == null ? null
                    : settings.classWeights().resolve(rowsPerClass(classes, classCount, trainRows));
            Rows train = rows(x, y, classes, trainRows, classWeights, owned);
            Rows validation = split == null ? null : rows(x, y, classes, split.validation(), classWeights, owned);
            int n = Math.toIntExact(train.count());
            boolean miniBatches = settings.miniBatches(n);
            int batchSize = miniBatches ? settings.batchSize() : 0;
            int iterations = settings.maxIterations();
            double[] losses = new double[iterations];
            double[] validationLosses = split == null ? null : new double[iterations];
            EarlyStopping stopping = settings.earlyStopping();
            double bestLoss = Double.POSITIVE_INFINITY;
            int bestIteration = 0;
            int sinceBest = 0;
            int done = 0;
            TrainingResult.StoppedBy stoppedBy = TrainingResult.StoppedBy.MAX_ITERATIONS;
            RowOrder order = miniBatches ? new RowOrder(n, settings.seed()) : null;
            String name;
            try (UpdateRule rule = settings.optimizer().start();
                    TrainingKernel kernel = Kernels.create(path, network, train, validation, batchSize, rule)) {
                name = kernel.name();
                for (int t = 1; t <= iterations; t++) {
                    double loss;
                    if (!miniBatches) {
                        loss = step(kernel, kernel.lossAndGradients(), settings.l2(), t);
                    } else {
                        int[] rows = order.nextEpoch();
                        double sum = 0;
                        int batches = 0;
                        for (int from = 0; from < n; from += batchSize) {
                            sum += step(kernel, kernel.lossAndGradients(rows, from, Math.min(n, from + batchSize)),
                                    settings.l2(), t);
                            batches++;
                            if (!monitor.keepGoing()) {
                                throw new TrainingCancelledException(t);
                            }
                        }
                        loss = sum / batches;
                    }
                    losses[t - 1] = loss;
                    done = t;
                    boolean stop = false;
                    if (validation != null) {
                        double validationLoss = kernel.validationLoss();
                        validationLosses[t - 1] = validationLoss;
                        monitor.onValidation(t, validationLoss);
                        if (validationLoss < bestLoss - stopping.minDelta()) {
                            bestLoss = validationLoss;
                            bestIteration = t;
                            sinceBest = 0;
                            kernel.keepBest();
                        } else if (++sinceBest >= stopping.patience()) {
                            stop = true;
                        }
                    }
                    if (!monitor.onIteration(t, loss)) {
                        throw new TrainingCancelledException(t);
                    }
                    if (stop) {
                        stoppedBy = TrainingResult.StoppedBy.EARLY_STOPPING;
                        break;
                    }
                }
                if (validation != null && bestIteration > 0) {
                    kernel.restoreBest();
                }
                kernel.writeParameters();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            TrainingResult.Validation validated = split == null ? null
                    : new TrainingResult.Validation(split.validation(), Arrays.copyOf(validationLosses, done),
                            bestIteration == 0 ? done : bestIteration);
            TrainingResult result = new TrainingResult(network, done == iterations ? losses : Arrays.copyOf(losses, done),
                    done, seconds, name, validated, stoppedBy, classWeights);
            returned = true;
            return result;
        } finally {
            NdArrays.closeAll(owned);
            if (!returned) {
                network.close();
            }
        }
    }

    /** Adds the L2 penalty to a batch's loss and its gradient, checks the loss, and steps. */
    private static double step(TrainingKernel kernel, double loss, double l2, int iteration) {
        if (Double.isFinite(loss) && l2 > 0) {
            loss += kernel.addL2(l2);
        }
        if (!Double.isFinite(loss)) {
            throw new NonFiniteLossException(iteration, loss);
        }
        kernel.step();
        return loss;
    }

    /** Classes of the objective: 2 for the sigmoid, one per output for the softmax, 1 (none) for squared error. */
    private static int classCount(Objective objective, INDArray y) {
        return switch (objective) {
            case SIGMOID_CROSS_ENTROPY -> 2;
            case SOFTMAX_CROSS_ENTROPY -> (int) y.columns();
            case SQUARED_ERROR -> 1;
        };
    }

    /**
     * The class code of every row: its 0/1 label for the sigmoid, the position of the one in its one-hot row for the
     * softmax, 0 for squared error; labels that are neither fail with a message naming the row.
     */
    private static int[] classes(Objective objective, INDArray y) {
        double[] labels = NdArrays.toDoubles(y);
        int k = (int) y.columns();
        int[] classes = new int[Math.toIntExact(y.rows())];
        for (int r = 0; r < classes.length; r++) {
            switch (objective) {
                case SIGMOID_CROSS_ENTROPY -> {
                    if (labels[r] != 0 && labels[r] != 1) {
                        throw new IllegalArgumentException("y[" + r + "] is " + labels[r] + "; labels must be 0 or 1");
                    }
                    classes[r] = (int) labels[r];
                }
                case SOFTMAX_CROSS_ENTROPY -> {
                    int hot = -1;
                    for (int j = 0; j < k; j++) {
                        double v = labels[r * k + j];
                        if (v == 1 && hot < 0) {
                            hot = j;
                        } else if (v != 0) {
                            hot = -2;
                        }
                    }
                    if (hot < 0) {
                        throw new IllegalArgumentException("row " + r + " of y is not one-hot: "
                                + Arrays.toString(Arrays.copyOfRange(labels, r * k, (r + 1) * k)));
                    }
                    classes[r] = hot;
                }
                case SQUARED_ERROR -> {
                    if (!Double.isFinite(labels[r])) {
                        throw new IllegalArgumentException("y[" + r + "] is " + labels[r] + "; targets must be finite");
                    }
                    classes[r] = 0;
                }
            }
        }
        return classes;
    }

    private static long[] rowsPerClass(int[] classes, int classCount, int[] subset) {
        long[] counts = new long[classCount];
        if (subset == null) {
            for (int c : classes) {
                counts[c]++;
            }
        } else {
            for (int row : subset) {
                counts[classes[row]]++;
            }
        }
        return counts;
    }

    /**
     * The rows {@code subset} of x and y (all of them, as they are, when null), with each row's class weight; copies
     * of subsets go into {@code owned}.
     */
    private static Rows rows(INDArray x, INDArray y, int[] classes, int[] subset, double[] classWeights,
            List<INDArray> owned) {
        INDArray xs = x;
        INDArray ys = y;
        if (subset != null) {
            xs = x.getRows(subset);
            owned.add(xs);
            ys = y.getRows(subset);
            owned.add(ys);
        }
        double[] weights = null;
        if (classWeights != null) {
            weights = new double[Math.toIntExact(xs.rows())];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = classWeights[classes[subset == null ? i : subset[i]]];
            }
        }
        return new Rows(xs, ys, weights);
    }

    private static void requireSettings(TrainingSettings settings, TrainingMonitor monitor) {
        if (settings == null) {
            throw new IllegalArgumentException("training settings are missing");
        }
        if (monitor == null) {
            throw new IllegalArgumentException("monitor is missing (use TrainingMonitor.NONE)");
        }
        if (settings.precision() == null) {
            throw new IllegalArgumentException("precision is missing");
        }
        if (settings.objective() == null) {
            throw new IllegalArgumentException("objective is missing");
        }
        if (settings.initialization() == null) {
            throw new IllegalArgumentException("initialization is missing");
        }
        if (settings.optimizer() == null) {
            throw new IllegalArgumentException("optimizer is missing");
        }
        double learningRate = settings.optimizer().learningRate();
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a finite number > 0, was " + learningRate);
        }
        if (settings.maxIterations() < 1) {
            throw new IllegalArgumentException("maxIterations must be at least 1, was " + settings.maxIterations());
        }
        if (settings.batchSize() < 0) {
            throw new IllegalArgumentException("batchSize must be 0 (full batch) or more, was " + settings.batchSize());
        }
        if (!(settings.l2() >= 0) || Double.isInfinite(settings.l2())) {
            throw new IllegalArgumentException("l2 must be a finite number >= 0, was " + settings.l2());
        }
    }

    private static void requireData(INDArray x, INDArray y, TrainingSettings settings) {
        if (x == null || y == null) {
            throw new IllegalArgumentException(x == null ? "x is missing" : "y is missing");
        }
        var type = settings.precision().dataType();
        if (x.dataType() != type) {
            throw new IllegalArgumentException("x has data type " + x.dataType() + " but precision "
                    + settings.precision() + " needs " + type);
        }
        if (y.dataType() != type) {
            throw new IllegalArgumentException("y has data type " + y.dataType() + " but precision "
                    + settings.precision() + " needs " + type);
        }
        if (x.rank() != 2 || x.rows() < 1 || x.columns() < 1) {
            throw new IllegalArgumentException("x must be an N x d matrix with N, d >= 1, has shape "
                    + NdArrays.shape(x));
        }
        if (y.rank() != 2 || y.columns() < 1 || (settings.objective() != Objective.SOFTMAX_CROSS_ENTROPY
                && y.columns() != 1)) {
            throw new IllegalArgumentException("y must be an N x 1 column of labels, has shape " + NdArrays.shape(y));
        }
        if (settings.objective() == Objective.SOFTMAX_CROSS_ENTROPY && y.columns() < 2) {
            throw new IllegalArgumentException("y must be N x K, one-hot over K >= 2 classes, has shape "
                    + NdArrays.shape(y));
        }
        if (y.rows() != x.rows()) {
            throw new IllegalArgumentException("x has " + x.rows() + " rows but y has " + y.rows());
        }
    }
}
