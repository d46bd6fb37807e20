package io.netforge.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The seeded, stratified train/test split chooses exactly the documented number of rows of each class. */
class StratifiedSplitTest {

    @ParameterizedTest(name = "{0} + {1} rows, fraction {2}")
    @CsvSource({"2006, 1994, 0.25", "2006, 1994, 0.2", "10, 3, 0.5", "2, 2, 0.01", "5, 1000, 0.99"})
    void choosesRoundedFractionOfEachClassAtLeastOneAndNotAll(long negatives, long positives, double fraction) {
        long[] counts = { negatives, positives };
        byte[] labels = interleaved(negatives, positives);
        long[] chosen = new long[2];
        TrainingDataLoader.StratifiedSplit split = TrainingDataLoader.StratifiedSplit.of(counts, fraction, 7);
        for (byte label : labels) {
            if (split.nextIsTest(label)) {
                chosen[label]++;
            }
        }
        assertThat(chosen[0]).isEqualTo(Math.max(1, Math.min(negatives - 1, Math.round(fraction * negatives))));
        assertThat(chosen[1]).isEqualTo(Math.max(1, Math.min(positives - 1, Math.round(fraction * positives))));
        assertThat(split.testRows()).isEqualTo(chosen[0] + chosen[1]);
    }

    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"0", "1", "42"})
    void sameSeedSameRowsOtherSeedOtherRows(long seed) {
        long[] dataset = { 500, 500 };
        byte[] labels = interleaved(500, 500);
        assertThat(choice(dataset, labels, seed)).isEqualTo(choice(dataset, labels, seed));
        assertThat(choice(dataset, labels, seed)).isNotEqualTo(choice(dataset, labels, seed + 1));
    }

    private static boolean[] choice(long[] dataset, byte[] labels, long seed) {
        TrainingDataLoader.StratifiedSplit split = TrainingDataLoader.StratifiedSplit.of(dataset, 0.3, seed);
        boolean[] test = new boolean[labels.length];
        for (int r = 0; r < labels.length; r++) {
            test[r] = split.nextIsTest(labels[r]);
        }
        return test;
    }

    /** Labels in a mixed order: class 1 at every third row while both remain. */
    private static byte[] interleaved(long negatives, long positives) {
        byte[] labels = new byte[(int) (negatives + positives)];
        long n = negatives;
        long p = positives;
        for (int r = 0; r < labels.length; r++) {
            boolean positive = p > 0 && (n == 0 || r % 3 == 0);
            labels[r] = (byte) (positive ? 1 : 0);
            if (positive) {
                p--;
            } else {
                n--;
            }
        }
        return labels;
    }
}
