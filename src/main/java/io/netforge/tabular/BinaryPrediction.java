package io.netforge.tabular;

import java.util.List;

/**
 * @param probability the model's probability of the positive class (its second class)
 * @param label       the predicted class as uploaded: positive when probability &gt;= the model's threshold
 */
public record BinaryPrediction(double probability, Object label) implements Prediction {

    @Override
    public List<String> cells() {
        return List.of(Double.toString(probability), Prediction.spreadsheetSafe(label));
    }

    @Override
    public double[] classProbabilities() {
        return new double[] {1 - probability, probability};
    }

    @Override
    public Object predictedClass() {
        return label;
    }
}
