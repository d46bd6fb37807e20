package io.netforge.dataset;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.LongBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/**
 * Converts every dataset stored in the binary layout (V1: features as float64, the label as a byte code beside
 * them) to the tabular one (V4): the features become numeric columns in their order and the label the last
 * column, numeric when both its values were numbers, else categorical; each column is profiled as an upload
 * would be. One transaction (Flyway's), so a crash mid-way leaves the old layout whole and the migration reruns.
 *
 * <p>A Spring bean: Spring Boot hands every {@code JavaMigration} bean to Flyway. Its version is in its name.
 */
@Component
class V5__ConvertBinaryDatasets extends BaseJavaMigration {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        List<UUID> ids = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT id FROM datasets ORDER BY created_at, id");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getObject(1, UUID.class));
            }
        }
        for (UUID id : ids) {
            convert(connection, id);
        }
    }

    private record Old(int featureCount, List<String> features, String label, boolean numericLabels, int chunks,
            String[] labelOfStored) {
    }

    private static void convert(Connection connection, UUID id) throws SQLException {
        Old old = read(connection, id);
        int columns = old.featureCount + 1;
        int limit = CsvDatasetParser.distinctLimit(columns, DatasetProperties.DEFAULT_MAX_LEVELS);
        ColumnProfile[] profiles = new ColumnProfile[columns];
        for (int f = 0; f < old.featureCount; f++) {
            profiles[f] = new ColumnProfile(f, old.features.get(f), false, limit, false, null, false);
        }
        profiles[old.featureCount] = new ColumnProfile(old.featureCount, old.label, false, limit, false, null, false);
        double[] labelNumber = new double[2];
        if (old.numericLabels) {
            for (int stored = 0; stored < 2; stored++) {
                labelNumber[stored] = Double.parseDouble(old.labelOfStored[stored]);
            }
        }
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT row_count, first_row, features, labels FROM dataset_chunks WHERE dataset_id = ? AND chunk_index = ?");
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE dataset_chunks SET features = ?, labels = ? WHERE dataset_id = ? AND chunk_index = ?")) {
            for (int index = 0; index < old.chunks; index++) {
                select.setObject(1, id);
                select.setInt(2, index);
                int rows;
                long firstRow;
                byte[] features;
                byte[] labels;
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("dataset " + id + " has no chunk " + index);
                    }
                    rows = rs.getInt(1);
                    firstRow = rs.getLong(2);
                    features = rs.getBytes(3);
                    labels = rs.getBytes(4);
                }
                DoubleBuffer in = ByteBuffer.wrap(features).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
                ByteBuffer out = ByteBuffer.allocate(rows * columns * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                LongBuffer cells = out.asLongBuffer();
                for (int r = 0; r < rows; r++) {
                    for (int f = 0; f < old.featureCount; f++) {
                        cells.put(profiles[f].number(in.get(r * old.featureCount + f)));
                    }
                    int stored = labels[r];
                    ColumnProfile label = profiles[old.featureCount];
                    cells.put(old.numericLabels ? label.number(labelNumber[stored])
                            : label.text(old.labelOfStored[stored], firstRow + r + 1));
                }
                update.setBytes(1, out.array());
                update.setBytes(2, new byte[0]);
                update.setObject(3, id);
                update.setInt(4, index);
                update.executeUpdate();
            }
        }
        List<ColumnProfile.Profiled> profiled = new ArrayList<>(columns);
        for (ColumnProfile profile : profiles) {
            profiled.add(profile.finish());
        }
        ColumnRows.insertAsOfV5(id, profiled, (sql, rows) -> batch(connection, sql, rows));
        try (PreparedStatement s = connection.prepareStatement(
                "UPDATE datasets SET column_count = ?, delimiter = ',', ignored_columns = '[]', missing_tokens = '[]'"
                        + " WHERE id = ?")) {
            s.setInt(1, columns);
            s.setObject(2, id);
            s.executeUpdate();
        }
    }

    private static Old read(Connection connection, UUID id) throws SQLException {
        int featureCount;
        List<String> features;
        String label;
        boolean numeric;
        int chunks;
        try (PreparedStatement s = connection.prepareStatement("""
                SELECT feature_count, feature_names, label_name, numeric_labels, chunk_count FROM datasets WHERE id = ?
                """)) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                featureCount = rs.getInt(1);
                features = List.of(JSON.readValue(rs.getString(2), String[].class));
                label = rs.getString(3);
                numeric = rs.getBoolean(4);
                chunks = rs.getInt(5);
            }
        }
        String[] labelOfStored = new String[2];
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT stored_code, label_value FROM dataset_classes WHERE dataset_id = ?")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    labelOfStored[rs.getInt(1)] = rs.getString(2);
                }
            }
        }
        return new Old(featureCount, features, label, numeric, chunks, labelOfStored);
    }

    private static void batch(Connection connection, String sql, List<Object[]> rows) {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    Object value = row[i];
                    if (value == null) {
                        // an untyped NULL: the nullable columns are of several numeric types
                        s.setNull(i + 1, Types.NULL);
                    } else {
                        s.setObject(i + 1, value);
                    }
                }
                s.addBatch();
            }
            s.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("converting a dataset failed: " + e.getMessage(), e);
        }
    }
}
