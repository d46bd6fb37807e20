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
        public Feature fit(EncodingFit.Source source, double[] values, PreprocessingSpec spec) {
            return NumericFeature.fit(source.name(), values, spec);
        }

        @Override
        public long inputs(long levels, boolean missing, PreprocessingSpec spec) {
            return 1 + (spec.missingIndicators() && missing ? 1 : 0);
        }
    },

    /** Text (or numbers named as categories): one-hot over the levels the training rows have. */
    CATEGORICAL("categorical") {
        @Override
        public Feature fit(EncodingFit.Source source, double[] values, PreprocessingSpec spec) {
            return CategoricalFeature.fit(source.name(), source.levels(), values);
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
        public Feature fit(EncodingFit.Source source, double[] values, PreprocessingSpec spec) {
            return BooleanFeature.fit(source.name(), source.levels(), values, spec);
        }

        @Override
        public long inputs(long levels, boolean missing, PreprocessingSpec spec) {
            return 1 + (spec.missingIndicators() && missing ? 1 : 0);
        }
    },

    /**
     * Dates and date-times: stored as seconds since 1970 UTC ({@link DateTimes}), with the format they were read in;
     * a feature of their parts ({@link DateFeature}); never a label.
     */
    DATETIME("datetime") {
        @Override
        public Feature fit(EncodingFit.Source source, double[] values, PreprocessingSpec spec) {
            return DateFeature.fit(source.name(), source.format(), values, spec);
        }

        @Override
        public long inputs(long levels, boolean missing, PreprocessingSpec spec) {
            return 11 + (spec.missingIndicators() && missing ? 1 : 0);
        }

        @Override
        public boolean labelable() {
            return false;
        }
    },

    /**
     * Ids and free text: text with more distinct values than a categorical column may have. Described at upload, left
     * out of the features by default; never a feature or a label.
     */
    TEXT("text") {
        @Override
        public Feature fit(EncodingFit.Source source, double[] values, PreprocessingSpec spec) {
            throw new IllegalStateException("column " + source.name() + " is text: it is never a feature");
        }

        @Override
        public long inputs(long levels, boolean missing, PreprocessingSpec spec) {
            return 0;
        }

        @Override
        public boolean learnable() {
            return false;
        }

        @Override
        public boolean labelable() {
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

    /** Whether a column of this kind can be a feature. */
    public boolean learnable() {
        return true;
    }

    /** Whether a column of this kind can be a label. */
    public boolean labelable() {
        return true;
    }

    /**
     * The feature a column of this kind becomes, learned from its training rows alone.
     *
     * @param source the column: its name, its levels by code (what categorical cells hold; null for a numeric
     *               column), a date column's format
     * @param values the training rows' cells: numbers, level codes, or a date's seconds; NaN for missing
     * @throws EncodingFit.NoValuesException when the rows cannot give the feature what it needs
     */
    public abstract Feature fit(EncodingFit.Source source, double[] values, PreprocessingSpec spec);

    /**
     * The inputs a feature of this kind takes at most, before it is fitted: for a column of {@code levels} levels
     * that has missing values or not.
     */
    public abstract long inputs(long levels, boolean missing, PreprocessingSpec spec);
}
