package io.netforge.tabular;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * One row's answer, typed by its task ({@link BinaryPrediction}, {@link MulticlassPrediction},
 * {@link RegressionPrediction}): what every protocol adapts from. Serialised as {@code /predict} answers it.
 */
public sealed interface Prediction permits BinaryPrediction, MulticlassPrediction, RegressionPrediction {

    /** The answer as a row of its task's tabular columns ({@link Task#columns}), as CSV writes it. */
    @JsonIgnore
    List<String> cells();

    /** A classifier's probability of each class, in output order (binary: 1 - p, p); null for a regression. */
    @JsonIgnore
    double[] classProbabilities();

    /** The class predicted (as uploaded), or null for a regression. */
    @JsonIgnore
    Object predictedClass();
}
