package io.netforge.dataset.synthetic;

import java.util.Random;

/**
 * The generators' random numbers, all from one {@link java.util.Random} seeded by the request, so that a request
 * always gives the same data (the JDK specifies that class's algorithm exactly). The method names are numpy's, whose
 * calls scikit-learn makes at the same places.
 */
final class Draws {

    private final Random random;

    Draws(long seed) {
        this.random = new Random(seed);
    }

    /** Uniform on [0, 1). */
    double uniform() {
        return random.nextDouble();
    }

    double[] uniform(int count) {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = random.nextDouble();
        }
        return values;
    }

    double standardNormal() {
        return random.nextGaussian();
    }

    /** Uniform on 0 .. bound - 1. */
    int randint(int bound) {
        return random.nextInt(bound);
    }

    /** Fisher–Yates from the last element down, as numpy's {@code shuffle}. */
    void shuffle(int[] values) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }

    /** 0, 1, ..., n - 1 in a random order. */
    int[] permutation(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        shuffle(order);
        return order;
    }
}
