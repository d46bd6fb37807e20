package io.netforge.compute;

import java.lang.System.Logger.Level;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Chooses how a training computes its passes, from the network's shape and precision alone (never from the
 * load, so the same job always takes the same path and gives the same bits):
 * <ul>
 * <li>{@link Path#VECTOR} for networks of at most {@link #MAX_VECTOR_PARAMETERS_F64} parameters trained on the
 * full batch ({@link #MAX_VECTOR_PARAMETERS_F32} in float32), or {@link #MAX_VECTOR_PARAMETERS_MINI_BATCHES} on
 * mini-batches (and data of at most
 * {@link #MAX_VECTOR_VALUES} values): the Java Vector API kernels that keep rows in blocks;</li>
 * <li>{@link Path#WIDE} for larger networks and data: {@link WideKernelF64} (and its float32 twin), blocked
 * matrix products of our own on the Vector API, reading the rows where ND4J keeps them, a chunk at a time;</li>
 * <li>{@link Path#ND4J} for every network when the Vector API is not available: {@link Nd4jBlockedKernel},
 * ND4J's passes over chunks of rows.</li>
 * </ul>
 *
 * <p>The Vector API is the incubator module {@code jdk.incubator.vector}: it is used only when the JVM was started
 * with {@code --add-modules jdk.incubator.vector}, its preferred vectors have at least 256 bits, and the system
 * property {@code netforge.compute.vector} is not {@code false}. Otherwise a warning is logged once and ND4J
 * trains every network; the classes that touch the module are then never loaded.
 */
final class Kernels {

    enum Path { VECTOR, WIDE, ND4J }

    static final String VECTOR_MODULE = "jdk.incubator.vector";
    static final String DISABLE_PROPERTY = "netforge.compute.vector";
    /**
     * Largest network the small Java kernel trains on the full batch in float64 (rows along the vector lanes, in
     * blocks). Its gradient sums stay apart per segment of rows, LANES partial sums per parameter in each (so that
     * no bit depends on the threads; 32 bytes per parameter per segment, 8 MB at 16,000 parameters on 4096 rows),
     * and past some 15,000 parameters the wide kernel, whose weights' sums run over chunks of rows in strips, is the
     * faster on the machine this was tuned on (an AMD EPYC; on an Intel Xeon the crossover lies near 30,000, see
     * docs/performance.md: a limit from the shape alone suits one of them). Measured with CrossoverProbe (paths
     * alternating, 4096 rows, float64) after the wide kernel's strips:
     * the small kernel took 0.56-0.75x the wide kernel's time at 13,313 parameters (50 inputs, [256]), about the
     * same at 11,009-12,289, and 1.1-1.5x from 14,433 (900 inputs, [16]) to 58,881 (100 inputs, [256, 128]); on
     * 16,384 rows the crossover is lower (1.0-1.2x from 8,033), on 65,536 higher (0.86-0.98x up to 11,009).
     */
    static final long MAX_VECTOR_PARAMETERS_F64 = 15_000;
    /**
     * The same in float32, where the small kernel's sums cost the same bytes but its vectors hold twice the rows:
     * measured as above, 0.58-0.78x the wide kernel's time from 13,313 to 16,641 parameters, 1.1-1.4x from 21,889 to
     * 58,881 (300 inputs, [64, 32], 21,377: 0.92-0.98x on 4096 rows, 1.38x on 16,384).
     */
    static final long MAX_VECTOR_PARAMETERS_F32 = 20_000;
    /**
     * Largest network the small kernel trains on mini-batches: a batch fills one block at most, so its passes run on
     * one thread over a few rows, and from ~2,000 parameters the wide kernel's register tiles are faster (1.1x-2.2x
     * from 1,633 to 58,881 parameters, batches of 32 and 256; about even below).
     */
    static final long MAX_VECTOR_PARAMETERS_MINI_BATCHES = 2048;
    /**
     * Most inputs of a network the small kernel trains on mini-batches. Measured again after the wide kernel's
     * weights went into strips (CrossoverProbe, 16,384 rows, float64, batches of 32 and 256): with 20 inputs the
     * small kernel takes 0.41-0.62x the wide kernel's time on networks of 177 to 1,409 parameters, with 32 about
     * the same (0.76-1.14x), with 40 1.2-1.5x and with 64 1.7-2.9x as long. (Not profiled; the small kernel copies
     * each batch into feature-major blocks before its pass, a cost that grows with the inputs.)
     */
    static final int MAX_VECTOR_INPUTS_MINI_BATCHES = 32;
    /**
     * Below this much work per pass (rows x parameters, about the multiply-adds of a forward pass) the pool's
     * hand-off costs more than a second thread saves, so the pass stays on the training's own thread.
     */
    static final long MIN_PARALLEL_WORK = 1L << 16;

    private static final System.Logger LOG = System.getLogger(Kernels.class.getName());
    private static final String UNAVAILABLE = vectorUnavailableReason();

    private Kernels() {
    }

    /** Whether the Vector API kernels can run in this JVM. */
    static boolean vectorAvailable() {
        return UNAVAILABLE == null;
    }

    /**
     * Most feature values the small Java kernel trains on. It keeps its own copy of the data, rearranged into
     * blocks, on the Java heap; larger data goes to the wide kernel, which reads the rows where ND4J keeps them
     * (off the heap), a chunk at a time. The cap, 8 Mi values (64 MiB in float64, 32 MiB in float32), keeps that
     * copy small next to a default heap, so a large dataset never fails for want of heap, and is a fixed number,
     * so a job's path, and so its bits, do not depend on how the JVM was sized.
     */
    static final long MAX_VECTOR_VALUES = 1L << 23;

    /** The path a network of this shape, trained on this many rows in one batch, takes in this JVM. */
    static Path choose(Network network, long rows) {
        return choose(network, rows, false);
    }

    /** The path a network of this shape, trained on this many rows, on mini-batches or not, takes in this JVM. */
    static Path choose(Network network, long rows, boolean miniBatches) {
        if (!vectorAvailable()) {
            return Path.ND4J;
        }
        boolean fits = (miniBatches
                ? network.parameterCount() <= MAX_VECTOR_PARAMETERS_MINI_BATCHES
                        && network.inputs() <= MAX_VECTOR_INPUTS_MINI_BATCHES
                : network.parameterCount() <= maxFullBatchParameters(network.precision()))
                && (rows + RowBlocks.ROWS_PER_BLOCK) * network.inputs() <= MAX_VECTOR_VALUES;
        return fits ? Path.VECTOR : Path.WIDE;
    }

    /** Largest network the small kernel trains on the full batch in this precision. */
    static long maxFullBatchParameters(Precision precision) {
        return precision == Precision.FLOAT32 ? MAX_VECTOR_PARAMETERS_F32 : MAX_VECTOR_PARAMETERS_F64;
    }

    /**
     * A kernel of the given path for training {@code network} in place on the training rows (checked by the caller)
     * in batches of {@code batchSize} rows (0 for full batch), with validation rows or none, moving the parameters
     * by {@code rule}.
     */
    static TrainingKernel create(Path path, Network network, Rows train, Rows validation, int batchSize,
            UpdateRule rule) {
        if (path == Path.ND4J) {
            return new Nd4jBlockedKernel(network, train, validation, batchSize, rule);
        }
        if (!vectorAvailable()) {
            throw new IllegalStateException("the Vector API kernel is not available: " + UNAVAILABLE);
        }
        if (path == Path.WIDE) {
            return VectorKernels.createWide(network, train, validation, batchSize, rule, ParallelSegments.HELPERS);
        }
        long rowsPerPass = batchSize > 0 ? Math.min(batchSize, train.count()) : train.count();
        long work = rowsPerPass * network.parameterCount();
        int helpers = work >= MIN_PARALLEL_WORK ? ParallelSegments.HELPERS : 0;
        return VectorKernels.create(network, train, validation, batchSize, rule, helpers);
    }

    /** A full-batch kernel on x and y, every row of weight 1 (tests compare kernels with it). */
    static TrainingKernel create(Path path, Network network, INDArray x, INDArray y, UpdateRule rule) {
        return create(path, network, new Rows(x, y, null), null, 0, rule);
    }

    /**
     * Whether HotSpot may compile with C2, the only compiler that turns Vector API calls into vector
     * instructions. Spring Boot's {@code spring-boot:run} used to pass {@code -XX:TieredStopAtLevel=1} for
     * quick starts; the kernel then ran 250 times slower. Assumed on for JVMs that do not say.
     */
    static boolean optimisingCompilerEnabled() {
        try {
            var diagnostics = java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (diagnostics == null) {
                return true;
            }
            boolean tiered = Boolean.parseBoolean(diagnostics.getVMOption("TieredCompilation").getValue());
            int stopAt = Integer.parseInt(diagnostics.getVMOption("TieredStopAtLevel").getValue());
            return !tiered || stopAt >= 4;
        } catch (RuntimeException | LinkageError e) {
            return true;
        }
    }

    private static String vectorUnavailableReason() {
        String reason;
        if ("false".equalsIgnoreCase(System.getProperty(DISABLE_PROPERTY))) {
            reason = "disabled by -D" + DISABLE_PROPERTY + "=false";
        } else if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            reason = "the JVM was started without --add-modules " + VECTOR_MODULE;
        } else if (!optimisingCompilerEnabled()) {
            reason = "the JVM's optimising compiler (C2) is off (e.g. -XX:TieredStopAtLevel=1), without which "
                    + "Vector API code runs hundreds of times slower";
        } else {
            reason = VectorKernels.unsupportedReason();
        }
        if (reason != null) {
            LOG.log(Level.WARNING, "netforge trains every network with ND4J because " + reason
                    + "; small networks train several times faster with the Vector API kernel");
        } else {
            LOG.log(Level.INFO, "netforge trains with the Vector API kernels; the wide kernel's matrix products run on "
                    + VectorKernels.PRODUCT_BITS + "-bit vectors");
        }
        return reason;
    }
}
