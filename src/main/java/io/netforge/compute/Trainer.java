package io.netforge.compute;

import java.util.List;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains a network on the mean loss of its objective, with the gradients of {@link Backprop} and the settings'
 * {@link Optimizer}: each iteration t runs a forward pass, records the loss J of the parameters it started from,
 * runs the backward pass and steps the parameters (the article's: {@code theta -= learningRate * dJ/dtheta}).
 *
 * <p>The passes run on one of two paths, chosen from the network's shape and precision by {@link Kernels}:
 * the Java Vector API kernel for small networks ({@link #VECTOR_F64}, {@link #VECTOR_F32}), ND4J for large ones
 * and whenever the Vector API is not available ({@link #ND4J}). {@link TrainingResult#trainer()} names it.
 *
 * <p>x is N x d and y is N x 1 (labels 0/1), both of the settings' data type; the caller keeps owning
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

    /**
     * Rows and float64 iterations of {@link #warmUp()}: enough passes for the JIT to compile the kernels. Four
     * full blocks and a partial one (100 rows), so that the loops' tails are compiled as well; float32 runs
     * three times the iterations, as each of its passes makes half the loop trips.
     */
    static final int WARM_UP_ROWS = 4 * RowBlocks.ROWS_PER_BLOCK + 100;
    static final int WARM_UP_ITERATIONS = 300;

    private Trainer() {
    }

    /**
     * Compiles the Vector API kernels before the first real training. The JIT compiles them only after a
     * few hundred passes, so the first training in a fresh JVM would otherwise run them interpreted: about
     * 3 s for the article's workload instead of 0.3 s. Trains throwaway networks on synthetic data in both
     * precisions, a few seconds of CPU; does nothing when the Vector API is not available. Results of later
     * trainings are the same with or without it.
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
        for (Precision precision : Precision.values()) {
            try (INDArray features = Nd4j.create(x, new long[] {WARM_UP_ROWS, columns}, precision.dataType());
                    INDArray labels = Nd4j.create(y, new long[] {WARM_UP_ROWS, 1}, precision.dataType());
                    TrainingResult ignored = train(features, labels, TrainingSettings.article(List.of(8, 3), 1.0,
                            precision == Precision.FLOAT32 ? 3 * WARM_UP_ITERATIONS : WARM_UP_ITERATIONS, 0,
                            precision), TrainingMonitor.NONE)) {
                // Only the compiled code is wanted.
            }
        }
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
        Network network = Network.initialise(settings.architecture((int) x.columns()), settings.initialization(),
                settings.seed(), settings.precision());
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
        if (!initial.architecture().equals(settings.architecture(initial.inputs()))) {
            throw new IllegalArgumentException("the initial network is " + initial.architecture()
                    + " but the settings ask for " + settings.architecture(initial.inputs()));
        }
        requireData(x, y, settings);
        Backprop.requireBatch(initial, x, y);
        return trainOwned(initial.copy(), x, y, settings, monitor);
    }

    /** Trains {@code network} in place on the path its shape calls for; closes it unless it is returned. */
    private static TrainingResult trainOwned(Network network, INDArray x, INDArray y, TrainingSettings settings,
            TrainingMonitor monitor) {
        return trainOwned(Kernels.choose(network, x.rows()), network, x, y, settings, monitor);
    }

    /**
     * Trains {@code network} in place on the given path (tests pin paths against each other with it); closes
     * the network unless it is returned in the result.
     */
    static TrainingResult trainOwned(Kernels.Path path, Network network, INDArray x, INDArray y,
            TrainingSettings settings, TrainingMonitor monitor) {
        boolean returned = false;
        try {
            long start = System.nanoTime();
            int iterations = settings.maxIterations();
            double[] losses = new double[iterations];
            String name;
            try (TrainingKernel kernel = Kernels.create(path, network, x, y, settings.optimizer().start())) {
                name = kernel.name();
                for (int t = 1; t <= iterations; t++) {
                    double loss = kernel.lossAndGradients();
                    if (!Double.isFinite(loss)) {
                        throw new NonFiniteLossException(t, loss);
                    }
                    kernel.step();
                    losses[t - 1] = loss;
                    if (!monitor.onIteration(t, loss)) {
                        throw new TrainingCancelledException(t);
                    }
                }
                kernel.writeParameters();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            TrainingResult result = new TrainingResult(network, losses, iterations, seconds, name);
            returned = true;
            return result;
        } finally {
            if (!returned) {
                network.close();
            }
        }
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
        if (y.rank() != 2 || y.columns() != 1) {
            throw new IllegalArgumentException("y must be an N x 1 column of labels, has shape " + NdArrays.shape(y));
        }
        if (y.rows() != x.rows()) {
            throw new IllegalArgumentException("x has " + x.rows() + " rows but y has " + y.rows());
        }
    }
}
