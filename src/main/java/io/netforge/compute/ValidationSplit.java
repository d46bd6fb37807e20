package io.netforge.compute;

import java.util.Random;

/**
 * The seeded, stratified choice of validation rows for early stopping: each class gives round(fraction * count)
 * of its rows, at least one and at most all but one, chosen by selection sampling (Knuth's algorithm S) in row
 * order with a {@code java.util.Random} per class, seeded from the run's seed. Rows keep their order on both sides.
 *
 * @param training   indices of the rows trained on, ascending
 * @param validation indices of the held-out rows, ascending
 */
record ValidationSplit(int[] training, int[] validation) {

    /** Mixes the run's seed so that the split does not reuse the initialisation's or the shuffle's stream. */
    private static final long SEED_SALT = 0x5DEECE66DL;

    /**
     * @param classes the class code (0 .. K-1) of every row
     * @throws IllegalArgumentException when a class has fewer than two rows (it could not be on both sides)
     */
    static ValidationSplit of(int[] classes, int classCount, double fraction, long seed) {
        long[] counts = new long[classCount];
        for (int c : classes) {
            counts[c]++;
        }
        long[] toChoose = new long[classCount];
        long[] remaining = counts.clone();
        Random[] random = new Random[classCount];
        int validationRows = 0;
        for (int c = 0; c < classCount; c++) {
            if (counts[c] < 2) {
                throw new IllegalArgumentException("class " + c + " has " + counts[c] + " training row"
                        + (counts[c] == 1 ? "" : "s") + "; early stopping's stratified validation split needs at least 2");
            }
            toChoose[c] = Math.max(1, Math.min(counts[c] - 1, Math.round(fraction * counts[c])));
            validationRows += (int) toChoose[c];
            random[c] = new Random((seed ^ SEED_SALT) * 31 + c);
        }
        int[] validation = new int[validationRows];
        int[] training = new int[classes.length - validationRows];
        int v = 0;
        int t = 0;
        for (int row = 0; row < classes.length; row++) {
            int c = classes[row];
            boolean held = random[c].nextDouble() * remaining[c] < toChoose[c];
            remaining[c]--;
            if (held) {
                toChoose[c]--;
                validation[v++] = row;
            } else {
                training[t++] = row;
            }
        }
        return new ValidationSplit(training, validation);
    }
}
