package io.netforge.prediction;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The answer of {@code POST /models/{id}/explain}: each row's contributions, every array in {@code outputs} order.
 *
 * @param method        {@code exact} (all coalitions) or {@code sampling} (random orders of the features)
 * @param evaluations   rows the model was evaluated on for the answer
 * @param background    the rows absent features take their values from
 * @param outputs       what is explained: {@code probability} (binary, of the positive class), each class
 *                      (multi-class), {@code value} (regression)
 */
record ExplainResponse(UUID modelId, String method, long evaluations, Background background, List<String> outputs,
        List<Explanation> explanations) {

    /** The first {@code rows} rows of a stored dataset, in upload order. */
    record Background(UUID datasetId, int rows) {
    }

    /**
     * @param prediction         the model's outputs for the row
     * @param expectedValue      the mean outputs over the background: the prediction with no feature known
     * @param contributions      per feature (as uploaded), per output: expectedValue + their sum = prediction
     * @param standardErrors     per feature, per output, of a sampled estimate; null when exact
     * @param additivityResidual the largest |prediction - expectedValue - sum of contributions| over the outputs
     */
    record Explanation(double[] prediction, double[] expectedValue, Map<String, double[]> contributions,
            Map<String, double[]> standardErrors, double additivityResidual) {
    }
}
