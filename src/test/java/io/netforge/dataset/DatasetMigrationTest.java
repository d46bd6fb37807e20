package io.netforge.dataset;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.util.unit.DataSize;

import io.netforge.support.TestDatabases;
import io.netforge.tabular.Task;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Datasets stored in the binary layout (V1: float64 features, a byte label code per row, the classes in
 * {@code dataset_classes}) read the same after the migrations to the tabular layout: same rows and values, the
 * features as numeric columns in their order and the label as the last column, profiled.
 *
 * <p>Each run migrates a fresh database to V3 (the last binary-layout version), writes datasets as V1 laid them out
 * (stored label codes in first-seen order, class codes in sorted order), then migrates to the latest version.
 */
class DatasetMigrationTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "h2", "postgres" })
    void convertsBinaryLayoutDatasetsToColumns(String database) {
        TestDatabases.Db db = database.equals("h2") ? TestDatabases.h2() : TestDatabases.postgres();
        // One connection for everything: H2 evaluates a CHECK constraint in the session that created it, which must
        // stay open (a pool does that in the service).
        SingleConnectionDataSource dataSource = new SingleConnectionDataSource(db.url(), db.username(), db.password(),
                true);
        flyway(db, dataSource).target("3").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);

        // numeric labels 1, 0 (first seen: 1, so stored code 0 is class 1), two chunks
        double[][] numeric = { { 1.5, -2 }, { 0.25, 3 }, { -1, 1e10 } };
        UUID numericId = insertV1(jdbc, "numeric", List.of("a", "b"), "y", true, numeric, new byte[] { 0, 1, 0 },
                new String[] { "1", "0" }, 2);
        // text labels "yes", "no", one feature, one chunk
        double[][] text = { { 7 }, { 8 }, { 9 }, { 10 } };
        UUID textId = insertV1(jdbc, "text", List.of("x"), "answer", false, text, new byte[] { 0, 1, 1, 0 },
                new String[] { "yes", "no" }, 1);

        flyway(db, dataSource).javaMigrations(new V5__ConvertBinaryDatasets()).load().migrate();
        dataSource.destroy();

        // From here on every statement runs on a new connection, as a pool's retired connections would: nothing in the
        // schema may depend on the connection that created it (H2 2.4.240 CHECK constraints do, issue #4308).
        DriverManagerDataSource fresh = new DriverManagerDataSource(db.url(), db.username(), db.password());
        jdbc = new JdbcTemplate(fresh);
        DatasetStore store = new DatasetStore(jdbc, new DataSourceTransactionManager(fresh),
                JsonMapper.builder().build(), new StaticListableBeanFactory().getBeanProvider(DatasetUsage.class),
                new DatasetProperties(DataSize.ofMegabytes(256), 10_000, null, null, null, null));

        DatasetInfo n = store.find(numericId).orElseThrow();
        assertThat(n.columnNames()).containsExactly("a", "b", "y");
        assertThat(n.label()).isEqualTo("y");
        assertThat(n.features()).containsExactly("a", "b");
        assertThat(n.rows()).isEqualTo(3);
        DatasetColumn y = n.column("y").orElseThrow();
        assertThat(y.type()).isEqualTo(io.netforge.tabular.ColumnKind.NUMERIC);
        assertThat(y.levels()).containsExactly(new DatasetColumn.Level("0", 0.0, 1), new DatasetColumn.Level("1", 1.0, 2));
        assertThat(Task.infer(y)).isEqualTo(Task.BINARY);
        DatasetColumn a = n.column("a").orElseThrow();
        assertThat(a.min()).isEqualTo(-1.0);
        assertThat(a.max()).isEqualTo(1.5);
        assertThat(a.mean()).isEqualTo(0.25);
        assertThat(a.missing()).isZero();
        assertThat(rows(store, numericId, 3)).containsExactly(new double[] { 1.5, -2, 1 }, new double[] { 0.25, 3, 0 },
                new double[] { -1, 1e10, 1 });

        DatasetInfo t = store.find(textId).orElseThrow();
        DatasetColumn answer = t.column("answer").orElseThrow();
        assertThat(answer.type()).isEqualTo(io.netforge.tabular.ColumnKind.CATEGORICAL);
        assertThat(answer.levels()).containsExactly(new DatasetColumn.Level("no", null, 2),
                new DatasetColumn.Level("yes", null, 2));
        // level codes in sorted order: "no" is 0, "yes" is 1, whatever the stored codes were
        assertThat(rows(store, textId, 2)).containsExactly(new double[] { 7, 1 }, new double[] { 8, 0 },
                new double[] { 9, 0 }, new double[] { 10, 1 });

        // a new upload beside the converted ones works as usual
        DatasetInfo uploaded = store.create(new DatasetStore.Upload("request body", new java.io.ByteArrayInputStream(
                "city,t,y\nParis,1.5,a\n,NA,b\nLyon,2,a\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)), -1, null,
                "new", CsvDatasetParser.Options.defaults()));
        assertThat(uploaded.column("city").orElseThrow().levels()).extracting(DatasetColumn.Level::value)
                .containsExactly("Lyon", "Paris");
        assertThat(rows(store, uploaded.id(), 3).get(1)).containsExactly(Double.NaN, Double.NaN, 1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM dataset_columns", Long.class)).isEqualTo(8);
    }

    private static FluentConfiguration flyway(TestDatabases.Db db, SingleConnectionDataSource dataSource) {
        FluentConfiguration configuration = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration");
        return db.schema() == null ? configuration : configuration.schemas(db.schema()).defaultSchema(db.schema());
    }

    /** Writes a dataset exactly as the V1 layout stored it. */
    private static UUID insertV1(JdbcTemplate jdbc, String name, List<String> features, String label, boolean numeric,
            double[][] rows, byte[] storedCodes, String[] valueOfStored, int chunks) {
        UUID id = UUID.randomUUID();
        int f = features.size();
        jdbc.update("""
                INSERT INTO datasets (id, name, created_at, row_count, feature_count, feature_names, label_name,
                                      numeric_labels, chunk_count, size_bytes, sha256)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 100, ?)
                """, id, name, Timestamp.from(Instant.now()), rows.length, f,
                "[" + String.join(",", features.stream().map(s -> "\"" + s + "\"").toList()) + "]", label, numeric,
                chunks, "0".repeat(64));
        boolean firstSortsFirst = numeric ? Double.parseDouble(valueOfStored[0]) < Double.parseDouble(valueOfStored[1])
                : valueOfStored[0].compareTo(valueOfStored[1]) < 0;
        for (int stored = 0; stored < 2; stored++) {
            int classCode = firstSortsFirst ? stored : 1 - stored;
            int s = stored;
            long count = IntStream.range(0, storedCodes.length).filter(r -> storedCodes[r] == s).count();
            jdbc.update("INSERT INTO dataset_classes (dataset_id, class_code, label_value, row_count, stored_code)"
                    + " VALUES (?, ?, ?, ?, ?)", id, classCode, valueOfStored[stored], count, stored);
        }
        int perChunk = (rows.length + chunks - 1) / chunks;
        for (int c = 0, from = 0; c < chunks; c++, from += perChunk) {
            int to = Math.min(rows.length, from + perChunk);
            ByteBuffer bytes = ByteBuffer.allocate((to - from) * f * 8).order(ByteOrder.LITTLE_ENDIAN);
            byte[] labels = new byte[to - from];
            for (int r = from; r < to; r++) {
                for (double v : rows[r]) {
                    bytes.putDouble(v);
                }
                labels[r - from] = storedCodes[r];
            }
            jdbc.update("INSERT INTO dataset_chunks (dataset_id, chunk_index, first_row, row_count, features, labels)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", id, c, from, to - from, bytes.array(), labels);
        }
        return id;
    }

    private static List<double[]> rows(DatasetStore store, UUID id, int columns) {
        List<double[]> rows = new ArrayList<>();
        store.readRows(id, IntStream.range(0, columns).toArray(), (first, count, values) -> {
            for (int r = 0; r < count; r++) {
                rows.add(java.util.Arrays.copyOfRange(values, r * columns, r * columns + columns));
            }
        });
        return rows;
    }
}
