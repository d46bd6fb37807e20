package io.netforge.compute;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Run in a JVM of its own by {@link ProductWidthTest}, once per width of the wide kernel's products
 * ({@code -Dnetforge.compute.product-bits}): trains networks on the wide kernel (both precisions, full batch and
 * mini-batches, products whose widths leave every kind of tile tail) and prints, per training, a digest of every
 * loss and final parameter's bits.
 */
public final class ProductWidthProbe {

    record Case(int inputs, List<Integer> hidden, Activation activation, Objective objective, int outputs, int batch) {
    }

    static final List<Case> CASES = List.of(
            new Case(37, List.of(50, 29), Activation.TANH, Objective.SOFTMAX_CROSS_ENTROPY, 3, 0),
            new Case(300, List.of(64, 32), Activation.RELU, Objective.SOFTMAX_CROSS_ENTROPY, 10, 64),
            new Case(21, List.of(100), Activation.SIGMOID, Objective.SQUARED_ERROR, 1, 0),
            new Case(130, List.of(70, 17), Activation.RELU, Objective.SIGMOID_CROSS_ENTROPY, 1, 48),
            new Case(45, List.of(200), Activation.TANH, Objective.SIGMOID_CROSS_ENTROPY, 1, 0));

    private ProductWidthProbe() {
    }

    public static void main(String[] args) throws NoSuchAlgorithmException {
        System.out.println("product-bits=" + VectorKernels.PRODUCT_BITS);
        for (Precision precision : Precision.values()) {
            for (int i = 0; i < CASES.size(); i++) {
                System.out.println(precision + " " + CASES.get(i) + " " + digest(CASES.get(i), i, precision));
            }
        }
    }

    private static String digest(Case c, long seed, Precision precision) throws NoSuchAlgorithmException {
        Random random = new Random(seed);
        Architecture architecture = Architecture.of(c.inputs(), c.hidden(), List.of(c.activation()), c.objective(),
                c.outputs());
        int rows = 1001;
        double[][] x = new double[rows][c.inputs()];
        double[][] y = new double[rows][c.outputs()];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < c.inputs(); k++) {
                x[r][k] = random.nextGaussian();
            }
            switch (c.objective()) {
                case SIGMOID_CROSS_ENTROPY -> y[r][0] = random.nextBoolean() ? 1 : 0;
                case SOFTMAX_CROSS_ENTROPY -> y[r][random.nextInt(c.outputs())] = 1;
                case SQUARED_ERROR -> y[r][0] = random.nextGaussian();
            }
        }
        TrainingSettings settings = TrainingSettings.article(c.hidden(), 0.01, 4, 11, precision)
                .withActivations(List.of(c.activation())).withObjective(c.objective())
                .withOptimizer(new Optimizer.Adam(0.01, 0.9, 0.999, 1e-8)).withBatchSize(c.batch()).withL2(1e-4);
        Network start = Network.initialise(architecture, Initialization.XAVIER, 11, precision);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (LabelledData data = LabelledData.of(x, y, precision);
                TrainingResult result = Trainer.trainOwned(Kernels.Path.WIDE, start, data.x(), data.y(), settings,
                        TrainingMonitor.NONE)) {
            if (!result.trainer().startsWith("java-wide")) {
                throw new IllegalStateException("trained on " + result.trainer());
            }
            List<double[]> values = new ArrayList<>();
            values.add(result.losses());
            for (int l = 0; l < result.network().layerCount(); l++) {
                values.add(result.network().weightsData(l));
                values.add(result.network().biasData(l));
            }
            for (double[] array : values) {
                ByteBuffer bytes = ByteBuffer.allocate(8 * array.length);
                for (double v : array) {
                    bytes.putLong(Double.doubleToRawLongBits(v));
                }
                sha.update(bytes.array());
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
