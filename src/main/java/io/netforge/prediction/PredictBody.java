package io.netforge.prediction;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import io.netforge.problem.DomainException;
import io.netforge.tabular.Encoding;
import io.netforge.tabular.Feature;
import io.netforge.web.JsonProblems;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the body of {@code POST /models/{id}/predict} (JSON: exactly one of {@code rows}, arrays in feature order, or
 * {@code instances}, objects by feature name) as a stream, one row at a time, into the model's raw feature values.
 * A row becomes numbers as soon as it is read, so the heap holds the answer's rows and one row of JSON, never the whole
 * document; more rows than the limit are refused (413) the moment the one past it starts, a row wider than the
 * model's features the moment its extra value appears. Every problem is a 4xx naming the row and field.
 */
final class PredictBody {

    private final Encoding encoding;
    private final List<String> features;
    private final int maxRows;

    PredictBody(Encoding encoding, int maxRows) {
        this.encoding = encoding;
        this.features = encoding.names();
        this.maxRows = maxRows;
    }

    /** The rows of a body, checked. */
    double[][] read(InputStream body, JsonMapper json) {
        try (JsonParser parser = json.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw DomainException.invalidInput("request body is empty; expected a JSON object");
            }
            if (first != JsonToken.START_OBJECT) {
                throw DomainException.invalidInput("request body: expected a JSON object with 'rows' or 'instances'");
            }
            double[][] rows = null;
            String field = null;
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (!name.equals("rows") && !name.equals("instances")) {
                    throw DomainException.invalidField(name, "unknown field; known fields: instances, rows");
                }
                if (rows != null) {
                    throw exactlyOne();
                }
                field = name;
                rows = rows(parser, name);
            }
            if (rows == null) {
                throw exactlyOne();
            }
            if (parser.nextToken() != null) {
                throw DomainException.invalidInput("request body: unexpected content after the JSON object");
            }
            if (rows.length == 0) {
                throw DomainException.invalidField(field, "must contain at least one row");
            }
            return rows;
        } catch (JacksonException e) {
            throw DomainException.invalidInput(JsonProblems.describe(e));
        }
    }

    private DomainException exactlyOne() {
        return DomainException.invalidInput("give exactly one of 'rows' (arrays of " + features.size()
                + " values in feature order) or 'instances' (objects keyed by feature name)");
    }

    private double[][] rows(JsonParser parser, String field) {
        if (parser.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw DomainException.invalidField(field, "must be an array of rows");
        }
        List<double[]> rows = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            int r = rows.size();
            if (r == maxRows) {
                throw DomainException.tooLarge(field + ": more than " + maxRows + " rows exceed the limit of "
                        + maxRows + " per request (netforge.prediction.max-rows)").with("field", field);
            }
            String where = field + "[" + r + "]";
            rows.add(field.equals("rows") ? array(parser, token, where) : object(parser, token, where));
        }
        return rows.toArray(double[][]::new);
    }

    /** A row in feature order; refused as soon as it holds more values than the model has features. */
    private double[] array(JsonParser parser, JsonToken token, String field) {
        if (token != JsonToken.START_ARRAY) {
            throw DomainException.invalidField(field, "must be an array of " + features.size() + " values");
        }
        double[] row = new double[features.size()];
        int c = 0;
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (c == row.length) {
                throw DomainException.invalidField(field, "expected " + features.size() + " values ("
                        + Feature.describe(features) + "), found more");
            }
            JsonNode value = parser.readValueAsTree();
            Feature feature = encoding.features().get(c);
            row[c] = feature.fromJson(value, field + "[" + c + "]", encoding.strict());
            c++;
        }
        if (c != row.length) {
            throw DomainException.invalidField(field, "expected " + features.size() + " values ("
                    + Feature.describe(features) + "), found " + c);
        }
        return row;
    }

    /** A row by feature name: every feature once, no other name. */
    private double[] object(JsonParser parser, JsonToken token, String field) {
        if (token != JsonToken.START_OBJECT) {
            throw DomainException.invalidField(field, "must be an object from feature name to value");
        }
        double[] row = new double[features.size()];
        boolean[] seen = new boolean[row.length];
        int count = 0;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            int c = features.indexOf(name);
            if (c < 0) {
                throw DomainException.invalidField(field, "unknown feature '" + name + "'; the model's features are "
                        + Feature.describe(features));
            }
            if (seen[c]) {
                throw DomainException.invalidField(field, "feature '" + name + "' is given twice");
            }
            JsonNode value = parser.readValueAsTree();
            row[c] = encoding.features().get(c).fromJson(value, field + "." + name, encoding.strict());
            seen[c] = true;
            count++;
        }
        if (count != row.length) {
            for (int c = 0; c < row.length; c++) {
                if (!seen[c]) {
                    throw DomainException.invalidField(field, "missing feature '" + features.get(c)
                            + "' (send null for a missing value)");
                }
            }
        }
        return row;
    }
}
