package io.netforge.dataset;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.netforge.tabular.Task;

/**
 * A dataset as the API shows it.
 *
 * @param features the stored columns but the label and the text columns, in upload order: the default features of
 *                 a model
 * @param label    the label column named at upload (else the last): the default label of a model
 * @param task     the task that label suggests ({@link Task#infer}); null when it is a text column
 * @param contentSha256 the SHA-256 of the table as stored: the same for the same typed cells, as a CSV, a gzip CSV
 *                 or a Parquet file; absent for datasets stored before it existed
 * @param notes    what a user should know before training: the text columns left out of the default features
 * @param classes  for a binary or multi-class label, its classes in code order with their rows: a value is a JSON
 *                 number for a number, else a string; empty for a regression label
 * @param columns  every stored column described; left out of the list of all datasets
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record DatasetResponse(UUID id, String name, Instant createdAt, long rows, List<String> features, String label,
        Task task, List<ClassCount> classes, List<ColumnResponse> columns, List<String> ignored, String delimiter,
        List<String> missingValues, long sizeBytes, String sha256, String contentSha256, List<String> notes) {

    /** Most frequent levels a categorical column shows. */
    static final int TOP_LEVELS = 20;

    record ClassCount(Object value, long count) {
    }

    /**
     * @param distinct      distinct non-missing values; a lower bound when {@code distinctExact} is false
     * @param sd            sample standard deviation (n - 1)
     * @param topLevels     categorical columns: the {@value #TOP_LEVELS} most frequent levels, most frequent first
     * @param unique        text columns: whether every present value occurs once (an id); absent when not known
     * @param examples      text columns: the first few distinct values, shortened
     * @param earliest      date columns with values: the earliest, as ISO 8601 UTC text (likewise latest)
     * @param format        date columns: the format their text was read in ({@code iso}, {@code ymd-slash},
     *                      {@code mon-d-yyyy}, {@code d-mon-yyyy}, or {@code pattern:} and the letters named)
     * @param percentages   numeric columns whose values were percentages ({@code 12%}, kept as 12): true; else absent
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ColumnResponse(String name, String type, long missing, long distinct, boolean distinctExact,
            Boolean integers, Double min, Double max, Double mean, Double sd, List<LevelCount> topLevels,
            Boolean unique, List<String> examples, String earliest, String latest, String format,
            Boolean percentages) {
    }

    record LevelCount(String value, long count) {
    }

    static DatasetResponse of(DatasetInfo info) {
        return of(info, true);
    }

    static DatasetResponse summary(DatasetInfo info) {
        return of(info, false);
    }

    private static DatasetResponse of(DatasetInfo info, boolean withColumns) {
        DatasetColumn label = info.labelColumn();
        Task task = label.type().labelable() ? Task.infer(label) : null;
        List<ClassCount> classes = task != null && task.classification()
                ? label.levels().stream().map(l -> new ClassCount(json(l), l.count())).toList() : List.of();
        List<String> notes = info.columns().stream().filter(DatasetColumn::text)
                .map(c -> c.whyText() + (c.name().equals(info.label()) ? "; it cannot be the label: name another with"
                        + " \"label\" when training" : "; it is left out of the features unless a request names it"
                        + " (which is refused)") + textNote(c)).toList();
        return new DatasetResponse(info.id(), info.name(), info.createdAt(), info.rows(), info.features(), info.label(),
                task, classes, withColumns ? info.columns().stream().map(DatasetResponse::column).toList() : null,
                info.ignored(), info.delimiter() == '\t' ? "tab" : String.valueOf(info.delimiter()), info.missing(),
                info.sizeBytes(), info.sha256(), info.contentSha256(), notes.isEmpty() ? null : notes);
    }

    /** A class for a JSON answer: a number as a JSON number (in plain form, e.g. {@code 1} or {@code 0.5}), else text. */
    static Object json(DatasetColumn.Level level) {
        return level.number() != null ? new BigDecimal(level.value()) : level.value();
    }

    /** For a text column whose first rows were numbers or missing: where its text starts, which may mark a gap. */
    private static String textNote(DatasetColumn c) {
        return c.firstTextRow() != null && c.firstTextRow() > 1 ? " (its first text is in row " + c.firstTextRow()
                + ": if text there marks a missing value, upload again with missing=)" : "";
    }

    private static ColumnResponse column(DatasetColumn c) {
        if (c.text()) {
            return new ColumnResponse(c.name(), c.type().id(), c.missing(), c.distinct(), c.distinctExact(), null, null,
                    null, null, null, null, c.unique(), c.examples(), null, null, null, null);
        }
        if (c.type() == io.netforge.tabular.ColumnKind.DATETIME) {
            return new ColumnResponse(c.name(), c.type().id(), c.missing(), c.distinct(), c.distinctExact(), null, null,
                    null, null, null, null, null, null, c.min() == null ? null : io.netforge.tabular.DateTimes.iso(c.min()),
                    c.max() == null ? null : io.netforge.tabular.DateTimes.iso(c.max()), c.format(), null);
        }
        if (c.categorical()) {
            List<LevelCount> top = c.levels().stream()
                    .sorted(Comparator.comparingLong(DatasetColumn.Level::count).reversed())
                    .limit(TOP_LEVELS).map(l -> new LevelCount(l.value(), l.count())).toList();
            return new ColumnResponse(c.name(), c.type().id(), c.missing(), c.distinct(), c.distinctExact(), null, null,
                    null, null, null, top, null, null, null, null, null, null);
        }
        return new ColumnResponse(c.name(), c.type().id(), c.missing(), c.distinct(), c.distinctExact(), c.integers(),
                c.min(), c.max(), c.mean(), c.sd(), null, null, null, null, null, null,
                c.percentages() ? Boolean.TRUE : null);
    }
}
