package io.netforge.tabular;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How a model turns a dataset's columns into its inputs, as asked for (validated, defaults filled in); what it
 * learns from the training rows is an {@link Encoding}.
 *
 * @param imputation        how a missing numeric value is filled: {@code mean} or {@code median} of the training
 *                          rows, or {@code constant} ({@code fillValue})
 * @param fillValue         the constant, for {@code constant}; else null
 * @param missingIndicators add a 0/1 input "was missing" beside each numeric feature that had missing values in
 *                          the training rows
 * @param unknownCategory   at predict, a categorical value the training rows did not have: {@code ignore} (all of
 *                          the feature's one-hot inputs 0) or {@code error} (400)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PreprocessingSpec(String imputation, Double fillValue, boolean missingIndicators,
        String unknownCategory) {

    public static final String MEAN = "mean";
    public static final String MEDIAN = "median";
    public static final String CONSTANT = "constant";
    public static final String IGNORE = "ignore";
    public static final String ERROR = "error";
    public static final List<String> UNKNOWN_CATEGORY = List.of(IGNORE, ERROR);

    public static final PreprocessingSpec DEFAULT = new PreprocessingSpec(MEAN, null, false, IGNORE);

    public PreprocessingSpec {
        imputation = imputation == null ? MEAN : imputation;
        unknownCategory = unknownCategory == null ? IGNORE : unknownCategory;
    }
}
