package io.netforge.tabular;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * One row's answer, typed by its task ({@link BinaryPrediction}, {@link MulticlassPrediction},
 * {@link RegressionPrediction}): what every protocol adapts from. Serialised as {@code /predict} answers it.
 */
public sealed interface Prediction permits BinaryPrediction, MulticlassPrediction, RegressionPrediction {

    /**
     * The answer as a row of its task's tabular columns ({@link Task#columns}), as CSV writes it: a class that is
     * text is {@linkplain #spreadsheetSafe made safe} for spreadsheets.
     */
    @JsonIgnore
    List<String> cells();

    /**
     * A text cell as a spreadsheet will not run it: one that starts with {@code =}, {@code +}, {@code -}, {@code @},
     * a tab or a carriage return (a formula to Excel, LibreOffice and Google Sheets) gets a leading {@code '}, as
     * OWASP's CSV-injection guidance says; a number ({@code -1.5}) is left as it is.
     */
    static String spreadsheetSafe(Object cell) {
        String text = String.valueOf(cell);
        if (cell instanceof Number || text.isEmpty() || "=+-@\t\r".indexOf(text.charAt(0)) < 0
                || NUMBER.matcher(text).matches()) {
            return text;
        }
        return "'" + text;
    }

    /** A plain decimal number, which no spreadsheet reads as a formula. */
    java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    /** A classifier's probability of each class, in output order (binary: 1 - p, p); null for a regression. */
    @JsonIgnore
    double[] classProbabilities();

    /** The class predicted (as uploaded), or null for a regression. */
    @JsonIgnore
    Object predictedClass();
}
