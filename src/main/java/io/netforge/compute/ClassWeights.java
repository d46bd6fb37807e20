package io.netforge.compute;

import java.util.Arrays;

/**
 * Weights of the classes in the loss: each row's loss counts with its class's weight, and a batch's loss is the
 * weighted mean {@code sum w_r loss_r / sum w_r} (PyTorch's convention for weighted cross-entropy).
 */
public sealed interface ClassWeights {

    /** The weight of each class (index = class code) given the training rows of each class. */
    double[] resolve(long[] rowsPerClass);

    /** scikit-learn's "balanced": n_rows / (n_classes * n_rows_of_class), from the rows actually trained on. */
    record Balanced() implements ClassWeights {

        @Override
        public double[] resolve(long[] rowsPerClass) {
            long rows = Arrays.stream(rowsPerClass).sum();
            double[] weights = new double[rowsPerClass.length];
            for (int c = 0; c < weights.length; c++) {
                weights[c] = rowsPerClass[c] == 0 ? 0 : (double) rows / ((double) rowsPerClass.length * rowsPerClass[c]);
            }
            return weights;
        }
    }

    /** Weights given per class (index = class code), each finite and positive. */
    record Given(double[] perClass) implements ClassWeights {

        public Given {
            perClass = perClass.clone();
            for (int c = 0; c < perClass.length; c++) {
                if (!(perClass[c] > 0) || Double.isInfinite(perClass[c])) {
                    throw new IllegalArgumentException("the weight of class " + c + " must be a finite number > 0, was "
                            + perClass[c]);
                }
            }
        }

        @Override
        public double[] resolve(long[] rowsPerClass) {
            if (rowsPerClass.length != perClass.length) {
                throw new IllegalArgumentException("weights for " + perClass.length + " classes, but the rows have "
                        + rowsPerClass.length);
            }
            return perClass.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Given given && Arrays.equals(perClass, given.perClass);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(perClass);
        }

        @Override
        public String toString() {
            return "Given" + Arrays.toString(perClass);
        }
    }
}
