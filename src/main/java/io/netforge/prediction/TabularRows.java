package io.netforge.prediction;

import java.util.List;
import java.util.Map;

import io.netforge.problem.DomainException;
import io.netforge.tabular.Encoding;
import io.netforge.tabular.Feature;
import tools.jackson.databind.JsonNode;

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
        List<Feature> features = encoding.features();
        positionOfFeature = new int[features.size()];
        for (int f = 0; f < features.size(); f++) {
            String name = features.get(f).name();
            int at = columns.indexOf(name);
            if (at < 0) {
                throw DomainException.invalidField(field, "no column '" + name + "'; the model's features are "
                        + String.join(", ", encoding.names()))
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
        double[] row = new double[positionOfFeature.length];
        for (int f = 0; f < row.length; f++) {
            int at = positionOfFeature[f];
            if (at >= values.size()) {
                throw DomainException.invalidField(field, "has " + values.size() + " values; column '"
                        + encoding.features().get(f).name() + "' is number " + (at + 1));
            }
            row[f] = encoding.features().get(f).fromJson(values.get(at), field + "[" + at + "]", encoding.strict());
        }
        return row;
    }

    /** Rows as objects from column name to value (every feature must be a key). */
    static double[][] fromRecords(List<Map<String, JsonNode>> records, Encoding encoding, String field) {
        List<String> features = encoding.names();
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
                row[f] = encoding.features().get(f).fromJson(record.get(name), field + "[" + r + "]." + name,
                        encoding.strict());
            }
            rows[r] = row;
        }
        return rows;
    }

    /**
     * A CSV row's raw feature values (other columns are not looked at): an empty cell or a missing token is missing;
     * a bad value is a 400 naming its row and column ({@code row 3, column 'income'}).
     */
    double[] row(org.apache.commons.csv.CSVRecord record, List<String> missing, String field) {
        double[] row = new double[positionOfFeature.length];
        for (int f = 0; f < row.length; f++) {
            Feature feature = encoding.features().get(f);
            int at = positionOfFeature[f];
            String name = field + ", column '" + feature.name() + "'";
            if (at >= record.size()) {
                throw DomainException.invalidField(field, "has " + record.size() + " values; column '"
                        + feature.name() + "' is number " + (at + 1));
            }
            String value = record.get(at).strip();
            boolean absent = value.isEmpty() || missing.stream().anyMatch(m -> m.equalsIgnoreCase(value));
            row[f] = absent ? feature.missing(name, encoding.strict()) : feature.fromText(value, name, encoding.strict());
        }
        return row;
    }
}
