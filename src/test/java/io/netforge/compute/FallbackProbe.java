package io.netforge.compute;

import java.util.List;
import java.util.Random;

/**
 * Run in a JVM of its own by {@link VectorModuleFallbackTest}: trains a small network and prints which path
 * trained it and its losses, so that a JVM without the Vector API module can be seen to train (on ND4J).
 */
public final class FallbackProbe {

    private FallbackProbe() {
    }

    public static void main(String[] args) {
        try (LabelledData data = VectorKernelTest.randomData(new Random(1), 600, 5, Precision.FLOAT64);
                TrainingResult result = Trainer.train(data.x(), data.y(),
                        TrainingSettings.article(List.of(4), 1.0, 20, 7, Precision.FLOAT64), TrainingMonitor.NONE)) {
            System.out.println("trainer=" + result.trainer());
            System.out.println("loss20=" + result.losses()[19]);
        }
    }
}
