package io.netforge.tabular;

import java.util.List;

/** @param value the predicted value, in the target's units */
public record RegressionPrediction(double value) implements Prediction {

    @Override
    public List<String> cells() {
        return List.of(Double.toString(value));
    }

    @Override
    public double[] classProbabilities() {
        return null;
    }

    @Override
    public Object predictedClass() {
        return null;
    }
}
