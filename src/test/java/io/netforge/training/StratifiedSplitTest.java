package io.netforge.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.netforge.dataset.DatasetInfo;

/** The seeded, stratified train/test split chooses exactly the documented number of rows of each class. */
class StratifiedSplitTest {

    @ParameterizedTest(name = "{0} + {1} rows, fraction {2}")
    @CsvSource({"2006, 1994, 0.25", "2006, 1994, 0.2", "10, 3, 0.5", "2, 2, 0.01", "5, 1000, 0.99"})
    void choosesRoundedFractionOfEachClassAtLeastOneAndNotAll(long negatives, long positives, double fraction) {
        DatasetInfo dataset = dataset(negatives, positives);
        byte[] labels = interleaved(negatives, positives);
        long[] chosen = new long[2];
        TrainingDataLoader.StratifiedSplit split = TrainingDataLoader.StratifiedSplit.of(dataset, fraction, 7);
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
        DatasetInfo dataset = dataset(500, 500);
        byte[] labels = interleaved(500, 500);
        assertThat(choice(dataset, labels, seed)).isEqualTo(choice(dataset, labels, seed));
        assertThat(choice(dataset, labels, seed)).isNotEqualTo(choice(dataset, labels, seed + 1));
    }

    private static boolean[] choice(DatasetInfo dataset, byte[] labels, long seed) {
        TrainingDataLoader.StratifiedSplit split = TrainingDataLoader.StratifiedSplit.of(dataset, 0.3, seed);
        boolean[] test = new boolean[labels.length];
        for (int r = 0; r < labels.length; r++) {
            test[r] = split.nextIsTest(labels[r]);
        }
        return test;
    }

    private static DatasetInfo dataset(long negatives, long positives) {
        return new DatasetInfo(UUID.randomUUID(), "d", Instant.now(), negatives + positives, List.of("a"), "y",
                List.of(new DatasetInfo.LabelClass("0", negatives), new DatasetInfo.LabelClass("1", positives)), true,
                "0".repeat(64), 1);
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
