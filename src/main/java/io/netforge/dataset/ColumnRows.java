package io.netforge.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The rows of {@code dataset_columns} and {@code dataset_levels} that describe a dataset's profiled columns. */
final class ColumnRows {

    static final String INSERT_COLUMN = """
            INSERT INTO dataset_columns (dataset_id, position, name, type, missing_count, distinct_count, distinct_exact,
                                         integers, min_value, max_value, mean_value, sd_value, first_text_row,
                                         unique_values, examples, date_format, percentages)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """;

    /** The same as the schema was when V5 converted the datasets of before: no text columns yet. */
    static final String INSERT_COLUMN_V4 = """
            INSERT INTO dataset_columns (dataset_id, position, name, type, missing_count, distinct_count, distinct_exact,
                                         integers, min_value, max_value, mean_value, sd_value, first_text_row)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """;

    static final String INSERT_LEVEL = """
            INSERT INTO dataset_levels (dataset_id, position, level_code, level_value, number, row_count, stored_code)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """;

    /** Runs one statement for many parameter rows (a JDBC batch). */
    interface Batch {
        void run(String sql, List<Object[]> rows);
    }

    private ColumnRows() {
    }

    /** As V5 stored them (its datasets' columns are numeric). */
    static void insertAsOfV5(UUID dataset, List<ColumnProfile.Profiled> columns, Batch batch) {
        insert(dataset, columns, batch, null);
    }

    /** @param toJson writes a text column's examples; null to write the columns as the V4 schema has them */
    static void insert(UUID dataset, List<ColumnProfile.Profiled> columns, Batch batch,
            java.util.function.Function<List<String>, String> toJson) {
        List<Object[]> columnRows = new ArrayList<>(columns.size());
        List<Object[]> levelRows = new ArrayList<>();
        for (ColumnProfile.Profiled profiled : columns) {
            DatasetColumn c = profiled.column();
            columnRows.add(toJson == null
                    ? new Object[] { dataset, c.position(), c.name(), c.type().id(), c.missing(), c.distinct(),
                        c.distinctExact(), c.integers(), c.min(), c.max(), c.mean(), c.sd(), c.firstTextRow() }
                    : new Object[] { dataset, c.position(), c.name(), c.type().id(), c.missing(), c.distinct(),
                        c.distinctExact(), c.integers(), c.min(), c.max(), c.mean(), c.sd(), c.firstTextRow(),
                        c.unique(), c.examples() == null ? null : toJson.apply(c.examples()), c.format(),
                        c.percentages() });
            for (int code = 0; code < c.levels().size(); code++) {
                DatasetColumn.Level level = c.levels().get(code);
                int stored = profiled.storedCodes()[code];
                levelRows.add(new Object[] { dataset, c.position(), code, level.value(), level.number(), level.count(),
                        stored < 0 ? null : stored });
            }
        }
        batch.run(toJson == null ? INSERT_COLUMN_V4 : INSERT_COLUMN, columnRows);
        for (int from = 0; from < levelRows.size(); from += 1000) {
            batch.run(INSERT_LEVEL, levelRows.subList(from, Math.min(levelRows.size(), from + 1000)));
        }
    }
}
