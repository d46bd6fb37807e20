package io.netforge.search;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import io.netforge.tabular.Task;
import tools.jackson.databind.json.JsonMapper;

/** The {@code searches} table. Its runs are rows of {@code models}; its status is its job's. */
@Repository
class SearchRepository {

    /** What a search runs: its candidates in the order drawn and its rungs. */
    record Plan(List<SearchSpace.Candidate> candidates, HalvingSchedule schedule) {
    }

    /**
     * @param rung    the last rung queued, -1 before the first
     * @param best    the refitted candidate, once chosen
     * @param endedBy {@code completed} (every rung ran) or {@code deadline} (the wall-clock limit stopped it)
     */
    record Stored(UUID id, String name, SearchRequest request, Plan plan, Task task, String metric, int rung,
            UUID modelId, Integer best, String endedBy, Instant createdAt) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;

    SearchRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(Stored s) {
        jdbc.sql("""
                INSERT INTO searches (id, name, request, plan, task, metric, created_at)
                VALUES (:id, :name, :request, :plan, :task, :metric, :createdAt)
                """)
                .param("id", s.id()).param("name", s.name()).param("request", json.writeValueAsString(s.request()))
                .param("plan", json.writeValueAsString(s.plan())).param("task", s.task().id())
                .param("metric", s.metric()).param("createdAt", Timestamp.from(s.createdAt()))
                .update();
    }

    /**
     * Moves the search from rung {@code from} to {@code from + 1} if no one has (the caller's transaction, which queues
     * that rung's runs).
     *
     * @return false when the search is not at rung {@code from} (another coordinator moved it) or is gone
     */
    boolean advance(UUID id, int from) {
        return jdbc.sql("UPDATE searches SET rung = :next WHERE id = :id AND rung = :from")
                .param("next", from + 1).param("id", id).param("from", from).update() == 1;
    }

    /** Records the refit (the caller's transaction: the one that marks the search's job SUCCEEDED). */
    void finish(UUID id, int best, UUID modelId, String endedBy) {
        jdbc.sql("UPDATE searches SET best = :best, model_id = :model, ended_by = :endedBy WHERE id = :id")
                .param("best", best).param("model", modelId).param("endedBy", endedBy).param("id", id).update();
    }

    Optional<Stored> find(UUID id) {
        return jdbc.sql(SELECT + " WHERE id = :id").param("id", id).query(this::stored).optional();
    }

    /** Newest first. */
    List<Stored> list(int limit) {
        return jdbc.sql(SELECT + " ORDER BY seq DESC LIMIT :limit").param("limit", limit).query(this::stored).list();
    }

    boolean delete(UUID id) {
        return jdbc.sql("DELETE FROM searches WHERE id = :id").param("id", id).update() == 1;
    }

    private static final String SELECT = "SELECT id, name, request, plan, task, metric, rung, model_id, best, ended_by,"
            + " created_at FROM searches";

    private Stored stored(ResultSet rs, int row) throws SQLException {
        int best = rs.getInt("best");
        Integer bestOrNull = rs.wasNull() ? null : best;
        return new Stored(rs.getObject("id", UUID.class), rs.getString("name"),
                json.readValue(rs.getString("request"), SearchRequest.class),
                json.readValue(rs.getString("plan"), Plan.class), Task.byId(rs.getString("task")),
                rs.getString("metric"), rs.getInt("rung"), rs.getObject("model_id", UUID.class), bestOrNull,
                rs.getString("ended_by"), rs.getTimestamp("created_at").toInstant());
    }
}
