package io.netforge.tabular;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * @param label         the most probable class (the first, on ties), as uploaded
 * @param probabilities each class's probability (they sum to 1), by class, in output order
 */
public record MulticlassPrediction(Object label, Map<String, Double> probabilities) implements Prediction {

    @Override
    public List<String> cells() {
        List<String> cells = new ArrayList<>(probabilities.size() + 1);
        cells.add(Prediction.spreadsheetSafe(label));
        probabilities.values().forEach(p -> cells.add(Double.toString(p)));
        return cells;
    }

    @Override
    public double[] classProbabilities() {
        return probabilities.values().stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Override
    public Object predictedClass() {
        return label;
    }
}
