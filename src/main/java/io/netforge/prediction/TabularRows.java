package io.netforge.prediction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.netforge.problem.DomainException;
import io.netforge.tabular.Encoding;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Rows named by columns, as the ecosystem's protocols send them (a data frame, CSV, named tensors), turned into the
 * raw feature values {@link LoadedModel#predict} takes. Every feature must be among the columns; other columns are
 * left alone (an id, the label), so a scored file may be sent as it is.
 */
final class TabularRows {

    private final Encoding encoding;
    private final int[] positionOfFeature;

    /** @param field the request field the columns come from, for errors */
    TabularRows(Encoding encoding, List<String> columns, String field) {
        this.encoding = encoding;
        List<Encoding.Feature> features = encoding.features();
        positionOfFeature = new int[features.size()];
        for (int f = 0; f < features.size(); f++) {
            String name = features.get(f).name();
            int at = columns.indexOf(name);
            if (at < 0) {
                throw DomainException.invalidField(field, "no column '" + name + "'; the model's features are "
                        + String.join(", ", features.stream().map(Encoding.Feature::name).toList()))
                        .with("column", name);
            }
            if (columns.lastIndexOf(name) != at) {
                throw DomainException.invalidField(field, "column '" + name + "' appears twice").with("column", name);
            }
            positionOfFeature[f] = at;
        }
    }

    /** One row of values by column position; {@code field} names the row for errors, e.g. {@code data[3]}. */
    double[] row(List<JsonNode> values, String field) {
        return row(values, field, false);
    }

    /**
     * @param byName name a bad value's column by name ({@code row 3, column 'income'}, for CSV) rather than by
     *               position ({@code data[3][1]})
     */
    double[] row(List<JsonNode> values, String field, boolean byName) {
        double[] row = new double[positionOfFeature.length];
        for (int f = 0; f < row.length; f++) {
            int at = positionOfFeature[f];
            if (at >= values.size()) {
                throw DomainException.invalidField(field, "has " + values.size() + " values; column '"
                        + encoding.features().get(f).name() + "' is number " + (at + 1));
            }
            row[f] = PredictionService.value(values.get(at), encoding, encoding.features().get(f),
                    byName ? field + ", column '" + encoding.features().get(f).name() + "'" : field + "[" + at + "]");
        }
        return row;
    }

    /** Rows as objects from column name to value (every feature must be a key). */
    static double[][] fromRecords(List<Map<String, JsonNode>> records, Encoding encoding, String field) {
        List<String> features = encoding.features().stream().map(Encoding.Feature::name).toList();
        double[][] rows = new double[records.size()][];
        for (int r = 0; r < rows.length; r++) {
            Map<String, JsonNode> record = records.get(r);
            if (record == null) {
                throw DomainException.invalidField(field + "[" + r + "]", "must be an object from column to value");
            }
            double[] row = new double[features.size()];
            for (int f = 0; f < row.length; f++) {
                String name = features.get(f);
                if (!record.containsKey(name)) {
                    throw DomainException.invalidField(field + "[" + r + "]", "missing feature '" + name
                            + "' (send null for a missing value)");
                }
                row[f] = PredictionService.value(record.get(name), encoding, encoding.features().get(f),
                        field + "[" + r + "]." + name);
            }
            rows[r] = row;
        }
        return rows;
    }

    /** A CSV cell as a JSON value of the feature's type: empty or a missing token is null. */
    static JsonNode cell(String text, Encoding.Feature feature, List<String> missing) {
        String value = text.strip();
        if (value.isEmpty() || missing.stream().anyMatch(m -> m.equalsIgnoreCase(value))) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (feature.isCategorical()) {
            return JsonNodeFactory.instance.stringNode(value);
        }
        try {
            return JsonNodeFactory.instance.numberNode(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            return JsonNodeFactory.instance.stringNode(value);
        }
    }

    /** The CSV cells of a row as JSON values for the features (other columns are not looked at). */
    List<JsonNode> cells(org.apache.commons.csv.CSVRecord record, List<String> missing) {
        List<JsonNode> values = new ArrayList<>(java.util.Collections.nCopies(record.size(),
                JsonNodeFactory.instance.nullNode()));
        for (int f = 0; f < positionOfFeature.length; f++) {
            int at = positionOfFeature[f];
            if (at < record.size()) {
                values.set(at, cell(record.get(at), encoding.features().get(f), missing));
            }
        }
        return values;
    }
}
