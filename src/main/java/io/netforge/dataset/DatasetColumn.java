package io.netforge.dataset;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;

import io.netforge.tabular.ColumnKind;
import io.netforge.tabular.Encoding;
import io.netforge.tabular.EncodingFit;

/**
 * One stored column of a dataset, as profiled at upload.
 *
 * @param position      0-based place among the stored columns (ignored columns are not stored), in upload order
 * @param type          numeric, or categorical (a non-numeric value, or named in {@code categorical=})
 * @param missing       cells that were missing (empty, or one of the missing-value tokens)
 * @param distinct      distinct non-missing values: exact when {@code distinctExact}, else a lower bound (numeric
 *                      columns stop counting past a limit, to keep the upload's memory bounded)
 * @param integers      numeric columns: whether every value is a whole number
 * @param min           numeric columns with values: the smallest; else null (likewise max, mean)
 * @param sd            numeric columns with two or more values: the sample standard deviation (n - 1); else null
 * @param firstTextRow  the first data row (1-based) with a non-numeric value, or null when there is none
 * @param levels        categorical columns: every level in code order (level i has code i); numeric columns: their
 *                      distinct values in ascending order when {@code distinctExact}, else empty; text columns: empty
 * @param unique        text columns: whether every present value occurs once (an id), null when the count stopped;
 *                      null for other columns
 * @param examples      text columns: the first few distinct values, shortened; null for other columns
 * @param format        date columns (their cells and min/max/mean/sd are seconds since 1970 UTC): the format their
 *                      text was read in ({@link io.netforge.tabular.DateTimes.Format#id()}); null for other columns
 * @param percentages   numeric columns: whether the values were percentages ({@code 12%}, stored as 12)
 */
public record DatasetColumn(int position, String name, ColumnKind type, long missing, long distinct, boolean distinctExact,
        boolean integers, Double min, Double max, Double mean, Double sd, Long firstTextRow, List<Level> levels,
        Boolean unique, List<String> examples, String format, boolean percentages)
        implements io.netforge.tabular.LabelSummary {

    public DatasetColumn {
        levels = List.copyOf(levels);
        examples = examples == null ? null : List.copyOf(examples);
    }

    /**
     * A distinct value and how many rows hold it.
     *
     * @param value  the value as text: as uploaded for text, in plain decimal form for a number ({@link #plain})
     * @param number the value when it is a number (numeric columns, and numbers in a column that also holds text);
     *               null for text. Numbers are the same level when they are the same number ("1" and "1.0").
     */
    public record Level(String value, Double number, long count) {
    }

    /** Whether its cells are levels (categorical and boolean columns): a label of such a column is classes. */
    @Override
    public boolean categorical() {
        return type == ColumnKind.CATEGORICAL || type == ColumnKind.BOOLEAN;
    }

    /** The column as a feature's source: its kind and, for a categorical column, its levels by code. */
    public EncodingFit.Source source() {
        return new EncodingFit.Source(name, type, categorical()
                ? levels.stream().map(l -> new Encoding.Level(l.value(), l.number())).toList() : null, format);
    }

    /** Whether it is a text column: an id or free text, described but never a feature or a label. */
    public boolean text() {
        return type == ColumnKind.TEXT;
    }

    /**
     * Why a text column cannot be a feature or a label, for a message: what it holds and what to do about it.
     */
    public String whyText() {
        return "column '" + name + "' is text (" + (distinctExact ? "" : "more than ") + distinct + " distinct values"
                + (Boolean.TRUE.equals(unique) ? ", every one unique: an id" : "") + ", more than a categorical column"
                + " may have), which a network cannot learn from as it is";
    }

    /** Values that are present: the rows minus the missing cells. */
    @Override
    public long present(long rows) {
        return rows - missing;
    }

    @Override
    public String firstText() {
        return levels.stream().filter(l -> l.number() == null).map(Level::value).findFirst().orElse(null);
    }

    /** The order of levels: numbers first, ascending (equal numbers by their text), then text by its UTF-16 order. */
    static final Comparator<Level> LEVEL_ORDER = (a, b) -> {
        if (a.number() != null && b.number() != null) {
            int byNumber = Double.compare(a.number(), b.number());
            return byNumber != 0 ? byNumber : a.value().compareTo(b.value());
        }
        if (a.number() != null || b.number() != null) {
            return a.number() != null ? -1 : 1;
        }
        return a.value().compareTo(b.value());
    };

    /**
     * A number's name as a level or class: its shortest round-trip decimal without trailing zeros, plain between
     * 1e-6 and 1e15 ({@code 1}, {@code 0.25}, {@code -3}) and in E notation beyond ({@code 1E+20}).
     */
    public static String plain(double value) {
        if (value == 0) {
            return "0";
        }
        BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        double magnitude = Math.abs(value);
        return magnitude >= 1e-6 && magnitude < 1e15 ? decimal.toPlainString() : decimal.toString();
    }
}
