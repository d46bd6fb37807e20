package io.netforge.tabular;

import java.util.List;
import java.util.function.DoubleUnaryOperator;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import tools.jackson.databind.JsonNode;

/**
 * One feature's fitted encoding, as stored with its model, and everything it does after: how a value of it (a
 * stored dataset cell, a JSON value, a CSV cell) becomes its raw value, and how a raw value becomes the network's
 * inputs. One record per {@link ColumnKind}; nothing elsewhere asks which kind a feature is.
 *
 * <p>A raw value is a number (NaN when missing) for a numeric feature, for a categorical one the index of its
 * level, -1 for a level the training rows did not have, NaN when missing, for a boolean one 0 or 1 (NaN when
 * missing), and for a date its seconds since 1970 UTC (NaN when missing).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXISTING_PROPERTY, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = NumericFeature.class, name = "numeric"),
        @JsonSubTypes.Type(value = CategoricalFeature.class, name = "categorical"),
        @JsonSubTypes.Type(value = BooleanFeature.class, name = "boolean"),
        @JsonSubTypes.Type(value = DateFeature.class, name = "datetime")})
public sealed interface Feature permits NumericFeature, CategoricalFeature, BooleanFeature, DateFeature {

    String name();

    /** Its kind, as the stored encoding names it. */
    @JsonIgnore
    ColumnKind kind();

    @JsonProperty("type")
    default String type() {
        return kind().id();
    }

    /** The inputs it takes. */
    @JsonIgnore
    int width();

    /** Its inputs' names, {@link #width()} of them: {@code age}, {@code age=<missing>}, {@code city=Paris}, ... */
    @JsonIgnore
    List<String> inputNames();

    /** How many of its first inputs are values that standardisation scales (not 0/1 indicator or one-hot inputs). */
    @JsonIgnore
    int scaledInputs();

    /** Whether its input is exactly its raw value when present (one input, no indicator). */
    @JsonIgnore
    boolean identity();

    /** Writes the inputs of a raw value to {@code out[at .. at + width)}; an unknown level encodes as all zeros. */
    void encode(double raw, double[] out, int at);

    /** Whether it can read the cells of a stored column of this kind. */
    boolean reads(ColumnKind column);

    /**
     * The raw value of each cell of a stored column ({@link #reads} it): a number, or a level code of
     * {@code levels}; NaN stays missing. Null when the cells are its raw values already.
     *
     * @param levels the column's levels by code; null for a numeric column
     */
    DoubleUnaryOperator reader(List<Encoding.Level> levels);

    /**
     * The raw value of a value sent to predict: a number, a level's text, or null (missing).
     *
     * @param strict refuse a level the training rows did not have ({@code unknownCategory=error})
     * @throws io.netforge.problem.DomainException 400 naming {@code field}
     */
    double fromJson(JsonNode value, String field, boolean strict);

    /** The same for a CSV cell, present and stripped (an empty cell or missing token is {@link #missing}). */
    double fromText(String text, String field, boolean strict);

    /** Whether a raw value stands for a level the training rows did not have. */
    boolean unknown(double raw);

    /** The raw value of a missing value, or a 400 naming {@code field} when this feature cannot take one. */
    double missing(String field, boolean strict);

    /** Whether predict requests send it as text (a V2 BYTES tensor) rather than a number. */
    @JsonIgnore
    boolean textual();

    /** A value as a message shows it: JSON, shortened. */
    static String brief(String json) {
        return json.length() <= 60 ? json : json.substring(0, 57) + "...";
    }

    /** A list of names as a message shows it: all of six or fewer, else the first three and the last. */
    static String describe(List<String> names) {
        return names.size() <= 6 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 3)) + ", ..., " + names.get(names.size() - 1);
    }
}
