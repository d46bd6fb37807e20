package io.netforge.job;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/**
 * Moves the job state of every model (its training job) and scoring into {@code jobs} (V14), in the order they were
 * queued, with the datasets each reads; then drops it from {@code models} and {@code scorings}, whose rows now belong
 * to their job's. Measures are copied as Jackson writes them (a double's shortest exact form), so a model's progress
 * reads back bit for bit. One transaction (Flyway's), so a crash mid-way leaves the old layout whole.
 *
 * <p>A Spring bean: Spring Boot hands every {@code JavaMigration} bean to Flyway. Its version is in its name.
 */
@Component
class V15__MoveJobStateToJobs extends BaseJavaMigration {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private record Old(UUID id, String kind, UUID subject, String status, Timestamp createdAt, Timestamp startedAt,
            Timestamp finishedAt, int attempts, String owner, Long leaseUntil, boolean cancelRequested, String error,
            long step, String measures, long seq, List<UUID> datasets) {
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        List<Old> jobs = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT id, seq, status, created_at, started_at, finished_at, attempts, owner, lease_until,
                       cancel_requested, error, iteration, loss, validation_loss, dataset_id, test_dataset_id
                FROM models""")) {
            while (rs.next()) {
                Map<String, Double> measures = new LinkedHashMap<>();
                double loss = rs.getDouble("loss");
                if (!rs.wasNull()) {
                    measures.put("loss", loss);
                }
                double validation = rs.getDouble("validation_loss");
                if (!rs.wasNull()) {
                    measures.put("validationLoss", validation);
                }
                List<UUID> datasets = new ArrayList<>();
                datasets.add(rs.getObject("dataset_id", UUID.class));
                UUID test = rs.getObject("test_dataset_id", UUID.class);
                if (test != null && !test.equals(datasets.get(0))) {
                    datasets.add(test);
                }
                jobs.add(new Old(rs.getObject("id", UUID.class), "training", null, rs.getString("status"),
                        rs.getTimestamp("created_at"), rs.getTimestamp("started_at"), rs.getTimestamp("finished_at"),
                        rs.getInt("attempts"), rs.getString("owner"), nullableLong(rs, "lease_until"),
                        rs.getBoolean("cancel_requested"), rs.getString("error"), rs.getInt("iteration"),
                        measures.isEmpty() ? null : JSON.writeValueAsString(measures), rs.getLong("seq"), datasets));
            }
        }
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT id, seq, model_id, dataset_id, status, created_at, started_at, finished_at, attempts, owner,
                       lease_until, error, rows_scored
                FROM scorings""")) {
            while (rs.next()) {
                jobs.add(new Old(rs.getObject("id", UUID.class), "scoring", rs.getObject("model_id", UUID.class),
                        rs.getString("status"), rs.getTimestamp("created_at"), rs.getTimestamp("started_at"),
                        rs.getTimestamp("finished_at"), rs.getInt("attempts"), rs.getString("owner"),
                        nullableLong(rs, "lease_until"), false, rs.getString("error"), rs.getLong("rows_scored"), null,
                        rs.getLong("seq"), List.of(rs.getObject("dataset_id", UUID.class))));
            }
        }
        // the queue's order: as they were submitted (each table's own order breaks ties)
        jobs.sort(Comparator.comparing(Old::createdAt).thenComparing(Old::kind).thenComparingLong(Old::seq));
        try (PreparedStatement job = connection.prepareStatement("""
                INSERT INTO jobs (id, kind, subject_id, status, created_at, started_at, finished_at, attempts, owner,
                                  lease_until, cancel_requested, error, step, measures)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""");
                PreparedStatement reads = connection.prepareStatement(
                        "INSERT INTO job_datasets (job_id, dataset_id) VALUES (?, ?)")) {
            for (Old o : jobs) {
                job.setObject(1, o.id());
                job.setString(2, o.kind());
                job.setObject(3, o.subject());
                job.setString(4, o.status());
                job.setTimestamp(5, o.createdAt());
                job.setTimestamp(6, o.startedAt());
                job.setTimestamp(7, o.finishedAt());
                job.setInt(8, o.attempts());
                job.setString(9, o.owner());
                job.setObject(10, o.leaseUntil());
                job.setBoolean(11, o.cancelRequested());
                job.setString(12, o.error());
                job.setLong(13, o.step());
                job.setString(14, o.measures());
                job.executeUpdate();
                for (UUID dataset : o.datasets()) {
                    reads.setObject(1, o.id());
                    reads.setObject(2, dataset);
                    reads.executeUpdate();
                }
            }
        }
        try (Statement s = connection.createStatement()) {
            s.execute("DROP INDEX models_status_seq");
            for (String column : List.of("status", "created_at", "started_at", "finished_at", "iteration", "loss",
                    "validation_loss", "attempts", "owner", "lease_until", "cancel_requested", "error")) {
                s.execute("ALTER TABLE models DROP COLUMN " + column);
            }
            s.execute("DROP INDEX scorings_status_seq");
            for (String column : List.of("status", "created_at", "started_at", "finished_at", "attempts", "owner",
                    "lease_until", "error")) {
                s.execute("ALTER TABLE scorings DROP COLUMN " + column);
            }
            s.execute("ALTER TABLE models ADD CONSTRAINT models_job FOREIGN KEY (id) REFERENCES jobs (id)"
                    + " ON DELETE CASCADE");
            s.execute("ALTER TABLE scorings ADD CONSTRAINT scorings_job FOREIGN KEY (id) REFERENCES jobs (id)"
                    + " ON DELETE CASCADE");
        }
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
