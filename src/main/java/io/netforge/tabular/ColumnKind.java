package io.netforge.tabular;

import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The kinds of column a dataset holds, and so of feature a model learns from: the one place a kind's name maps to its
 * type. Each kind fits its own {@link Feature} (the stored encoding, which then applies itself at training, scoring
 * and predict time) from the training rows of its column.
 */
public enum ColumnKind {

    /** Numbers; a missing one is filled in (and flagged, when asked). */
    NUMERIC("numeric") {
        @Override
        public Feature fit(String name, List<Encoding.Level> levels, double[] values, PreprocessingSpec spec) {
            return NumericFeature.fit(name, values, spec);
        }

        @Override
        public long inputs(long levels, boolean missing, PreprocessingSpec spec) {
            return 1 + (spec.missingIndicators() && missing ? 1 : 0);
        }
    },

    /** Text (or numbers named as categories): one-hot over the levels the training rows have. */
    CATEGORICAL("categorical") {
        @Override
        public Feature fit(String name, List<Encoding.Level> levels, double[] values, PreprocessingSpec spec) {
            return CategoricalFeature.fit(name, levels, values);
        }

        @Override
        public long inputs(long levels, boolean missing, PreprocessingSpec spec) {
            return levels + (missing ? 1 : 0);
        }
    },

    /**
     * {@code true/false}, {@code yes/no}, {@code t/f}, {@code y/n} (any case): stored as categorical cells (the
     * levels keep their text, false before true), one 0/1 input as a feature, binary as a label.
     */
    BOOLEAN("boolean") {
        @Override
        public Feature fit(String name, List<Encoding.Level> levels, double[] values, PreprocessingSpec spec) {
            return BooleanFeature.fit(name, levels, values, spec);
        }

        @Override
        public long inputs(long levels, boolean missing, PreprocessingSpec spec) {
            return 1 + (spec.missingIndicators() && missing ? 1 : 0);
        }
    },

    /**
     * Ids and free text: text with more distinct values than a categorical column may have. Described at upload, left
     * out of the features by default; never a feature or a label.
     */
    TEXT("text") {
        @Override
        public Feature fit(String name, List<Encoding.Level> levels, double[] values, PreprocessingSpec spec) {
            throw new IllegalStateException("column " + name + " is text: it is never a feature");
        }

        @Override
        public long inputs(long levels, boolean missing, PreprocessingSpec spec) {
            return 0;
        }

        @Override
        public boolean learnable() {
            return false;
        }
    };

    private final String id;

    ColumnKind(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static ColumnKind byId(String id) {
        return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown column kind " + id));
    }

    /** Whether a column of this kind can be a feature or a label. */
    public boolean learnable() {
        return true;
    }

    /**
     * The feature a column of this kind becomes, learned from its training rows alone.
     *
     * @param levels the column's levels by code (what its categorical cells hold); null for a numeric column
     * @param values the training rows' cells: numbers, or level codes; NaN for missing
     * @throws EncodingFit.NoValuesException when the rows cannot give the feature what it needs
     */
    public abstract Feature fit(String name, List<Encoding.Level> levels, double[] values, PreprocessingSpec spec);

    /**
     * The inputs a feature of this kind takes at most, before it is fitted: for a column of {@code levels} levels
     * that has missing values or not.
     */
    public abstract long inputs(long levels, boolean missing, PreprocessingSpec spec);
}
