package io.netforge.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Stratified k-fold assignment: exact per-class fold sizes, every row in one fold, the same folds for a seed. */
class KFoldTest {

    @Test
    void givesEachFoldItsShareOfEveryClassAndTheSameFoldsForTheSameSeed() {
        long[] counts = {301, 299, 10};
        int k = 3;
        int[][] seen = new int[counts.length][k];
        int[][] assignment = new int[counts.length][];
        TrainingDataLoader.KFold folds = TrainingDataLoader.KFold.of(counts, k, 7);
        for (int g = 0; g < counts.length; g++) {
            assignment[g] = new int[(int) counts[g]];
            for (int i = 0; i < counts[g]; i++) {
                int f = folds.nextFold(g);
                assignment[g][i] = f;
                seen[g][f]++;
            }
        }
        assertThat(seen[0]).containsExactly(101, 100, 100);
        assertThat(seen[1]).containsExactly(100, 100, 99);
        assertThat(seen[2]).containsExactly(4, 3, 3);
        assertThat(folds.rowsOf(0)).isEqualTo(205);
        assertThat(folds.rowsOf(2)).isEqualTo(202);
        assertThat(TrainingDataLoader.KFold.largestFold(301, 3)).isEqualTo(101);
        assertThat(TrainingDataLoader.KFold.largestFold(300, 3)).isEqualTo(100);

        TrainingDataLoader.KFold again = TrainingDataLoader.KFold.of(counts, k, 7);
        TrainingDataLoader.KFold other = TrainingDataLoader.KFold.of(counts, k, 8);
        int differences = 0;
        for (int g = 0; g < counts.length; g++) {
            for (int i = 0; i < counts[g]; i++) {
                assertThat(again.nextFold(g)).isEqualTo(assignment[g][i]);
                differences += other.nextFold(g) != assignment[g][i] ? 1 : 0;
            }
        }
        // another seed, other folds (two thirds of rows move, as for independent draws)
        assertThat(differences).isGreaterThan(300);
    }
}
