package io.netforge.compute;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The only door to the classes that use {@code jdk.incubator.vector}: {@link Kernels} calls it only when the
 * module is present, so without the module none of them is ever loaded.
 */
final class VectorKernels {

    /**
     * System property that sets the bits of the wide kernel's product vectors, 256 or 512, where the choice below
     * should be overridden (tests compare the two; a bench measures them side by side).
     */
    static final String PRODUCT_BITS_PROPERTY = "netforge.compute.product-bits";

    /**
     * Bits of the vectors the wide kernel's matrix products run on (every other loop runs on 256 bits: the small
     * kernel's and the objectives' lane sums are part of their bits). The products' sums are chains in one lane
     * each, so the width changes their speed and no bit. 512 where the CPU has 512-bit vectors and the JVM is 25 or
     * later, else 256: JDK 17's C2 shares the type profiles of the Vector API's methods between the two widths, and
     * a JVM that has run both boxes vectors in paths of either (9x slower products; see docs/performance.md,
     * "512-bit vectors"); JDK 25 compiles both apart (measured: no allocation, and the 256-bit paths as fast as in
     * a JVM that never ran 512 bits). JDK 18 to 24 were not measured and keep 256.
     */
    static final int PRODUCT_BITS = productBits(System.getProperty(PRODUCT_BITS_PROPERTY),
            Runtime.version().feature(), DoubleVector.SPECIES_PREFERRED.vectorBitSize());

    private VectorKernels() {
    }

    /** The product width for a setting (null: none), a JVM feature release and a CPU's widest vectors. */
    static int productBits(String setting, int feature, int preferredBits) {
        if (setting != null && !setting.isBlank()) {
            switch (setting.strip()) {
                case "256":
                    return 256;
                case "512":
                    return 512;
                default:
                    // speed only, never bits: say so and take the default rather than stop the service
                    System.getLogger(VectorKernels.class.getName()).log(System.Logger.Level.WARNING,
                            "-D" + PRODUCT_BITS_PROPERTY + "=" + setting + " ignored: it must be 256 or 512");
            }
        }
        return feature >= 25 && preferredBits >= 512 ? 512 : 256;
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
