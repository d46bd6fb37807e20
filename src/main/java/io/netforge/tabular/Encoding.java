package io.netforge.tabular;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a model learned from its training rows to turn a row of features into the network's inputs, and applies to
 * every row after: one fitted {@link Feature} per feature (numeric ones filled in when missing, categorical ones
 * one-hot over the levels the training rows had). Inputs are laid out feature by feature, in feature order.
 * Standardisation comes after, on the inputs features {@link Feature#scaledInputs() scale}.
 *
 * <p>Rows reach {@link #encode} as one raw value per feature (see {@link Feature}).
 *
 * @param features        one per feature, in the order of a row
 * @param unknownCategory at predict, what a level the training rows did not have does: {@code ignore} or
 *                        {@code error} ({@link PreprocessingSpec#unknownCategory()})
 */
public record Encoding(List<Feature> features, String unknownCategory) {

    /** How an input that stands for a missing value is named: {@code "city=<missing>"}, {@code "age=<missing>"}. */
    public static final String MISSING_NAME = "<missing>";

    public Encoding {
        features = List.copyOf(features);
        unknownCategory = unknownCategory == null ? PreprocessingSpec.IGNORE : unknownCategory;
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

    /** Whether a value the training rows did not have is refused at predict ({@code unknownCategory=error}). */
    @JsonIgnore
    public boolean strict() {
        return PreprocessingSpec.ERROR.equals(unknownCategory);
    }

    /** The features' names, in order. */
    @JsonIgnore
    public List<String> names() {
        return features.stream().map(Feature::name).toList();
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

    /** The names of the inputs, feature by feature. */
    @JsonIgnore
    public List<String> inputNames() {
        List<String> names = new ArrayList<>();
        features.forEach(f -> names.addAll(f.inputNames()));
        return names;
    }

    /** Which inputs carry a value that standardisation scales; one-hot and indicator inputs do not. */
    @JsonIgnore
    public boolean[] numericInputs() {
        boolean[] numeric = new boolean[width()];
        int at = 0;
        for (Feature f : features) {
            for (int i = 0; i < f.scaledInputs(); i++) {
                numeric[at + i] = true;
            }
            at += f.width();
        }
        return numeric;
    }

    /** Whether every feature's input is its raw value: a row is its own encoding once nothing is missing. */
    @JsonIgnore
    public boolean isIdentity() {
        return features.stream().allMatch(Feature::identity);
    }

    /** Writes the inputs of the row {@code values[from .. from + features)} to {@code out[to .. to + width)}. */
    public void encode(double[] values, int from, double[] out, int to) {
        int at = to;
        for (int i = 0; i < features.size(); i++) {
            Feature f = features.get(i);
            f.encode(values[from + i], out, at);
            at += f.width();
        }
    }
}
