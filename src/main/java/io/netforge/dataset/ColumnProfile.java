package io.netforge.dataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything an upload learns about one column while its cells stream past, and the 64-bit cell each value is
 * stored as (see {@code V4__tabular_columns.sql}):
 * <ul>
 * <li>a number: its IEEE 754 binary64 bits (never NaN: the parser refuses non-finite numbers);</li>
 * <li>a missing cell: {@link #MISSING}, the canonical quiet NaN;</li>
 * <li>a text value: {@link #TEXT} | (code + 1), a NaN with the sign bit set whose payload is the value's
 *     stored code, numbered in the order values are first seen (the sorted order is only known at the end).</li>
 * </ul>
 * A column whose type is only known at the end (numbers, then text) needs no rewrite: each cell says what it is.
 *
 * <p>A column of text with more distinct values than a categorical column may have (an id, a title, free text)
 * becomes a text column ({@link #becomeText}): its values are no longer kept, only counted ({@link DistinctTexts})
 * and a few shown as examples; its later cells are stored as {@link #UNKEPT_TEXT}. Nothing reads a text column's
 * cells as values: it is never a feature or a label.
 */
final class ColumnProfile {

    static final long MISSING = 0x7ff8_0000_0000_0000L;
    static final long TEXT = 0xfff0_0000_0000_0000L;
    private static final long PAYLOAD = 0x000f_ffff_ffff_ffffL;
    /** A present value of a text column, not kept. */
    static final long UNKEPT_TEXT = TEXT | PAYLOAD;
    /** Values a text column shows as examples: the first distinct ones seen. */
    static final int EXAMPLES = 5;

    private final int position;
    private final String name;
    private final boolean textOnly;
    private final boolean recognisesBooleans;
    /** The format named for its dates, or null. */
    private final io.netforge.tabular.DateTimes.Format namedFormat;
    /** A typed table's string column: its numbers are text, its dates and booleans still recognised. */
    private final boolean strings;
    /** Whether its numbers are percentages ({@code 12%}, stored as 12): decided by its first number; null before. */
    private Boolean percents;
    /** Once its first present value was a date: the format its dates are read in. */
    private io.netforge.tabular.DateTimes.Format dateFormat;

    private long missing;
    private long numbers;
    private double mean;
    private double m2;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private boolean integers = true;
    private final DistinctNumbers distinct;

    private final Map<String, Integer> textCodes = new HashMap<>();
    private final List<String> texts = new ArrayList<>();
    private long[] textCounts = new long[4];
    private long firstTextRow;
    private long textChars;
    /** Once the column is text: its values, counted. */
    private DistinctTexts textValues;
    private List<String> examples;

    /** A column of a CSV upload with no options for it. */
    ColumnProfile(int position, String name, boolean textOnly, int distinctLimit) {
        this(position, name, textOnly, distinctLimit, true, null, false);
    }

    /**
     * @param textOnly       every value is text, numbers too (the column was named in {@code categorical=})
     * @param distinctLimit  most distinct numbers counted exactly
     * @param booleans       whether a column of boolean words is a boolean column (the V5 migration, which converted
     *                       datasets before boolean columns existed, keeps them categorical, as it always did)
     * @param named          the format an upload named for this column's dates ({@code dates=}), or null
     * @param strings        a typed table's string column (Parquet): its numbers are text, its dates and booleans
     *                       still recognised
     */
    ColumnProfile(int position, String name, boolean textOnly, int distinctLimit, boolean booleans,
            io.netforge.tabular.DateTimes.Format named, boolean strings) {
        this.position = position;
        this.name = name;
        this.textOnly = textOnly;
        this.distinct = new DistinctNumbers(distinctLimit);
        this.recognisesBooleans = booleans;
        this.namedFormat = named;
        this.strings = strings;
    }

    String name() {
        return name;
    }

    boolean textOnly() {
        return textOnly;
    }

    static boolean isText(long cell) {
        return (cell & TEXT) == TEXT && (cell & PAYLOAD) != 0;
    }

    static int textCode(long cell) {
        return (int) ((cell & PAYLOAD) - 1);
    }

    long missing() {
        missing++;
        return MISSING;
    }

    long number(double value) {
        numbers++;
        double delta = value - mean;
        mean += delta / numbers;
        m2 += delta * (value - mean);
        min = Math.min(min, value);
        max = Math.max(max, value);
        integers &= value == Math.rint(value);
        distinct.add(value);
        return Double.doubleToRawLongBits(value);
    }

    boolean strings() {
        return strings;
    }

    Boolean percents() {
        return percents;
    }

    void holdsPercents(boolean percent) {
        percents = percent;
    }

    /** Whether its dates are stored as their seconds (its first present value was a date, or a format was named). */
    boolean isDateColumn() {
        return dateFormat != null;
    }

    io.netforge.tabular.DateTimes.Format namedFormat() {
        return namedFormat;
    }

    /**
     * Whether a value may start a date column: a format was named, or this is the column's first present value and
     * it is not a number.
     */
    boolean dateCandidate(boolean decimal) {
        return namedFormat != null || (!decimal && numbers == 0 && texts.isEmpty());
    }

    /**
     * The seconds of a value in the column's format (detected from its first value, or named), or NaN: one parse a
     * cell, and a column that mixes formats names the cell that differs.
     */
    double dateSeconds(String text) {
        io.netforge.tabular.DateTimes.Format format = dateFormat != null ? dateFormat
                : namedFormat != null ? namedFormat : io.netforge.tabular.DateTimes.detect(text);
        if (format == null) {
            return Double.NaN;
        }
        double seconds = format.seconds(text); // a column's dates are all in its one format
        if (!Double.isNaN(seconds) && dateFormat == null) {
            dateFormat = format;
        }
        return seconds;
    }

    /** Stores a date as its seconds. */
    long date(double seconds) {
        return number(seconds);
    }

    /** The format as a message names it. */
    String formatDescription() {
        io.netforge.tabular.DateTimes.Format format = dateFormat != null ? dateFormat : namedFormat;
        return format == null ? "none" : format.id();
    }

    /** Whether the column became a text column ({@link #becomeText}). */
    boolean isTextColumn() {
        return textValues != null;
    }

    /**
     * Makes this a text column: its levels so far (numbers included) are counted into at most {@code countLimit}
     * distinct values and dropped, apart from the first few as examples.
     *
     * @return the text levels it held, which no longer take memory
     */
    int becomeText(int countLimit) {
        textValues = new DistinctTexts(countLimit);
        examples = new ArrayList<>();
        for (int code = 0; code < texts.size(); code++) {
            textValues.add(texts.get(code), textCounts[code]);
            if (examples.size() < EXAMPLES) {
                examples.add(CsvDatasetParser.abbreviate(texts.get(code)));
            }
        }
        if (!textOnly && numbers > 0) {
            if (distinct.overflowed()) {
                textValues.stopCounting();
            } else {
                for (double v : distinct.values()) {
                    textValues.add(DatasetColumn.plain(v), distinct.count(v));
                }
            }
        }
        int released = texts.size();
        textChars = 0;
        textCodes.clear();
        texts.clear();
        textCounts = new long[0];
        return released;
    }

    /** Stores a present value of a text column, in data row {@code row}. */
    long textValue(String value, long row) {
        textValues.add(value, 1);
        if (examples.size() < EXAMPLES && textValues.exact() && textValues.size() > examples.size()
                && !examples.contains(CsvDatasetParser.abbreviate(value))) {
            examples.add(CsvDatasetParser.abbreviate(value));
        }
        if (firstTextRow == 0) {
            firstTextRow = row;
        }
        return UNKEPT_TEXT;
    }

    /** The stored code of a text value seen before, or -1. */
    int knownText(String value) {
        Integer code = textCodes.get(value);
        return code == null ? -1 : code;
    }

    /** Characters of the text levels it keeps. */
    long textChars() {
        return textChars;
    }

    int textLevels() {
        return texts.size();
    }

    /** Distinct numbers so far (a lower bound once past the limit); counts toward a mixed column's levels. */
    int numberLevels() {
        return distinct.size();
    }

    boolean numbersOverflowed() {
        return distinct.overflowed();
    }

    /** Stores a text value, first seen or not, in data row {@code row}. */
    long text(String value, long row) {
        int code = knownText(value);
        if (code < 0) {
            code = texts.size();
            textCodes.put(value, code);
            texts.add(value);
            textChars += value.length();
            if (code == textCounts.length) {
                textCounts = Arrays.copyOf(textCounts, code * 2);
            }
        }
        textCounts[code]++;
        if (firstTextRow == 0) {
            firstTextRow = row;
        }
        return TEXT | (code + 1L);
    }

    /** The column's description and, for each of its levels in code order, its stored code (-1 for a number). */
    record Profiled(DatasetColumn column, int[] storedCodes) {
    }

    /**
     * The column once every row was seen. A column with text is categorical; its numbers, if any, are levels by
     * value. The caller has checked that such a column's numbers were all counted ({@link #numbersOverflowed}).
     */
    Profiled finish() {
        Long textRow = firstTextRow == 0 ? null : firstTextRow;
        if (textValues != null) {
            return new Profiled(new DatasetColumn(position, name, io.netforge.tabular.ColumnKind.TEXT, missing,
                    textValues.size(), textValues.exact(), false, null, null, null, null, textRow, List.of(),
                    textValues.unique(), examples, null, false), new int[0]);
        }
        boolean categorical = textOnly || !texts.isEmpty();
        List<LevelWithCode> levels = new ArrayList<>();
        for (int code = 0; code < texts.size(); code++) {
            levels.add(new LevelWithCode(new DatasetColumn.Level(texts.get(code), null, textCounts[code]), code));
        }
        if (!distinct.overflowed()) {
            for (double v : distinct.values()) {
                levels.add(new LevelWithCode(new DatasetColumn.Level(DatasetColumn.plain(v), v, distinct.count(v)), -1));
            }
        }
        // text of only true/false, yes/no, t/f, y/n (any case) is a boolean column, its false levels first
        boolean booleans = recognisesBooleans && categorical && !textOnly && !texts.isEmpty() && numbers == 0
                && texts.stream().allMatch(io.netforge.tabular.BooleanFeature::isToken);
        java.util.Comparator<DatasetColumn.Level> order = booleans
                ? java.util.Comparator.<DatasetColumn.Level>comparingDouble(
                        l -> io.netforge.tabular.BooleanFeature.truth(l.value())).thenComparing(DatasetColumn.Level::value)
                : DatasetColumn.LEVEL_ORDER;
        levels.sort((a, b) -> order.compare(a.level, b.level));
        List<DatasetColumn.Level> ordered = levels.stream().map(l -> l.level).toList();
        int[] stored = levels.stream().mapToInt(l -> l.storedCode).toArray();
        if (categorical) {
            if (distinct.overflowed()) {
                throw new IllegalStateException("column " + name + ": its numbers were not all counted");
            }
            return new Profiled(new DatasetColumn(position, name, booleans ? io.netforge.tabular.ColumnKind.BOOLEAN
                    : io.netforge.tabular.ColumnKind.CATEGORICAL, missing,
                    ordered.size(), true, false, null, null, null, null, textRow, ordered, null, null, null, false), stored);
        }
        boolean any = numbers > 0;
        if (dateFormat != null || namedFormat != null) {
            return new Profiled(new DatasetColumn(position, name, io.netforge.tabular.ColumnKind.DATETIME, missing,
                    distinct.size(), !distinct.overflowed(), false, any ? min : null, any ? max : null,
                    any ? mean : null, numbers > 1 ? Math.sqrt(m2 / (numbers - 1)) : null, null, List.of(), null, null,
                    (dateFormat != null ? dateFormat : namedFormat).id(), false), new int[0]);
        }
        return new Profiled(new DatasetColumn(position, name, io.netforge.tabular.ColumnKind.NUMERIC, missing, distinct.size(),
                !distinct.overflowed(), any && integers, any ? min : null, any ? max : null, any ? mean : null,
                numbers > 1 ? Math.sqrt(m2 / (numbers - 1)) : null, null, ordered, null, null, null,
                Boolean.TRUE.equals(percents)), stored);
    }

    private record LevelWithCode(DatasetColumn.Level level, int storedCode) {
    }
}
