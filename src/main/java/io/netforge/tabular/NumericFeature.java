package io.netforge.tabular;

import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.netforge.problem.DomainException;
import tools.jackson.databind.JsonNode;

/**
 * A numeric feature: its value as an input, a missing one filled in, and (when asked) a 0/1 "was missing" input
 * beside it.
 *
 * @param fill      the value a missing cell gets (the training rows' mean or median, or a constant); null for models
 *                  trained before missing values could be filled in, which refuse them
 * @param indicator whether a 0/1 "was missing" input follows the value
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "type", "fill", "indicator"})
public record NumericFeature(String name, Double fill, Boolean indicator) implements Feature {

    /** Fits the fill value on the training rows' values (NaN for missing). */
    static NumericFeature fit(String name, double[] values, PreprocessingSpec spec) {
        double[] present = new double[values.length];
        int n = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                present[n++] = v;
            }
        }
        boolean missing = n < values.length;
        return new NumericFeature(name, EncodingFit.fill(name, Arrays.copyOf(present, n), spec),
                spec.missingIndicators() && missing);
    }

    @Override
    public ColumnKind kind() {
        return ColumnKind.NUMERIC;
    }

    private boolean flagged() {
        return Boolean.TRUE.equals(indicator);
    }

    @Override
    public int width() {
        return flagged() ? 2 : 1;
    }

    @Override
    public List<String> inputNames() {
        return flagged() ? List.of(name, name + "=" + Encoding.MISSING_NAME) : List.of(name);
    }

    @Override
    public int scaledInputs() {
        return 1;
    }

    @Override
    public boolean identity() {
        return !flagged();
    }

    @Override
    public void encode(double raw, double[] out, int at) {
        encodeFilled(raw, fill == null ? Double.NaN : fill, flagged(), out, at);
    }

    /** A value as its input, NaN (missing) as {@code fill}, then a 0/1 "was missing" input when {@code indicator}. */
    static void encodeFilled(double raw, double fill, boolean indicator, double[] out, int at) {
        boolean missing = Double.isNaN(raw);
        out[at] = missing ? fill : raw;
        if (indicator) {
            out[at + 1] = missing ? 1 : 0;
        }
    }

    @Override
    public boolean reads(ColumnKind column) {
        return column == ColumnKind.NUMERIC;
    }

    @Override
    public DoubleUnaryOperator reader(List<Encoding.Level> levels) {
        return null;
    }

    @Override
    public double fromJson(JsonNode value, String field, boolean strict) {
        if (value == null || value.isNull()) {
            return missing(field, strict);
        }
        if (value.isString() && value.asString().endsWith("%")) {
            return fromText(value.asString().strip(), field, strict);
        }
        if (!value.isNumber()) {
            throw DomainException.invalidField(field, "must be a number (or null when missing), got "
                    + Feature.brief(value.toString()));
        }
        double number = value.asDouble();
        if (!Double.isFinite(number)) {
            throw DomainException.invalidField(field, "must be a finite number, got " + value);
        }
        return number;
    }

    @Override
    public double fromText(String text, String field, boolean strict) {
        double number;
        try {
            // a percentage is its number of percent points, as an upload of a column of percentages stores it
            number = Double.parseDouble(text.endsWith("%") && Decimal.isDecimal(text.substring(0, text.length() - 1))
                    ? text.substring(0, text.length() - 1) : text);
        } catch (NumberFormatException e) {
            throw DomainException.invalidField(field, "must be a number (or null when missing), got "
                    + Feature.brief(tools.jackson.databind.node.JsonNodeFactory.instance.stringNode(text).toString()));
        }
        if (!Double.isFinite(number)) {
            throw DomainException.invalidField(field, "must be a finite number, got " + number);
        }
        return number;
    }

    @Override
    public double missing(String field, boolean strict) {
        if (fill == null) {
            throw DomainException.invalidField(field, "must be a number, got null (this model was trained before"
                    + " missing values could be filled in)");
        }
        return Double.NaN;
    }

    @Override
    public boolean unknown(double raw) {
        return false;
    }

    @Override
    public boolean textual() {
        return false;
    }
}
