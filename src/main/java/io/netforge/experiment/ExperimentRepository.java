package io.netforge.experiment;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.netforge.tabular.Task;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The {@code experiments} table. Runs are rows of {@code models}, read through the model repository. */
@Repository
class ExperimentRepository {

    /** One configuration: the grid's values (seed left out) and its validated hidden layers. */
    record Configuration(Map<String, JsonNode> settings, List<Integer> hiddenLayers) {
    }

    /** What an experiment runs: its configurations, each trained once per seed (and per fold). */
    record Plan(List<Configuration> configurations, List<Long> seeds) {
    }

    record Stored(UUID id, String name, ExperimentRequest request, Plan plan, Task task, String metric,
            Integer folds, int runs, Instant createdAt, boolean cancelRequested) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;

    ExperimentRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(Stored e) {
        jdbc.sql("""
                INSERT INTO experiments (id, name, request, configurations, task, metric, folds, runs, created_at)
                VALUES (:id, :name, :request, :plan, :task, :metric, :folds, :runs, :createdAt)
                """)
                .param("id", e.id()).param("name", e.name()).param("request", json.writeValueAsString(e.request()))
                .param("plan", json.writeValueAsString(e.plan())).param("task", e.task().id()).param("metric", e.metric())
                .param("folds", e.folds()).param("runs", e.runs()).param("createdAt", Timestamp.from(e.createdAt()))
                .update();
    }

    Optional<Stored> find(UUID id) {
        return jdbc.sql(SELECT + " WHERE id = :id").param("id", id).query(this::stored).optional();
    }

    /** Newest first. */
    List<Stored> list(int limit) {
        return jdbc.sql(SELECT + " ORDER BY seq DESC LIMIT :limit").param("limit", limit).query(this::stored).list();
    }

    /** @return false when there is no such experiment */
    boolean requestCancel(UUID id) {
        return jdbc.sql("UPDATE experiments SET cancel_requested = TRUE WHERE id = :id").param("id", id).update() == 1;
    }

    boolean delete(UUID id) {
        return jdbc.sql("DELETE FROM experiments WHERE id = :id").param("id", id).update() == 1;
    }

    private static final String SELECT = "SELECT id, name, request, configurations, task, metric, folds, runs,"
            + " created_at, cancel_requested FROM experiments";

    private Stored stored(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        int folds = rs.getInt("folds");
        Integer foldsOrNull = rs.wasNull() ? null : folds;
        return new Stored(rs.getObject("id", UUID.class), rs.getString("name"),
                json.readValue(rs.getString("request"), ExperimentRequest.class),
                json.readValue(rs.getString("configurations"), Plan.class), Task.byId(rs.getString("task")),
                rs.getString("metric"), foldsOrNull, rs.getInt("runs"), rs.getTimestamp("created_at").toInstant(),
                rs.getBoolean("cancel_requested"));
    }
}
