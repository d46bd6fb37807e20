package io.netforge.tabular;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import io.netforge.problem.DomainException;
import tools.jackson.databind.JsonNode;

/**
 * A boolean feature ({@code true/false}, {@code yes/no}, {@code t/f}, {@code y/n} in any case): one 0/1 input, a
 * missing value filled in like a number's (the training rows' share of true by default), and (when asked) a 0/1
 * "was missing" input beside it. Its raw value is 0, 1, or NaN when missing.
 *
 * @param fill      the value a missing cell gets
 * @param indicator whether a 0/1 "was missing" input follows the value
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "type", "fill", "indicator"})
public record BooleanFeature(String name, double fill, boolean indicator) implements Feature {

    private static final Set<String> TRUE = Set.of("true", "yes", "t", "y");
    private static final Set<String> FALSE = Set.of("false", "no", "f", "n");

    /** 1 for a true token, 0 for a false one (any case), else NaN: the one place a token's truth is decided. */
    public static double truth(String token) {
        String lower = token.strip().toLowerCase(Locale.ROOT);
        return TRUE.contains(lower) ? 1 : FALSE.contains(lower) ? 0 : Double.NaN;
    }

    /** Whether a value is one of the boolean tokens. */
    public static boolean isToken(String value) {
        return !Double.isNaN(truth(value));
    }

    /** Fits the fill on the training rows' level codes (NaN for missing) of a column with these levels. */
    static BooleanFeature fit(String name, List<Encoding.Level> levels, double[] codes, PreprocessingSpec spec) {
        double[] present = new double[codes.length];
        int n = 0;
        for (double code : codes) {
            if (!Double.isNaN(code)) {
                present[n++] = truth(levels.get((int) code).value());
            }
        }
        boolean missing = n < codes.length;
        return new BooleanFeature(name, EncodingFit.fill(name, Arrays.copyOf(present, n), spec),
                spec.missingIndicators() && missing);
    }

    @Override
    public ColumnKind kind() {
        return ColumnKind.BOOLEAN;
    }

    @Override
    public int width() {
        return indicator ? 2 : 1;
    }

    @Override
    public List<String> inputNames() {
        return indicator ? List.of(name, name + "=" + Encoding.MISSING_NAME) : List.of(name);
    }

    /** A 0/1 input, not scaled. */
    @Override
    public int scaledInputs() {
        return 0;
    }

    @Override
    public boolean identity() {
        return !indicator;
    }

    @Override
    public void encode(double raw, double[] out, int at) {
        NumericFeature.encodeFilled(raw, fill, indicator, out, at);
    }

    @Override
    public boolean reads(ColumnKind column) {
        return column == ColumnKind.BOOLEAN;
    }

    @Override
    public DoubleUnaryOperator reader(List<Encoding.Level> levels) {
        double[] truth = levels.stream().mapToDouble(l -> truth(l.value())).toArray();
        return code -> Double.isNaN(code) ? Double.NaN : truth[(int) code];
    }

    @Override
    public double fromJson(JsonNode value, String field, boolean strict) {
        if (value == null || value.isNull()) {
            return Double.NaN;
        }
        if (value.isBoolean()) {
            return value.asBoolean() ? 1 : 0;
        }
        if (value.isNumber() && (value.asDouble() == 0 || value.asDouble() == 1)) {
            return value.asDouble();
        }
        if (value.isString()) {
            return fromText(value.asString(), field, strict);
        }
        throw refused(field, Feature.brief(value.toString()));
    }

    @Override
    public double fromText(String text, String field, boolean strict) {
        double truth = text.equals("1") ? 1 : text.equals("0") ? 0 : truth(text);
        if (Double.isNaN(truth)) {
            throw refused(field, Feature.brief(tools.jackson.databind.node.JsonNodeFactory.instance.stringNode(text)
                    .toString()));
        }
        return truth;
    }

    private static DomainException refused(String field, String got) {
        return DomainException.invalidField(field, "must be a boolean: true or false (also \"yes\"/\"no\", \"t\"/\"f\","
                + " \"y\"/\"n\" in any case, or 1/0), or null when missing; got " + got);
    }

    @Override
    public double missing(String field, boolean strict) {
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
