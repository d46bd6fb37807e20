package io.netforge.compute;

import java.util.Random;

/**
 * The order in which mini-batches visit the training rows: each epoch shuffles the previous epoch's order with one
 * {@code java.util.Random(seed + 1)} for the whole run, by the algorithm of {@code java.util.Collections.shuffle}
 * (from the last position down to the second, swap with a uniformly drawn position at or before it), on an int
 * array. The JDK specifies both the generator and the shuffle, so every JVM visits the rows in the same order, and
 * torch_reference.py's {@code --shuffle} ports them.
 */
final class RowOrder {

    private final int[] order;
    private final Random random;

    RowOrder(int rows, long seed) {
        this.order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        this.random = new Random(seed + 1);
    }

    /** Shuffles for the next epoch and returns the order (the same array, read-only for the caller). */
    int[] nextEpoch() {
        for (int i = order.length; i > 1; i--) {
            int j = random.nextInt(i);
            int swap = order[i - 1];
            order[i - 1] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
