package io.netforge.compute;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The only door to the classes that use {@code jdk.incubator.vector}: {@link Kernels} calls it only when the
 * module is present, so without the module none of them is ever loaded.
 */
final class VectorKernels {

    private VectorKernels() {
    }

    /** Null when the kernels run well here, else why not. */
    static String unsupportedReason() {
        int bits = Math.min(DoubleVector.SPECIES_PREFERRED.vectorBitSize(), FloatVector.SPECIES_PREFERRED.vectorBitSize());
        return bits >= 256 ? null : "this CPU's vectors have " + bits + " bits and the kernel needs 256";
    }

    static TrainingKernel create(Network network, Rows train, Rows validation, int batchSize, UpdateRule rule,
            int helpers) {
        return switch (network.precision()) {
            case FLOAT64 -> new VectorKernelF64(network, train, validation, batchSize, rule, helpers);
            case FLOAT32 -> new VectorKernelF32(network, train, validation, batchSize, rule, helpers);
        };
    }

    /** The matrix-product kernel for networks larger than the small kernel takes. */
    static TrainingKernel createWide(Network network, Rows train, Rows validation, int batchSize, UpdateRule rule,
            int helpers) {
        return switch (network.precision()) {
            case FLOAT64 -> new WideKernelF64(network, train, validation, batchSize, rule, helpers);
            case FLOAT32 -> new WideKernelF32(network, train, validation, batchSize, rule, helpers);
        };
    }

    /** A full-batch kernel on x and y, every row of weight 1 (tests use it). */
    static TrainingKernel create(Network network, INDArray x, INDArray y, UpdateRule rule, int helpers) {
        return create(network, new Rows(x, y, null), null, 0, rule, helpers);
    }
}
