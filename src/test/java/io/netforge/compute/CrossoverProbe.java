package io.netforge.compute;

import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where the wide kernel overtakes the small one: both paths on the same jobs (4096 synthetic rows, ReLU, Adam, a
 * binary label) for networks of a few thousand to some tens of thousands of parameters, full batch and batches of
 * 32 and 256; prints seconds per epoch of each (the fastest of the timed rounds, after an untimed one), their ratio,
 * and the median of the rounds' ratios. The two paths alternate round by round (this machine's speed wanders).
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector [-Drows=4096] [-Drounds=2] [-Dbatches=32,256,0] -cp ... io.netforge.compute.CrossoverProbe [FLOAT64|FLOAT32 [INPUTS,HIDDEN... ...]]
 * </pre>
 */
public final class CrossoverProbe {

    private CrossoverProbe() {
    }

    public static void main(String[] args) {
        Precision precision = args.length > 0 ? Precision.valueOf(args[0]) : Precision.FLOAT64;
        int rows = Integer.getInteger("rows", 4096);
        int rounds = Integer.getInteger("rounds", 2);
        int[] batches = java.util.Arrays.stream(System.getProperty("batches", "32,256,0").split(","))
                .mapToInt(Integer::parseInt).toArray();
        List<int[]> shapes = args.length > 1 ? java.util.Arrays.stream(args, 1, args.length)
                .map(a -> java.util.Arrays.stream(a.split(",")).mapToInt(Integer::parseInt).toArray()).toList() : List.of(new int[] {100, 16}, new int[] {100, 32}, new int[] {100, 48},
                new int[] {100, 64}, new int[] {100, 96}, new int[] {100, 128}, new int[] {300, 16},
                new int[] {300, 32}, new int[] {300, 64}, new int[] {20, 64, 32}, new int[] {20, 96, 48},
                new int[] {20, 128, 64}, new int[] {50, 64, 64}, new int[] {50, 96, 64});
        for (int[] shape : shapes) {
            int inputs = shape[0];
            List<Integer> hidden = java.util.Arrays.stream(shape, 1, shape.length).boxed().toList();
            Random random = new Random(inputs);
            double[] x = random.doubles((long) rows * inputs).map(v -> 2 * v - 1).toArray();
            double[] y = new double[rows];
            for (int r = 0; r < rows; r++) {
                y[r] = x[r * inputs] + x[r * inputs + 1] > 0 ? 1 : 0;
            }
            try (INDArray xs = Nd4j.create(x, new long[] {rows, inputs}, DataType.DOUBLE).castTo(precision.dataType());
                    INDArray ys = Nd4j.create(y, new long[] {rows, 1}, DataType.DOUBLE).castTo(precision.dataType())) {
                StringBuilder line = new StringBuilder();
                long parameters = 0;
                for (int batch : batches) {
                    TrainingSettings settings = TrainingSettings.article(hidden, 0.001, batch == 0 ? 40 : 4, 0,
                            precision).withActivations(List.of(Activation.RELU))
                            .withOptimizer(new Optimizer.Adam(0.001, 0.9, 0.999, 1e-8)).withBatchSize(batch);
                    List<Kernels.Path> paths = List.of(Kernels.Path.VECTOR, Kernels.Path.WIDE);
                    double[] best = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
                    double[] ratios = new double[rounds];
                    // the paths alternate round by round, so that a slow spell of this shared machine falls on both
                    for (int round = -1; round < rounds; round++) {
                        double[] seconds = new double[2];
                        for (int p = 0; p < 2; p++) {
                            Network network = Network.initialise(settings.architecture(inputs), settings.initialization(),
                                    0, precision);
                            parameters = network.parameterCount();
                            long start = System.nanoTime();
                            try (TrainingResult ignored = Trainer.trainOwned(paths.get(p), network, xs, ys, settings,
                                    TrainingMonitor.NONE)) {
                                seconds[p] = (System.nanoTime() - start) / 1e9 / settings.maxIterations();
                            }
                        }
                        if (round >= 0) { // round -1 is untimed
                            best[0] = Math.min(best[0], seconds[0]);
                            best[1] = Math.min(best[1], seconds[1]);
                            ratios[round] = seconds[0] / seconds[1];
                        }
                    }
                    java.util.Arrays.sort(ratios);
                    line.append(String.format(Locale.ROOT, "  %s %.5f/%.5f=%.2f (median of rounds %.2f)",
                            batch == 0 ? "full" : "b" + batch, best[0], best[1], best[0] / best[1],
                            ratios[rounds / 2]));
                }
                System.out.printf(Locale.ROOT, "%-14s %6d params:%s%n", inputs + " " + hidden, parameters, line);
            }
        }
        System.exit(0);
    }
}
