package io.netforge.dataset;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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

import io.netforge.system.ApiException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stored datasets: metadata in {@code datasets} and {@code dataset_classes}, rows in {@code dataset_chunks}
 * (see {@code V1__datasets.sql} for the layout).
 *
 * <p>Uploads are parsed and written chunk by chunk in one transaction: memory stays bounded by one chunk,
 * and a failed or interrupted upload leaves nothing behind. Readers get label codes in the sorted-class
 * encoding of {@link DatasetInfo#classes()}.
 */
@Service
public class DatasetStore {

    static final int MAX_NAME_LENGTH = 200;

    private static final String SELECT_INFO = """
            SELECT d.id, d.name, d.created_at, d.row_count, d.feature_names, d.label_name, d.numeric_labels,
                   d.size_bytes, d.sha256, c.class_code, c.label_value, c.row_count AS class_rows
              FROM datasets d JOIN dataset_classes c ON c.dataset_id = d.id
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
        this.parser = new CsvDatasetParser(maxUploadBytes, properties.maxColumns());
    }

    /** The dataset's metadata, or empty when there is no dataset with this id. */
    public Optional<DatasetInfo> find(UUID id) {
        return query(SELECT_INFO + " WHERE d.id = ? ORDER BY c.class_code", id).stream().findFirst();
    }

    /** Every dataset, newest first. */
    public List<DatasetInfo> list() {
        return query(SELECT_INFO + " ORDER BY d.created_at DESC, d.id DESC, c.class_code");
    }

    /**
     * Streams the dataset's rows to {@code consumer}, a chunk of at most 1 MiB of features at a time, in
     * upload order, with label codes 0/1 as in {@link DatasetInfo#classes()}. Each chunk is read in its own
     * short query; no transaction is held while the consumer runs.
     *
     * @throws ApiException 404 if the dataset does not exist, or was deleted while being read
     */
    public void readRows(UUID id, RowChunkConsumer consumer) {
        List<int[]> meta = jdbc.query("""
                SELECT d.feature_count, d.chunk_count, c.class_code, c.stored_code
                  FROM datasets d JOIN dataset_classes c ON c.dataset_id = d.id
                 WHERE d.id = ?
                """, (rs, n) -> new int[] { rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4) }, id);
        if (meta.isEmpty()) {
            throw ApiException.notFound("dataset", id);
        }
        int featureCount = meta.get(0)[0];
        int chunkCount = meta.get(0)[1];
        byte[] classOfStored = new byte[2];
        meta.forEach(m -> classOfStored[m[3]] = (byte) m[2]);
        boolean remap = classOfStored[0] != 0;
        for (int index = 0; index < chunkCount; index++) {
            Chunk chunk = jdbc.query("""
                    SELECT first_row, row_count, features, labels FROM dataset_chunks
                     WHERE dataset_id = ? AND chunk_index = ?
                    """, rs -> rs.next() ? chunk(rs) : null, id, index);
            if (chunk == null) {
                throw ApiException.notFound("dataset", id);
            }
            if (chunk.features.length != (long) chunk.rows * featureCount * Double.BYTES
                    || chunk.labels.length != chunk.rows) {
                throw new IllegalStateException("dataset " + id + " chunk " + index + " has the wrong size");
            }
            double[] features = new double[chunk.rows * featureCount];
            ByteBuffer.wrap(chunk.features).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(features);
            if (remap) {
                for (int i = 0; i < chunk.labels.length; i++) {
                    chunk.labels[i] = classOfStored[chunk.labels[i]];
                }
            }
            consumer.accept(chunk.firstRow, chunk.rows, features, chunk.labels);
        }
    }

    /**
     * Locks the dataset until the caller's transaction ends, so that it cannot be deleted while a job
     * that needs it is being queued (deletion takes the same lock, then looks for such jobs).
     *
     * @throws ApiException 404 if it does not exist
     */
    public DatasetInfo lockForUse(UUID id) {
        if (jdbc.queryForList("SELECT id FROM datasets WHERE id = ? FOR UPDATE", UUID.class, id).isEmpty()) {
            throw ApiException.notFound("dataset", id);
        }
        return find(id).orElseThrow(() -> ApiException.notFound("dataset", id));
    }

    /**
     * Deletes the dataset with its rows.
     *
     * @throws ApiException 404 if it does not exist; 409 if a {@link DatasetUsage} reports queued or running
     *                      models that still need it
     */
    public void delete(UUID id) {
        transactions.executeWithoutResult(status -> {
            if (jdbc.queryForList("SELECT id FROM datasets WHERE id = ? FOR UPDATE", UUID.class, id).isEmpty()) {
                throw ApiException.notFound("dataset", id);
            }
            List<UUID> models = usages.orderedStream().flatMap(usage -> usage.activeModelsUsing(id).stream())
                    .distinct().toList();
            if (!models.isEmpty()) {
                throw ApiException.conflict("dataset " + id + " is still needed by " + models.size()
                        + (models.size() == 1 ? " queued or running model: " : " queued or running models: ")
                        + String.join(", ", models.stream().map(UUID::toString).toList())
                        + "; cancel them or wait until they finish, then delete it").with("models", models);
            }
            jdbc.update("DELETE FROM datasets WHERE id = ?", id);
        });
    }

    /** A CSV to store, as it arrives. */
    record Upload(String source, InputStream body, long declaredBytes, String fileName, String name, String label) {
    }

    /**
     * Parses, validates and stores an upload, streaming; everything or nothing is stored.
     *
     * @throws ApiException 400/413/422 naming what was wrong (see {@link CsvDatasetParser})
     */
    DatasetInfo create(Upload upload) {
        if (upload.declaredBytes() > maxUploadBytes) {
            throw ApiException.payloadTooLarge(upload.source() + ": " + upload.declaredBytes()
                    + " bytes is larger than the limit of " + maxUploadBytes + " bytes").with("limitBytes", maxUploadBytes);
        }
        UUID id = UUID.randomUUID();
        String name = name(upload, id);
        Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS); // what both databases keep
        return transactions.execute(status -> {
            CsvDatasetParser.Result parsed = parser.parse(upload.body(), upload.source(), upload.label(),
                    new ChunkWriter(id, name, createdAt));
            jdbc.update("""
                    UPDATE datasets SET row_count = ?, numeric_labels = ?, chunk_count = ?, size_bytes = ?, sha256 = ?
                     WHERE id = ?
                    """, parsed.rows(), parsed.numericLabels(), parsed.chunks(), parsed.sizeBytes(), parsed.sha256(), id);
            List<DatasetInfo.LabelClass> classes = new ArrayList<>();
            for (int code = 0; code < 2; code++) {
                CsvDatasetParser.ParsedClass c = parsed.classes().get(code);
                jdbc.update("""
                        INSERT INTO dataset_classes (dataset_id, class_code, label_value, row_count, stored_code)
                        VALUES (?, ?, ?, ?, ?)
                        """, id, code, c.value(), c.count(), c.storedCode());
                classes.add(new DatasetInfo.LabelClass(c.value(), c.count()));
            }
            return new DatasetInfo(id, name, createdAt, parsed.rows(), parsed.features(), parsed.label(), classes,
                    parsed.numericLabels(), parsed.sha256(), parsed.sizeBytes());
        });
    }

    /** Writes the dataset's row first (the chunks reference it), then each chunk as soon as it is parsed. */
    private final class ChunkWriter implements CsvDatasetParser.Sink {

        private final UUID id;
        private final String name;
        private final Instant createdAt;
        private int featureCount;

        ChunkWriter(UUID id, String name, Instant createdAt) {
            this.id = id;
            this.name = name;
            this.createdAt = createdAt;
        }

        @Override
        public void start(List<String> features, String label) {
            featureCount = features.size();
            jdbc.update("""
                    INSERT INTO datasets (id, name, created_at, row_count, feature_count, feature_names, label_name,
                                          numeric_labels, chunk_count, size_bytes, sha256)
                    VALUES (?, ?, ?, 0, ?, ?, ?, FALSE, 0, 0, '')
                    """, id, name, OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC), featureCount,
                    json.writeValueAsString(features), label);
        }

        @Override
        public void chunk(int index, long firstRow, int rows, double[] features, byte[] labelCodes) {
            ByteBuffer bytes = ByteBuffer.allocate(rows * featureCount * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asDoubleBuffer().put(features, 0, rows * featureCount);
            jdbc.update("""
                    INSERT INTO dataset_chunks (dataset_id, chunk_index, first_row, row_count, features, labels)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, id, index, firstRow, rows, bytes.array(), labelCodes);
        }
    }

    private static String name(Upload upload, UUID id) {
        if (upload.name() != null && !upload.name().isBlank()) {
            String name = upload.name().strip();
            if (name.length() > MAX_NAME_LENGTH) {
                throw ApiException.invalidField("name", "at most " + MAX_NAME_LENGTH + " characters, got " + name.length());
            }
            if (name.chars().anyMatch(Character::isISOControl)) {
                throw ApiException.invalidField("name", "must not contain control characters");
            }
            return name;
        }
        String file = upload.fileName() == null ? "" : upload.fileName();
        file = file.substring(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1).strip()
                .replaceAll("\\p{Cntrl}", "");
        if (!file.isEmpty()) {
            return file.length() <= MAX_NAME_LENGTH ? file : file.substring(0, MAX_NAME_LENGTH);
        }
        return "dataset-" + id.toString().substring(0, 8);
    }

    /** Runs a {@link #SELECT_INFO} query: one result row per class, so two per dataset, in class order. */
    private List<DatasetInfo> query(String sql, Object... args) {
        Map<UUID, DatasetInfo> first = new LinkedHashMap<>();
        Map<UUID, List<DatasetInfo.LabelClass>> classes = new LinkedHashMap<>();
        jdbc.query(sql, (ResultSet rs) -> {
            UUID id = rs.getObject("id", UUID.class);
            if (!first.containsKey(id)) {
                first.put(id, info(rs, id));
            }
            classes.computeIfAbsent(id, key -> new ArrayList<>())
                    .add(new DatasetInfo.LabelClass(rs.getString("label_value"), rs.getLong("class_rows")));
        }, args);
        return first.values().stream().map(d -> new DatasetInfo(d.id(), d.name(), d.createdAt(), d.rows(), d.features(),
                d.label(), classes.get(d.id()), d.numericLabels(), d.sha256(), d.sizeBytes())).toList();
    }

    /** The dataset on the current row, without its classes. */
    private DatasetInfo info(ResultSet rs, UUID id) throws SQLException {
        return new DatasetInfo(id, rs.getString("name"), rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getLong("row_count"), List.of(json.readValue(rs.getString("feature_names"), String[].class)),
                rs.getString("label_name"), List.of(), rs.getBoolean("numeric_labels"), rs.getString("sha256"),
                rs.getLong("size_bytes"));
    }

    private static Chunk chunk(ResultSet rs) throws SQLException {
        return new Chunk(rs.getLong("first_row"), rs.getInt("row_count"), rs.getBytes("features"), rs.getBytes("labels"));
    }

    private record Chunk(long firstRow, int rows, byte[] features, byte[] labels) {
    }
}
