package io.netforge.compute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class StandardizationTest {

    // column 0: 1, 3, 5, 7 -> mean 4, deviations -3, -1, 1, 3, variance (9 + 1 + 1 + 9) / 4 = 5
    // column 1: constant 2 -> mean 2, sd 0 replaced by 1
    // column 2: 5, 7, 9, 3 -> mean 6, deviations -1, 1, 3, -3, variance 20 / 4 = 5
    private static final double[][] X = {{1, 2, 5}, {3, 2, 7}, {5, 2, 9}, {7, 2, 3}};

    @Test
    void fitsColumnMeansAndPopulationStandardDeviations() {
        try (INDArray x = NdArrays.matrix(X, 3, DataType.DOUBLE)) {
            Standardization standardization = Standardization.fit(x);

            assertThat(standardization.mean()).containsExactly(4, 2, 6);
            assertThat(standardization.sd()[0]).isCloseTo(Math.sqrt(5), within(1e-15));
            assertThat(standardization.sd()[2]).isCloseTo(Math.sqrt(5), within(1e-15));
        }
    }

    @Test
    void constantColumnGetsStandardDeviationOne() {
        try (INDArray x = NdArrays.matrix(X, 3, DataType.DOUBLE)) {
            assertThat(Standardization.fit(x).sd()[1]).isEqualTo(1.0);
        }
    }

    @Test
    void appliesToArraysAndRowsAlike() {
        try (INDArray x = NdArrays.matrix(X, 3, DataType.DOUBLE)) {
            Standardization standardization = Standardization.fit(x);
            try (INDArray scaled = standardization.apply(x)) {
                assertThat(scaled.dataType()).isEqualTo(DataType.DOUBLE);
                double s = Math.sqrt(5);
                assertThat(NdArrays.toDoubles(scaled.getRow(0).dup())).containsExactly(-3 / s, 0, -1 / s);
                assertThat(standardization.apply(new double[] {7, 2, 3})).containsExactly(3 / s, 0, -3 / s);
            }
            assertThat(x.getDouble(0, 0)).as("input unchanged").isEqualTo(1.0);
        }
    }

    @Test
    void keepsFloat32DataInFloat32() {
        try (INDArray x = NdArrays.matrix(X, 3, DataType.FLOAT)) {
            Standardization standardization = Standardization.fit(x);
            assertThat(standardization.mean()).containsExactly(4, 2, 6);
            try (INDArray scaled = standardization.apply(x)) {
                assertThat(scaled.dataType()).isEqualTo(DataType.FLOAT);
                assertThat(scaled.getDouble(3, 0)).isCloseTo(3 / Math.sqrt(5), within(1e-6));
            }
        }
    }

    @Test
    void fitsViewsAndColumnMajorArrays() {
        try (INDArray x = NdArrays.matrix(X, 3, DataType.DOUBLE); INDArray f = x.dup('f')) {
            assertThat(Standardization.fit(f)).isEqualTo(Standardization.fit(x));
            Standardization lastTwoRows = Standardization.fit(x.get(
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 4), org.nd4j.linalg.indexing.NDArrayIndex.all()));
            assertThat(lastTwoRows.mean()).containsExactly(6, 2, 6);
        }
    }
}
