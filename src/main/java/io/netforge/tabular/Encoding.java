package io.netforge.tabular;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a model learned from its training rows to turn a row of features into the network's inputs, and applies to
 * every row after: numeric features filled in when missing (and, when asked, a 0/1 "was missing" input beside),
 * categorical ones one-hot over the levels the training rows had (a missing value is a level of its own when the
 * training rows had one). Inputs are laid out feature by feature, in feature order; a categorical feature's
 * levels in their order, its missing level last. Standardisation comes after, on the numeric inputs.
 *
 * <p>Rows reach {@link #encode} as one value per feature: a number (NaN when missing) for a numeric feature, and
 * for a categorical one the index of its level in {@link Feature#levels()}, -1 for a value the training rows did
 * not have, NaN when missing.
 *
 * @param features        one per feature, in the order of a row
 * @param unknownCategory at predict, what a level the training rows did not have does: {@code ignore} or
 *                        {@code error} ({@link PreprocessingSpec#unknownCategory()})
 */
public record Encoding(List<Feature> features, String unknownCategory) {

    public static final String NUMERIC = "numeric";
    public static final String CATEGORICAL = "categorical";
    /** How an input that stands for a missing value is named: {@code "city=<missing>"}, {@code "age=<missing>"}. */
    public static final String MISSING_NAME = "<missing>";

    public Encoding {
        features = List.copyOf(features);
        unknownCategory = unknownCategory == null ? PreprocessingSpec.IGNORE : unknownCategory;
    }

    /**
     * One feature's encoding.
     *
     * @param type         {@code numeric} or {@code categorical}
     * @param fill         numeric: the value a missing cell gets
     * @param indicator    numeric: whether a 0/1 "was missing" input follows the value
     * @param levels       categorical: the levels the training rows had, in order, each a one-hot input
     * @param missingLevel categorical: whether the training rows had missing values, whose input follows the levels
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Feature(String name, String type, Double fill, Boolean indicator, List<Level> levels,
            Boolean missingLevel) {

        public Feature {
            levels = levels == null ? null : List.copyOf(levels);
        }

        public static Feature numeric(String name, double fill, boolean indicator) {
            return new Feature(name, NUMERIC, fill, indicator, null, null);
        }

        public static Feature categorical(String name, List<Level> levels, boolean missingLevel) {
            return new Feature(name, CATEGORICAL, null, null, levels, missingLevel);
        }

        @JsonIgnore
        public boolean isCategorical() {
            return CATEGORICAL.equals(type);
        }

        /** The inputs this feature takes. */
        @JsonIgnore
        public int width() {
            return isCategorical() ? levels.size() + (Boolean.TRUE.equals(missingLevel) ? 1 : 0)
                    : Boolean.TRUE.equals(indicator) ? 2 : 1;
        }

        /** The index in {@link #levels()} of a value given as text, or -1; numbers match numeric levels by value. */
        public int levelOf(String text) {
            for (int i = 0; i < levels.size(); i++) {
                if (levels.get(i).number() == null && levels.get(i).value().equals(text)) {
                    return i;
                }
            }
            if (Decimal.isDecimal(text)) {
                double number = Double.parseDouble(text);
                for (int i = 0; i < levels.size(); i++) {
                    if (levels.get(i).number() != null && levels.get(i).number() == number) {
                        return i;
                    }
                }
            }
            return -1;
        }
    }

    /**
     * A level of a categorical feature.
     *
     * @param value  its text (a number's in plain decimal form)
     * @param number its value when it is a number, matched by value; null for text, matched exactly
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Level(String value, Double number) {
    }

    /** The network's inputs. */
    @JsonIgnore
    public int width() {
        int width = 0;
        for (Feature feature : features) {
            width += feature.width();
        }
        return width;
    }

    /** The names of the inputs: a numeric feature's name, {@code name=<missing>}, {@code name=level}. */
    @JsonIgnore
    public List<String> inputNames() {
        List<String> names = new ArrayList<>();
        for (Feature f : features) {
            if (f.isCategorical()) {
                f.levels().forEach(l -> names.add(f.name() + "=" + l.value()));
                if (Boolean.TRUE.equals(f.missingLevel())) {
                    names.add(f.name() + "=" + MISSING_NAME);
                }
            } else {
                names.add(f.name());
                if (Boolean.TRUE.equals(f.indicator())) {
                    names.add(f.name() + "=" + MISSING_NAME);
                }
            }
        }
        return names;
    }

    /** Which inputs carry a numeric feature's value (and are standardised); one-hot and indicator inputs do not. */
    @JsonIgnore
    public boolean[] numericInputs() {
        boolean[] numeric = new boolean[width()];
        int at = 0;
        for (Feature f : features) {
            if (!f.isCategorical()) {
                numeric[at] = true;
            }
            at += f.width();
        }
        return numeric;
    }

    /** Whether every feature is numeric and takes one input: a row is its own encoding once nothing is missing. */
    @JsonIgnore
    public boolean isIdentity() {
        return features.stream().allMatch(f -> !f.isCategorical() && !Boolean.TRUE.equals(f.indicator()));
    }

    /**
     * Writes the inputs of the row {@code values[from .. from + features)} to {@code out[to .. to + width)}.
     * An unknown level (-1) encodes as all zeros.
     */
    public void encode(double[] values, int from, double[] out, int to) {
        int at = to;
        for (int i = 0; i < features.size(); i++) {
            Feature f = features.get(i);
            double v = values[from + i];
            if (f.isCategorical()) {
                int width = f.width();
                for (int k = 0; k < width; k++) {
                    out[at + k] = 0;
                }
                if (Double.isNaN(v)) {
                    if (Boolean.TRUE.equals(f.missingLevel())) {
                        out[at + f.levels().size()] = 1;
                    }
                } else if (v >= 0) {
                    out[at + (int) v] = 1;
                }
                at += width;
            } else {
                boolean missing = Double.isNaN(v);
                out[at++] = missing ? f.fill() : v;
                if (Boolean.TRUE.equals(f.indicator())) {
                    out[at++] = missing ? 1 : 0;
                }
            }
        }
    }
}
