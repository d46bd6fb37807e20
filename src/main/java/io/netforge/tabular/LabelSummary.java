package io.netforge.tabular;

/**
 * What a task needs to know of a label column to say whether it can learn it: its kind and its distinct values, as
 * the dataset profiled them at upload.
 */
public interface LabelSummary {

    String name();

    /** Whether the column holds text (some value is not a number, or it was uploaded as categorical). */
    boolean categorical();

    /** Distinct non-missing values: exact when {@link #distinctExact()}, else a lower bound. */
    long distinct();

    boolean distinctExact();

    /** Numeric columns: whether every value is a whole number. */
    boolean integers();

    /** Values that are present in a dataset of {@code rows} rows. */
    long present(long rows);

    /** The first text value, or null when there is none (for messages). */
    String firstText();

    /** The first data row (1-based) with a text value, or null. */
    Long firstTextRow();
}
