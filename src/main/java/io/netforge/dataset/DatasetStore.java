package io.netforge.dataset;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.netforge.problem.DomainException;
import io.netforge.problem.Names;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stored datasets: metadata in {@code datasets}, {@code dataset_columns} and {@code dataset_levels}, rows in
 * {@code dataset_chunks} (see {@code V4__tabular_columns.sql} and {@code V6__drop_binary_layout.sql}).
 *
 * <p>Uploads are parsed and written chunk by chunk in one transaction: memory stays bounded by one chunk (and the
 * columns' distinct values), and a failed or interrupted upload leaves nothing behind. Readers get numbers as they
 * are, a categorical value as its level code (the index in {@link DatasetColumn#levels()}), a missing cell as NaN.
 */
@Service
public class DatasetStore {


    private static final String SELECT_DATASETS = """
            SELECT id, name, created_at, row_count, label_name, delimiter, ignored_columns, missing_tokens, size_bytes,
                   sha256, content_sha256
              FROM datasets
            """;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final ObjectProvider<DatasetUsage> usages;
    private final CsvDatasetParser parser;
    private final long maxUploadBytes;

    DatasetStore(JdbcTemplate jdbc, PlatformTransactionManager transactionManager, JsonMapper json,
            ObjectProvider<DatasetUsage> usages, DatasetProperties properties) {
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.json = json;
        // Looked up on each delete, not injected as a list: a DatasetUsage may itself depend on this store.
        this.usages = usages;
        this.maxUploadBytes = properties.maxUploadBytes().toBytes();
        this.parser = new CsvDatasetParser(maxUploadBytes, properties.maxColumns(), properties.maxLevels(),
                properties.missingValues());
    }

    /** The dataset's metadata, or empty when there is no dataset with this id. */
    public Optional<DatasetInfo> find(UUID id) {
        List<DatasetInfo> found = datasets(SELECT_DATASETS + " WHERE id = ?", id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Map<UUID, List<DatasetColumn>> columns = columns(" WHERE c.dataset_id = ?", " WHERE dataset_id = ?", id);
        return Optional.of(withColumns(found.get(0), columns));
    }

    /**
     * Datasets, newest first, each with its columns but only its label column's levels (what a summary shows: the
     * levels of every categorical column of every dataset could be millions of rows): at most {@code limit} (plus one
     * more, when there is one, so the caller knows a page follows) created before the dataset
     * {@code (beforeCreatedAt, beforeId)}, or from the newest when null.
     */
    public List<DatasetInfo> list(int limit, java.time.Instant beforeCreatedAt, UUID beforeId) {
        List<DatasetInfo> found = beforeCreatedAt == null
                ? datasets(SELECT_DATASETS + " ORDER BY created_at DESC, id DESC LIMIT ?", limit + 1)
                : datasets(SELECT_DATASETS + " WHERE created_at < ? OR (created_at = ? AND id < ?)"
                        + " ORDER BY created_at DESC, id DESC LIMIT ?",
                        OffsetDateTime.ofInstant(beforeCreatedAt, java.time.ZoneOffset.UTC),
                        OffsetDateTime.ofInstant(beforeCreatedAt, java.time.ZoneOffset.UTC), beforeId, limit + 1);
        if (found.isEmpty()) {
            return found;
        }
        Map<UUID, List<DatasetColumn>> columns = columns("", """
                 WHERE (dataset_id, position) IN (SELECT c.dataset_id, c.position FROM dataset_columns c
                                                    JOIN datasets d ON d.id = c.dataset_id AND d.label_name = c.name)
                """);
        return found.stream().map(d -> withColumns(d, columns)).toList();
    }

    /**
     * Streams the values of the stored columns at {@code positions} to {@code consumer}, a chunk of at most 1 MiB
     * of cells at a time, in upload order: a number as itself, a categorical value as its level code, a missing
     * cell as NaN. Each chunk is read in its own short query; no transaction is held while the consumer runs.
     *
     * @throws DomainException 404 if the dataset does not exist, or was deleted while being read
     */
    public void readRows(UUID id, int[] positions, RowChunkConsumer consumer) {
        DatasetInfo info = find(id).orElseThrow(() -> DomainException.notFound("dataset", id));
        int width = info.columns().size();
        Decoder[] decoders = new Decoder[positions.length];
        for (int j = 0; j < positions.length; j++) {
            decoders[j] = decoder(id, info.columns().get(positions[j]));
        }
        int chunkCount = jdbc.queryForObject("SELECT chunk_count FROM datasets WHERE id = ?", Integer.class, id);
        double[] values = null;
        for (int index = 0; index < chunkCount; index++) {
            Chunk chunk = jdbc.query("""
                    SELECT first_row, row_count, cells FROM dataset_chunks WHERE dataset_id = ? AND chunk_index = ?
                    """, rs -> rs.next() ? chunk(rs) : null, id, index);
            if (chunk == null) {
                throw DomainException.notFound("dataset", id);
            }
            if (chunk.cells.length != (long) chunk.rows * width * Long.BYTES) {
                throw new IllegalStateException("dataset " + id + " chunk " + index + " has the wrong size");
            }
            LongBuffer cells = ByteBuffer.wrap(chunk.cells).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
            int needed = chunk.rows * positions.length;
            if (values == null || values.length != needed) {
                values = new double[needed];
            }
            for (int r = 0, at = 0; r < chunk.rows; r++) {
                int row = r * width;
                for (int j = 0; j < positions.length; j++) {
                    values[at++] = decoders[j].decode(cells.get(row + positions[j]));
                }
            }
            consumer.accept(chunk.firstRow, chunk.rows, values);
        }
    }

    /** Turns a stored cell of one column into the value readers see. */
    private interface Decoder {
        double decode(long cell);
    }

    private Decoder decoder(UUID id, DatasetColumn column) {
        if (!column.categorical()) {
            return Double::longBitsToDouble; // missing cells are the canonical NaN already
        }
        int[] levelOfStored = new int[column.levels().size()];
        Map<Long, Integer> levelOfNumber = new HashMap<>();
        jdbc.query("SELECT level_code, number, stored_code FROM dataset_levels WHERE dataset_id = ? AND position = ?",
                (ResultSet rs) -> {
                    int code = rs.getInt(1);
                    double number = rs.getDouble(2);
                    boolean isNumber = !rs.wasNull();
                    int stored = rs.getInt(3);
                    if (!rs.wasNull()) {
                        levelOfStored[stored] = code;
                    } else if (isNumber) {
                        levelOfNumber.put(Double.doubleToRawLongBits(number), code);
                    }
                }, id, column.position());
        return cell -> {
            if (cell == ColumnProfile.MISSING) {
                return Double.NaN;
            }
            if (ColumnProfile.isText(cell)) {
                return levelOfStored[ColumnProfile.textCode(cell)];
            }
            double number = Double.longBitsToDouble(cell);
            Integer code = levelOfNumber.get(Double.doubleToRawLongBits(number == 0 ? 0.0 : number));
            if (code == null) {
                throw new IllegalStateException("dataset " + id + " column " + column.name() + ": no level for " + number);
            }
            return code;
        };
    }

    /**
     * Locks the dataset until the caller's transaction ends, so that it cannot be deleted while a job
     * that needs it is being queued (deletion takes the same lock, then looks for such jobs).
     *
     * @throws DomainException 404 if it does not exist
     */
    public DatasetInfo lockForUse(UUID id) {
        if (jdbc.queryForList("SELECT id FROM datasets WHERE id = ? FOR UPDATE", UUID.class, id).isEmpty()) {
            throw DomainException.notFound("dataset", id);
        }
        return find(id).orElseThrow(() -> DomainException.notFound("dataset", id));
    }

    /**
     * Deletes the dataset with its rows.
     *
     * @throws DomainException 404 if it does not exist; 409 if a {@link DatasetUsage} reports queued or running jobs
     *                         that still need it
     */
    public void delete(UUID id) {
        transactions.executeWithoutResult(status -> {
            if (jdbc.queryForList("SELECT id FROM datasets WHERE id = ? FOR UPDATE", UUID.class, id).isEmpty()) {
                throw DomainException.notFound("dataset", id);
            }
            List<UUID> jobs = usages.orderedStream().flatMap(usage -> usage.activeJobsUsing(id).stream())
                    .distinct().toList();
            if (!jobs.isEmpty()) {
                // a model's training job has the model's id: "models" names them as the answer always has
                throw DomainException.conflict("dataset " + id + " is still needed by " + jobs.size()
                        + (jobs.size() == 1 ? " queued or running job: " : " queued or running jobs: ")
                        + String.join(", ", jobs.stream().map(UUID::toString).toList())
                        + "; cancel them or wait until they finish, then delete it").with("jobs", jobs)
                        .with("models", jobs);
            }
            jdbc.update("DELETE FROM datasets WHERE id = ?", id);
        });
    }

    /** A CSV to store, as it arrives. */
    record Upload(String source, InputStream body, long declaredBytes, String fileName, String name,
            CsvDatasetParser.Options options) {
    }

    /**
     * Parses, validates and stores an upload, streaming; everything or nothing is stored.
     *
     * @throws DomainException 400/413/422 naming what was wrong (see {@link CsvDatasetParser})
     */
    DatasetInfo create(Upload upload) {
        if (upload.declaredBytes() > maxUploadBytes) {
            throw tooLarge(upload.source(), upload.declaredBytes(), maxUploadBytes);
        }
        UUID id = UUID.randomUUID();
        String name = name(upload, id);
        Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS); // what both databases keep
        transactions.executeWithoutResult(status -> {
            CsvDatasetParser.Result parsed = parser.parse(upload.body(), upload.source(), upload.options(),
                    new ChunkWriter(id, name, createdAt));
            jdbc.update("""
                    UPDATE datasets SET row_count = ?, chunk_count = ?, size_bytes = ?, sha256 = ?, content_sha256 = ?
                     WHERE id = ?
                    """, parsed.rows(), parsed.chunks(), parsed.sizeBytes(), parsed.sha256(), parsed.contentSha256(), id);
            ColumnRows.insert(id, parsed.columns(), jdbc::batchUpdate, json::writeValueAsString);
        });
        return find(id).orElseThrow();
    }

    /**
     * Stores a table that is not CSV (a Parquet file's rows), as {@link #create} stores a CSV: checked and typed the
     * same way, everything or nothing.
     */
    DatasetInfo createTable(CsvDatasetParser.TableRows table, String source, String fileName, String name,
            CsvDatasetParser.Options options) {
        if (table.sizeBytes() > maxUploadBytes) {
            throw tooLarge(source, table.sizeBytes(), maxUploadBytes);
        }
        UUID id = UUID.randomUUID();
        String datasetName = name(new Upload(source, null, table.sizeBytes(), fileName, name, options), id);
        Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        transactions.executeWithoutResult(status -> {
            CsvDatasetParser.Result parsed = parser.parseRows(table, source, options,
                    new ChunkWriter(id, datasetName, createdAt));
            jdbc.update("""
                    UPDATE datasets SET row_count = ?, chunk_count = ?, size_bytes = ?, sha256 = ?, content_sha256 = ?
                     WHERE id = ?
                    """, parsed.rows(), parsed.chunks(), parsed.sizeBytes(), parsed.sha256(), parsed.contentSha256(), id);
            ColumnRows.insert(id, parsed.columns(), jdbc::batchUpdate, json::writeValueAsString);
        });
        return find(id).orElseThrow();
    }

    /** The 413 of an upload of {@code bytes} over {@code maxBytes}. */
    static DomainException tooLarge(String source, long bytes, long maxBytes) {
        return DomainException.tooLarge(source + ": " + bytes + " bytes is larger than the limit of " + maxBytes
                + " bytes").with("limitBytes", maxBytes);
    }

    /** Stores several uploads in one transaction: all of them, or (on any error) none. */
    List<DatasetInfo> createAll(List<Upload> uploads) {
        return transactions.execute(status -> uploads.stream().map(this::create).toList());
    }

    /** Writes the dataset's row first (the chunks reference it), then each chunk as soon as it is parsed. */
    private final class ChunkWriter implements CsvDatasetParser.Sink {

        private final UUID id;
        private final String name;
        private final Instant createdAt;
        private int width;

        ChunkWriter(UUID id, String name, Instant createdAt) {
            this.id = id;
            this.name = name;
            this.createdAt = createdAt;
        }

        @Override
        public void start(CsvDatasetParser.Header header) {
            width = header.columns().size();
            jdbc.update("""
                    INSERT INTO datasets (id, name, created_at, row_count, column_count, label_name, delimiter,
                                          ignored_columns, missing_tokens, chunk_count, size_bytes, sha256)
                    VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, 0, 0, '')
                    """, id, name, OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC), width, header.label(),
                    String.valueOf(header.delimiter()), json.writeValueAsString(header.ignored()),
                    json.writeValueAsString(header.missing()));
        }

        @Override
        public void chunk(int index, long firstRow, int rows, long[] cells) {
            ByteBuffer bytes = ByteBuffer.allocate(rows * width * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asLongBuffer().put(cells, 0, rows * width);
            jdbc.update("""
                    INSERT INTO dataset_chunks (dataset_id, chunk_index, first_row, row_count, cells)
                    VALUES (?, ?, ?, ?, ?)
                    """, id, index, firstRow, rows, bytes.array());
        }
    }

    private static String name(Upload upload, UUID id) {
        if (upload.name() != null && !upload.name().isBlank()) {
            return Names.check("name", upload.name());
        }
        String file = upload.fileName() == null ? "" : upload.fileName();
        String derived = Names.derive(file.substring(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1));
        return derived != null ? derived : "dataset-" + id.toString().substring(0, 8);
    }

    /** The datasets a query of {@link #SELECT_DATASETS} finds, without their columns. */
    private List<DatasetInfo> datasets(String sql, Object... args) {
        return jdbc.query(sql, (rs, n) -> new DatasetInfo(rs.getObject("id", UUID.class), rs.getString("name"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getLong("row_count"), List.of(),
                rs.getString("label_name"), rs.getString("delimiter").charAt(0), strings(rs.getString("ignored_columns")),
                strings(rs.getString("missing_tokens")), rs.getString("sha256"), rs.getLong("size_bytes"),
                rs.getString("content_sha256")), args);
    }

    private List<String> strings(String jsonArray) {
        return List.of(json.readValue(jsonArray, String[].class));
    }

    private static DatasetInfo withColumns(DatasetInfo d, Map<UUID, List<DatasetColumn>> columns) {
        return new DatasetInfo(d.id(), d.name(), d.createdAt(), d.rows(), columns.getOrDefault(d.id(), List.of()),
                d.label(), d.delimiter(), d.ignored(), d.missing(), d.sha256(), d.sizeBytes(), d.contentSha256());
    }

    /** The columns (with their levels) of the datasets the two conditions select, by dataset, in position order. */
    private Map<UUID, List<DatasetColumn>> columns(String columnWhere, String levelWhere, Object... args) {
        Map<UUID, Map<Integer, List<DatasetColumn.Level>>> levels = new HashMap<>();
        jdbc.query("SELECT dataset_id, position, level_value, number, row_count FROM dataset_levels" + levelWhere
                + " ORDER BY dataset_id, position, level_code", (ResultSet rs) -> {
                    double number = rs.getDouble("number");
                    Double value = rs.wasNull() ? null : number;
                    levels.computeIfAbsent(rs.getObject("dataset_id", UUID.class), k -> new HashMap<>())
                            .computeIfAbsent(rs.getInt("position"), k -> new ArrayList<>())
                            .add(new DatasetColumn.Level(rs.getString("level_value"), value, rs.getLong("row_count")));
                }, args);
        Map<UUID, List<DatasetColumn>> columns = new LinkedHashMap<>();
        jdbc.query("SELECT c.* FROM dataset_columns c" + columnWhere + " ORDER BY c.dataset_id, c.position",
                (ResultSet rs) -> {
                    UUID dataset = rs.getObject("dataset_id", UUID.class);
                    int position = rs.getInt("position");
                    List<DatasetColumn.Level> own = levels.getOrDefault(dataset, Map.of()).getOrDefault(position, List.of());
                    columns.computeIfAbsent(dataset, k -> new ArrayList<>()).add(new DatasetColumn(position,
                            rs.getString("name"), io.netforge.tabular.ColumnKind.byId(rs.getString("type")),
                            rs.getLong("missing_count"), rs.getLong("distinct_count"), rs.getBoolean("distinct_exact"),
                            rs.getBoolean("integers"), nullableDouble(rs, "min_value"), nullableDouble(rs, "max_value"),
                            nullableDouble(rs, "mean_value"), nullableDouble(rs, "sd_value"),
                            nullableLong(rs, "first_text_row"), own, nullableBoolean(rs, "unique_values"),
                            rs.getString("examples") == null ? null : strings(rs.getString("examples")),
                            rs.getString("date_format"), rs.getBoolean("percentages")));
                }, args);
        return columns;
    }

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }

    private static Boolean nullableBoolean(ResultSet rs, String column) throws SQLException {
        boolean value = rs.getBoolean(column);
        return rs.wasNull() ? null : value;
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Chunk chunk(ResultSet rs) throws SQLException {
        return new Chunk(rs.getLong("first_row"), rs.getInt("row_count"), rs.getBytes("cells"));
    }

    private record Chunk(long firstRow, int rows, byte[] cells) {
    }
}
