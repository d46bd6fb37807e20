package io.netforge.tabular;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.netforge.problem.DomainException;
import tools.jackson.databind.JsonNode;

/**
 * A categorical feature: one-hot over the levels the training rows had, in their order, and a level of its own for a
 * missing value when the training rows had one (its input follows the levels). A level the training rows did not
 * have encodes as all zeros, or is refused at predict with {@code unknownCategory=error}.
 *
 * @param levels       the levels the training rows had, in order, each a one-hot input
 * @param missingLevel whether the training rows had missing values
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "type", "levels", "missingLevel"})
public record CategoricalFeature(String name, List<Encoding.Level> levels, Boolean missingLevel) implements Feature {

    public CategoricalFeature {
        levels = List.copyOf(levels);
    }

    /**
     * Keeps the column's levels that the training rows have, in the column's order.
     *
     * @param columnLevels the column's levels by code
     * @param codes        the training rows' level codes; NaN for missing
     */
    static CategoricalFeature fit(String name, List<Encoding.Level> columnLevels, double[] codes) {
        boolean[] seen = new boolean[columnLevels.size()];
        boolean missing = false;
        for (double v : codes) {
            if (Double.isNaN(v)) {
                missing = true;
            } else {
                seen[(int) v] = true;
            }
        }
        List<Encoding.Level> kept = new ArrayList<>();
        for (int code = 0; code < seen.length; code++) {
            if (seen[code]) {
                kept.add(columnLevels.get(code));
            }
        }
        return new CategoricalFeature(name, kept, missing);
    }

    @Override
    public ColumnKind kind() {
        return ColumnKind.CATEGORICAL;
    }

    private boolean missingInput() {
        return Boolean.TRUE.equals(missingLevel);
    }

    @Override
    public int width() {
        return levels.size() + (missingInput() ? 1 : 0);
    }

    @Override
    public List<String> inputNames() {
        List<String> names = new ArrayList<>(width());
        levels.forEach(l -> names.add(name + "=" + l.value()));
        if (missingInput()) {
            names.add(name + "=" + Encoding.MISSING_NAME);
        }
        return names;
    }

    @Override
    public int scaledInputs() {
        return 0;
    }

    @Override
    public boolean identity() {
        return false;
    }

    @Override
    public void encode(double raw, double[] out, int at) {
        int width = width();
        for (int k = 0; k < width; k++) {
            out[at + k] = 0;
        }
        if (Double.isNaN(raw)) {
            if (missingInput()) {
                out[at + levels.size()] = 1;
            }
        } else if (raw >= 0) {
            out[at + (int) raw] = 1;
        }
    }

    /** The index in {@link #levels()} of a value given as text, or -1; numbers match numeric levels by value. */
    public int levelOf(String text) {
        for (int i = 0; i < levels.size(); i++) {
            if (levels.get(i).number() == null && levels.get(i).value().equals(text)) {
                return i;
            }
        }
        return Decimal.isDecimal(text) ? levelOf(Double.parseDouble(text)) : -1;
    }

    /** The index of the numeric level equal to {@code number}, or -1. */
    public int levelOf(double number) {
        for (int i = 0; i < levels.size(); i++) {
            if (levels.get(i).number() != null && levels.get(i).number() == number) {
                return i;
            }
        }
        return -1;
    }

    /** The index of a stored column's level: a number by value, text by its text (then as a number). */
    int levelOf(Encoding.Level level) {
        return level.number() != null ? levelOf(level.number().doubleValue()) : levelOf(level.value());
    }

    @Override
    public boolean reads(ColumnKind column) {
        return column.learnable(); // numbers, categories and booleans are levels by their text; text keeps no values
    }

    @Override
    public DoubleUnaryOperator reader(List<Encoding.Level> columnLevels) {
        if (columnLevels == null) {
            // a numeric column: its numbers are levels by value
            return v -> Double.isNaN(v) ? v : levelOf(v);
        }
        int[] levelOfCode = new int[columnLevels.size()];
        for (int code = 0; code < levelOfCode.length; code++) {
            levelOfCode[code] = levelOf(columnLevels.get(code));
        }
        return v -> Double.isNaN(v) ? v : levelOfCode[(int) v];
    }

    @Override
    public double fromJson(JsonNode value, String field, boolean strict) {
        if (value == null || value.isNull()) {
            return missing(field, strict);
        }
        if (!value.isString() && !value.isNumber()) {
            throw DomainException.invalidField(field, "must be a string (a level of '" + name
                    + "'), a number or null, got " + Feature.brief(value.toString()));
        }
        return fromText(value.isString() ? value.asString().strip() : value.asString(), field, strict);
    }

    @Override
    public double fromText(String text, String field, boolean strict) {
        int level = levelOf(text);
        if (level < 0 && strict) {
            throw DomainException.invalidField(field, "'" + Feature.brief(text) + "' is not a level of '" + name
                    + "' the model was trained on (unknownCategory is error); its levels are "
                    + Feature.describe(levels.stream().map(Encoding.Level::value).toList()));
        }
        return level;
    }

    @Override
    public double missing(String field, boolean strict) {
        if (!missingInput() && strict) {
            throw DomainException.invalidField(field, "is missing, and the training rows had no missing value of '"
                    + name + "' (unknownCategory is error)");
        }
        return Double.NaN;
    }

    @Override
    public boolean unknown(double raw) {
        return raw < 0;
    }

    @Override
    public boolean textual() {
        return true;
    }
}
