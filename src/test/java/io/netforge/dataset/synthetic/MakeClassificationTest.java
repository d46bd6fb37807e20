package io.netforge.dataset.synthetic;

import static io.netforge.dataset.synthetic.MakeClassification.Role.INFORMATIVE;
import static io.netforge.dataset.synthetic.MakeClassification.Role.REDUNDANT;
import static io.netforge.dataset.synthetic.MakeClassification.Role.REPEATED;
import static io.netforge.dataset.synthetic.MakeClassification.Role.USELESS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * make_classification's properties, not scikit-learn's bits: class proportions, the flipped fraction, the rank of the
 * informative block, redundant columns in its span, repeated columns equal to earlier ones, noise columns
 * uncorrelated with the rest, and the same parameters giving the same data.
 */
class MakeClassificationTest {

    private static MakeClassification article(long seed) {
        return new MakeClassification(5000, 20, 15, 3, 0, 2, 2, null, 0.05, 1.0, true, new double[] {0},
                new double[] {1}, true, seed);
    }

    @Test
    void theSameParametersGiveTheSameDataAndAnotherSeedOtherData() {
        SyntheticData a = article(42).generate().data();
        SyntheticData b = article(42).generate().data();
        SyntheticData c = article(43).generate().data();
        assertThat(a.x()).isEqualTo(b.x());
        assertThat(a.y()).isEqualTo(b.y());
        assertThat(Arrays.equals(a.x(), c.x())).isFalse();
    }

    @ParameterizedTest(name = "{0} samples, weights {1}, {2} clusters per class")
    @CsvSource(delimiter = ';', value = {
            "1000; 0.5 0.5; 2; 500 500",
            "1000; 0.7 0.3; 2; 700 300",
            // three classes, weights for two: the last gets the rest (0.3); 1001 rows, one left over for cluster 0
            "1001; 0.5 0.2; 1; 501 200 300",
            // int(10 * 0.5 / 3) = 1 per cluster, 4 left over go to clusters 0..3 (classes 0 1 0 1)
            "10; 0.5 0.5; 3; 5 5"})
    void rowsAreSharedAmongClustersByTheClassWeights(int samples, String weights, int clustersPerClass,
            String expected) {
        double[] w = Arrays.stream(weights.split(" ")).mapToDouble(Double::parseDouble).toArray();
        long[] counts = Arrays.stream(expected.split(" ")).mapToLong(Long::parseLong).toArray();
        int classes = counts.length;
        var generated = new MakeClassification(samples, 6, 3, 1, 1, classes, clustersPerClass, w, 0.0, 1.0, true,
                new double[] {0}, new double[] {1}, true, 7).generate();
        long[] seen = new long[classes];
        for (int label : generated.data().y()) {
            seen[label]++;
        }
        assertThat(seen).containsExactly(counts);
    }

    @Test
    void aFractionFlipYOfTheRowsGetsARandomClass() {
        int n = 20_000;
        double flipY = 0.1;
        var generated = new MakeClassification(n, 5, 3, 0, 0, 3, 1, null, flipY, 1.0, true, new double[] {0},
                new double[] {1}, true, 11).generate();
        int drawn = 0;
        int changed = 0;
        for (int i = 0; i < n; i++) {
            boolean differs = generated.data().y()[i] != generated.design().unflipped()[i];
            if (generated.design().flipped()[i]) {
                drawn++;
                changed += differs ? 1 : 0;
            } else {
                assertThat(differs).isFalse();
            }
        }
        // binomial: 2000 expected, sd 42; of those a third keep their class
        assertThat(drawn).isBetween(2000 - 4 * 43, 2000 + 4 * 43);
        assertThat((double) changed / drawn).isBetween(2.0 / 3 - 0.04, 2.0 / 3 + 0.04);
        // flipY 0 flips nothing
        var none = new MakeClassification(2000, 5, 3, 0, 0, 3, 1, null, 0.0, 1.0, true, new double[] {0},
                new double[] {1}, true, 11).generate();
        assertThat(none.data().y()).isEqualTo(none.design().unflipped());
    }

    @Test
    void theInformativeBlockHasFullRankAndRedundantColumnsLieInItsSpan() {
        var generated = new MakeClassification(2000, 12, 5, 4, 2, 2, 2, null, 0.01, 1.0, true, new double[] {0},
                new double[] {1}, true, 3).generate();
        SyntheticData data = generated.data();
        int[] informative = generated.design().columns(INFORMATIVE);
        int[] redundant = generated.design().columns(REDUNDANT);
        assertThat(informative).hasSize(5);
        assertThat(redundant).hasSize(4);
        double[][] basis = orthonormalBasis(columns(data, informative));
        assertThat(basis).hasNumberOfRows(5);
        for (int r : redundant) {
            double[] column = column(data, r);
            assertThat(residual(column, basis) / norm(column)).as("column x%d", r).isLessThan(1e-12);
        }
        // the noise columns are outside that span: together with it they have full rank
        int[] useless = generated.design().columns(USELESS);
        assertThat(useless).hasSize(1);
        assertThat(residual(column(data, useless[0]), basis) / norm(column(data, useless[0]))).isGreaterThan(0.9);
        double[][] all = new double[informative.length + redundant.length][];
        for (int k = 0; k < informative.length; k++) {
            all[k] = column(data, informative[k]);
        }
        for (int k = 0; k < redundant.length; k++) {
            all[informative.length + k] = column(data, redundant[k]);
        }
        assertThat(orthonormalBasis(all)).as("rank of informative and redundant columns").hasNumberOfRows(5);
    }

    @Test
    void repeatedColumnsEqualAnInformativeOrRedundantOne() {
        var generated = new MakeClassification(500, 10, 4, 2, 3, 2, 1, null, 0.0, 1.0, true, new double[] {0},
                new double[] {1}, true, 5).generate();
        SyntheticData data = generated.data();
        int[] repeated = generated.design().columns(REPEATED);
        assertThat(repeated).hasSize(3);
        for (int r : repeated) {
            int from = generated.design().repeatedFrom()[r];
            assertThat(generated.design().roles().get(from)).isIn(INFORMATIVE, REDUNDANT);
            assertThat(column(data, r)).isEqualTo(column(data, from));
        }
        // copied before the shift and scale, as scikit-learn does: with random ones a copy is an affine image
        var moved = new MakeClassification(500, 10, 4, 2, 3, 2, 1, null, 0.0, 1.0, true, null, null, true, 5).generate();
        for (int r : moved.design().columns(REPEATED)) {
            int from = moved.design().repeatedFrom()[r];
            assertThat(correlation(column(moved.data(), r), column(moved.data(), from))).isCloseTo(1.0,
                    org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @Test
    void uselessColumnsAreUncorrelatedStandardNoise() {
        var generated = new MakeClassification(20_000, 6, 2, 0, 0, 2, 1, null, 0.0, 1.0, true, new double[] {0},
                new double[] {1}, true, 9).generate();
        SyntheticData data = generated.data();
        int[] useless = generated.design().columns(USELESS);
        assertThat(useless).hasSize(4);
        double[] label = Arrays.stream(data.y()).asDoubleStream().toArray();
        for (int u : useless) {
            double[] column = column(data, u);
            assertThat(mean(column)).isBetween(-0.04, 0.04);
            assertThat(sd(column)).isBetween(0.97, 1.03);
            assertThat(Math.abs(correlation(column, label))).isLessThan(0.04);
        }
        // the informative ones are what tells the classes apart
        for (int i : generated.design().columns(INFORMATIVE)) {
            assertThat(Math.abs(correlation(column(data, i), label))).isGreaterThan(0.1);
        }
    }

    @Test
    void centroidsAreDistinctVerticesAndShiftAndScaleApplyPerFeature() {
        Draws draws = new Draws(1);
        double[][] vertices = MakeClassification.hypercubeVertices(16, 4, draws);
        Set<String> distinct = new HashSet<>();
        for (double[] v : vertices) {
            for (double c : v) {
                assertThat(c).isIn(0.0, 1.0);
            }
            distinct.add(Arrays.toString(v));
        }
        assertThat(distinct).hasSize(16);
        double[][] wide = MakeClassification.hypercubeVertices(40, 35, new Draws(2));
        Set<String> distinctWide = new HashSet<>();
        for (double[] v : wide) {
            assertThat(v).hasSize(35);
            // distinct in the last 30 coordinates already
            distinctWide.add(Arrays.toString(Arrays.copyOfRange(v, 5, 35)));
        }
        assertThat(distinctWide).hasSize(40);

        var plain = new MakeClassification(300, 3, 3, 0, 0, 2, 1, null, 0, 1.0, true, new double[] {0},
                new double[] {1}, false, 4).generate().data();
        var moved = new MakeClassification(300, 3, 3, 0, 0, 2, 1, null, 0, 1.0, true, new double[] {1, 2, 3},
                new double[] {10}, false, 4).generate().data();
        for (int i = 0; i < 300; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(moved.get(i, j)).isEqualTo((plain.get(i, j) + j + 1) * 10);
            }
        }
    }

    @Test
    void refusesParametersOutOfTheirDomainNamingThem() {
        assertThatThrownBy(() -> new MakeClassification(100, 5, 4, 2, 0, 2, 2, null, 0.01, 1, true, null, null, true, 0))
                .isInstanceOf(InvalidParameterException.class).hasMessageStartingWith("features:");
        assertThatThrownBy(() -> new MakeClassification(100, 20, 2, 2, 0, 3, 2, null, 0.01, 1, true, null, null, true, 0))
                .hasMessageStartingWith("informative: classes x clustersPerClass (6) must be at most 2^informative = 4");
        assertThatThrownBy(() -> new MakeClassification(100, 20, 2, 2, 0, 2, 2, new double[] {0.5, 0.6}, 0.01, 1,
                true, null, null, true, 0)).hasMessageStartingWith("weights: the proportions add up to");
        assertThatThrownBy(() -> new MakeClassification(100, 20, 2, 2, 0, 2, 2, new double[] {-0.1}, 0.01, 1,
                true, null, null, true, 0)).hasMessageStartingWith("weights: weights[0]");
        assertThatThrownBy(() -> new MakeClassification(100, 20, 2, 2, 0, 2, 2, null, 1.5, 1, true, null, null, true, 0))
                .hasMessageStartingWith("flipY:");
        assertThatThrownBy(() -> new MakeClassification(100, 20, 2, 2, 0, 2, 2, null, 0.01, 0, true, null, null, true, 0))
                .hasMessageStartingWith("classSep:");
        assertThatThrownBy(() -> new MakeClassification(100, 20, 2, 2, 0, 2, 2, null, 0.01, 1, true,
                new double[] {1, 2}, null, true, 0)).hasMessageStartingWith("shift:");
        assertThatThrownBy(() -> new MakeClassification(100, 20, 2, 2, 0, 1, 2, null, 0.01, 1, true, null, null, true, 0))
                .hasMessageStartingWith("classes:");
        assertThatThrownBy(() -> new MakeClassification(100, 20, 20, 0, 0, 5000, 5, null, 0.01, 1, true, null, null,
                true, 0)).hasMessageStartingWith("clustersPerClass:");
    }

    static double[][] columns(SyntheticData data, int[] which) {
        double[][] out = new double[which.length][];
        for (int k = 0; k < which.length; k++) {
            out[k] = column(data, which[k]);
        }
        return out;
    }

    static double[] column(SyntheticData data, int j) {
        double[] out = new double[data.rows()];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.get(i, j);
        }
        return out;
    }

    /** Modified Gram-Schmidt (twice, for accuracy); a column whose remainder is below 1e-9 of its norm adds nothing. */
    static double[][] orthonormalBasis(double[][] columns) {
        java.util.List<double[]> basis = new java.util.ArrayList<>();
        for (double[] column : columns) {
            double[] v = column.clone();
            double original = norm(v);
            for (int pass = 0; pass < 2; pass++) {
                for (double[] q : basis) {
                    double dot = dot(q, v);
                    for (int i = 0; i < v.length; i++) {
                        v[i] -= dot * q[i];
                    }
                }
            }
            double rest = norm(v);
            if (rest > 1e-9 * original) {
                for (int i = 0; i < v.length; i++) {
                    v[i] /= rest;
                }
                basis.add(v);
            }
        }
        return basis.toArray(double[][]::new);
    }

    static double residual(double[] column, double[][] basis) {
        double[] v = column.clone();
        for (int pass = 0; pass < 2; pass++) {
            for (double[] q : basis) {
                double dot = dot(q, v);
                for (int i = 0; i < v.length; i++) {
                    v[i] -= dot * q[i];
                }
            }
        }
        return norm(v);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    static double mean(double[] a) {
        return Arrays.stream(a).average().orElseThrow();
    }

    static double sd(double[] a) {
        double m = mean(a);
        return Math.sqrt(Arrays.stream(a).map(v -> (v - m) * (v - m)).sum() / (a.length - 1));
    }

    static double correlation(double[] a, double[] b) {
        double ma = mean(a);
        double mb = mean(b);
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }
}
