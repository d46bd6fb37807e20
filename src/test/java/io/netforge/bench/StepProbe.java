package io.netforge.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.netforge.compute.Activation;
import io.netforge.compute.Objective;
import io.netforge.compute.Optimizer;
import io.netforge.compute.Precision;
import io.netforge.compute.Trainer;
import io.netforge.compute.TrainingMonitor;
import io.netforge.compute.TrainingResult;
import io.netforge.compute.TrainingSettings;

/**
 * One training of a shape, to profile (JFR, async-profiler) or time on its own: synthetic rows (seeded), ReLU
 * hidden layers, Adam, the given batch size. Prints the path taken, seconds per epoch of each run, the last loss (to
 * the bit: a change to a kernel that must not change its bits can be checked with it), and the heap
 * bytes every thread allocated per epoch (a kernel whose vectors C2 boxes allocates kilobytes a step).
 *
 * <pre>
 * java --add-modules=jdk.incubator.vector -cp ... io.netforge.bench.StepProbe ROWS INPUTS HIDDEN CLASSES BATCH
 *      EPOCHS [FLOAT64|FLOAT32] [RUNS]
 *   e.g. 5000 300 64,32 5 32 10 FLOAT64 3
 * </pre>
 * CLASSES 2 is a binary label, 1 a regression, more a multi-class one; BATCH 0 is full batch; ReLU and Adam at
 * 0.001 unless {@code -Dactivation=tanh -Doptimizer=gd -Dlr=0.5} say otherwise. With
 * {@code -DwarmUp=true} the service's warm-up ({@link Trainer#warmUp()}) runs first, so that the first run shows
 * what a first job after a start costs.
 */
public final class StepProbe {

    private StepProbe() {
    }

    public static void main(String[] args) {
        int rows = Integer.parseInt(args[0]);
        int inputs = Integer.parseInt(args[1]);
        List<Integer> hidden = Arrays.stream(args[2].split(",")).map(Integer::valueOf).toList();
        int classes = Integer.parseInt(args[3]);
        int batch = Integer.parseInt(args[4]);
        int epochs = Integer.parseInt(args[5]);
        Precision precision = args.length > 6 ? Precision.valueOf(args[6]) : Precision.FLOAT64;
        int runs = args.length > 7 ? Integer.parseInt(args[7]) : 3;
        if (Boolean.getBoolean("warmUp")) {
            long start = System.nanoTime();
            Trainer.warmUp();
            System.out.printf("warm-up %.2f s%n", (System.nanoTime() - start) / 1e9);
        }
        DataType type = precision == Precision.FLOAT64 ? DataType.DOUBLE : DataType.FLOAT;
        int outputs = classes > 2 ? classes : 1;
        Random random = new Random(7);
        double[] x = new double[rows * inputs];
        double[] y = new double[rows * outputs];
        for (int r = 0; r < rows; r++) {
            double score = 0;
            for (int k = 0; k < inputs; k++) {
                double v = random.nextGaussian();
                x[r * inputs + k] = v;
                score += (k % 3 == 0 ? v : -0.5 * v) / Math.sqrt(inputs);
            }
            if (classes == 1) {
                y[r] = score + 0.1 * random.nextGaussian();
            } else if (classes == 2) {
                y[r] = score + 0.3 * random.nextGaussian() > 0 ? 1 : 0;
            } else {
                int c = Math.floorMod((int) Math.floor(score * 2 + classes / 2.0), classes);
                y[r * outputs + c] = 1;
            }
        }
        try (INDArray xs = Nd4j.create(x, new long[] {rows, inputs}, DataType.DOUBLE).castTo(type);
                INDArray ys = Nd4j.create(y, new long[] {rows, outputs}, DataType.DOUBLE).castTo(type)) {
            Objective objective = classes == 1 ? Objective.SQUARED_ERROR
                    : classes == 2 ? Objective.SIGMOID_CROSS_ENTROPY : Objective.SOFTMAX_CROSS_ENTROPY;
            // -Dactivation=tanh and -Dlr=0.5 -Doptimizer=gd for the jobs of the article's kind (ReLU and Adam otherwise)
            Activation activation = Activation.valueOf(System.getProperty("activation", "relu").toUpperCase(
                    java.util.Locale.ROOT));
            double lr = Double.parseDouble(System.getProperty("lr", "0.001"));
            Optimizer optimizer = System.getProperty("optimizer", "adam").equals("gd") ? new Optimizer.GradientDescent(lr)
                    : new Optimizer.Adam(lr, 0.9, 0.999, 1e-8);
            TrainingSettings settings = TrainingSettings.article(hidden, lr, epochs, 0, precision)
                    .withObjective(objective).withActivations(List.of(activation))
                    .withOptimizer(optimizer).withBatchSize(batch);
            List<Double> perEpoch = new ArrayList<>();
            List<Long> bytesPerEpoch = new ArrayList<>();
            String trainer = null;
            double finalLoss = Double.NaN;
            for (int run = 0; run < runs; run++) {
                long allocated = allocatedBytes();
                long start = System.nanoTime();
                try (TrainingResult trained = Trainer.train(xs, ys, settings, TrainingMonitor.NONE)) {
                    perEpoch.add((System.nanoTime() - start) / 1e9 / epochs);
                    bytesPerEpoch.add((allocatedBytes() - allocated) / epochs);
                    trainer = trained.trainer();
                    finalLoss = trained.losses()[trained.losses().length - 1];
                }
            }
            System.out.printf("trainer %s, seconds per epoch %s%n", trainer, perEpoch);
            // every run trains the same seeded job: its last loss, to the last bit, says whether a change kept them
            System.out.printf("final loss %s%n", finalLoss);
            // a kernel whose vectors C2 boxes allocates kilobytes a step: the sign of a vector path gone slow
            System.out.printf("heap bytes allocated per epoch (every thread) %s%n", bytesPerEpoch);
        }
        System.exit(0); // ND4J's native threads are not daemons
    }

    /** Heap bytes allocated so far by every live thread (HotSpot's per-thread counters). */
    static long allocatedBytes() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            total += Math.max(0, bytes);
        }
        return total;
    }
}
