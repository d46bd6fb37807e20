package io.netforge.model;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import io.netforge.network.NetworkSpec;
import io.netforge.tabular.DataSpec;
import io.netforge.problem.DomainException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes the {@code models} and {@code model_artifacts} tables, except for a job's status, which only the
 * training queue writes (io.netforge.training.JobQueue).
 */
@Repository
public class ModelRepository {

    private static final String VIEW_COLUMNS = """
            m.id, m.name, m.status, m.dataset_id, m.test_dataset_id, m.test_fraction, m.spec, m.created_at,
            m.started_at, m.finished_at, m.iteration, m.loss, m.validation_loss, m.attempts, m.cancel_requested, m.error,
            m.training_seconds, m.data_spec, m.experiment_id, m.version, m.reproduces, m.reproduces_sha256, a.document
            """;

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public ModelRepository(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public Optional<ModelView> findView(UUID id) {
        return jdbc.sql("SELECT " + VIEW_COLUMNS + " FROM models m LEFT JOIN model_artifacts a ON a.model_id = m.id"
                        + " WHERE m.id = :id")
                .param("id", id).query(this::view).optional().map(v -> v.withAliases(aliasesOf(v.id())));
    }

    /** The aliases that name this model. */
    public List<String> aliasesOf(UUID id) {
        return jdbc.sql("SELECT alias FROM model_aliases WHERE model_id = :id ORDER BY alias").param("id", id)
                .query(String.class).list();
    }

    /** Points {@code alias} of the model's name at it (moving it from another version); the model must have a version. */
    @Transactional
    public void setAlias(UUID id, String name, String alias) {
        jdbc.sql("DELETE FROM model_aliases WHERE name = :name AND alias = :alias").param("name", name)
                .param("alias", alias).update();
        jdbc.sql("INSERT INTO model_aliases (name, alias, model_id) VALUES (:name, :alias, :id)").param("name", name)
                .param("alias", alias).param("id", id).update();
    }

    /** @return false when the model had no such alias */
    public boolean deleteAlias(UUID id, String alias) {
        return jdbc.sql("DELETE FROM model_aliases WHERE model_id = :id AND alias = :alias").param("id", id)
                .param("alias", alias).update() == 1;
    }

    /** The model a name's alias names. */
    public Optional<UUID> byAlias(String name, String alias) {
        return jdbc.sql("SELECT model_id FROM model_aliases WHERE name = :name AND alias = :alias")
                .param("name", name).param("alias", alias).query(UUID.class).optional();
    }

    /** The model that is version {@code version} of a name. */
    public Optional<UUID> byVersion(String name, int version) {
        return jdbc.sql("SELECT id FROM models WHERE name = :name AND version = :version")
                .param("name", name).param("version", version).query(UUID.class).optional();
    }

    public ModelView getView(UUID id) {
        return findView(id).orElseThrow(() -> DomainException.notFound("model", id));
    }

    /** A page of a list: its items and, when more follow, the queue position after which they do. */
    public record Page(List<ModelView> items, Long nextSeq) {
    }

    /**
     * Newest first; {@code status} null for all. Without {@code experimentId} only models asked for on their own,
     * with it only that experiment's runs.
     */
    public List<ModelView> list(ModelStatus status, UUID experimentId, String name, int limit) {
        return page(status, experimentId, name, limit, null, false).items();
    }

    /**
     * A page of {@link #list}, newest first: at most {@code limit} models older than queue position {@code before}
     * (null: from the newest). With {@code summaries}, without their loss curves (what a list shows).
     */
    public Page page(ModelStatus status, UUID experimentId, String name, int limit, Long before, boolean summaries) {
        String where = (experimentId == null ? " WHERE m.experiment_id IS NULL" : " WHERE m.experiment_id = :experiment")
                + (status == null ? "" : " AND m.status = :status") + (name == null ? "" : " AND m.name = :name")
                + (before == null ? "" : " AND m.seq < :before");
        var statement = jdbc.sql("SELECT m.seq, " + VIEW_COLUMNS + " FROM models m LEFT JOIN model_artifacts a"
                + " ON a.model_id = m.id" + where + " ORDER BY m.seq DESC LIMIT :limit").param("limit", limit + 1);
        if (status != null) {
            statement = statement.param("status", status.name());
        }
        if (experimentId != null) {
            statement = statement.param("experiment", experimentId);
        }
        if (name != null) {
            statement = statement.param("name", name);
        }
        if (before != null) {
            statement = statement.param("before", before);
        }
        record Row(long seq, ModelView view) {
        }
        List<Row> rows = statement.query((rs, row) -> {
            ModelView view = view(rs, row);
            return new Row(rs.getLong("seq"), summaries ? view.summary() : view);
        }).list();
        Long next = rows.size() > limit ? rows.get(limit - 1).seq() : null;
        List<ModelView> views = rows.stream().limit(limit).map(Row::view).toList();
        if (views.isEmpty()) {
            return new Page(views, null);
        }
        java.util.Map<UUID, List<String>> aliases = new java.util.HashMap<>();
        jdbc.sql("SELECT model_id, alias FROM model_aliases WHERE model_id IN (:ids) ORDER BY alias")
                .param("ids", views.stream().map(ModelView::id).toList())
                .query((rs, row) -> aliases.computeIfAbsent(rs.getObject("model_id", UUID.class),
                        k -> new java.util.ArrayList<>()).add(rs.getString("alias")))
                .list();
        return new Page(views.stream().map(v -> v.withAliases(aliases.getOrDefault(v.id(), List.of()))).toList(), next);
    }

    /**
     * The versions of a model name, ascending: its SUCCEEDED models (experiment runs aside) numbered as they
     * succeeded; a deleted one leaves a gap.
     */
    public List<Integer> versions(String name) {
        return jdbc.sql("SELECT version FROM models WHERE name = :name AND version IS NOT NULL ORDER BY version")
                .param("name", name).query(Integer.class).list();
    }

    /** One run of an experiment: its configuration, status and (once SUCCEEDED) its metrics. */
    public record Run(UUID id, int configuration, ModelStatus status, long seed, DataSpec.Fold fold, Metrics metrics,
            java.time.Instant finishedAt) {
    }

    /** Every run of an experiment, in the order they were queued; metrics are the test (held-out) ones. */
    public List<Run> runs(UUID experimentId) {
        return jdbc.sql("SELECT m.id, m.configuration, m.status, m.spec, m.data_spec, m.finished_at, a.document"
                        + " FROM models m LEFT JOIN model_artifacts a ON a.model_id = m.id"
                        + " WHERE m.experiment_id = :experiment ORDER BY m.seq")
                .param("experiment", experimentId)
                .query((rs, row) -> {
                    String documentJson = rs.getString("document");
                    ModelDocument document = documentJson == null ? null
                            : json.readValue(documentJson, ModelDocument.class);
                    DataSpec data = json.readValue(rs.getString("data_spec"), DataSpec.class);
                    NetworkSpec spec = json.readValue(rs.getString("spec"), NetworkSpec.class);
                    return new Run(rs.getObject("id", UUID.class), rs.getInt("configuration"),
                            ModelStatus.valueOf(rs.getString("status")), spec.seed(), data.fold(),
                            document == null ? null : document.metrics().test(), instant(rs, "finished_at"));
                })
                .list();
    }

    /**
     * Deletes every run of an experiment, whatever its state; workers still training one notice and stop.
     *
     * @return the runs deleted
     */
    @Transactional
    public List<UUID> deleteRuns(UUID experimentId) {
        List<UUID> ids = jdbc.sql("SELECT id FROM models WHERE experiment_id = :experiment")
                .param("experiment", experimentId).query(UUID.class).list();
        jdbc.sql("DELETE FROM model_artifacts WHERE model_id IN (SELECT id FROM models WHERE experiment_id = :experiment)")
                .param("experiment", experimentId).update();
        jdbc.sql("DELETE FROM models WHERE experiment_id = :experiment").param("experiment", experimentId).update();
        return ids;
    }

    /** Deletes a model whatever its state; a worker still training it notices and stops. */
    @Transactional
    public boolean delete(UUID id) {
        jdbc.sql("DELETE FROM model_artifacts WHERE model_id = :id").param("id", id).update();
        return jdbc.sql("DELETE FROM models WHERE id = :id").param("id", id).update() == 1;
    }

    public boolean exists(UUID id) {
        return jdbc.sql("SELECT COUNT(*) FROM models WHERE id = :id").param("id", id).query(Long.class).single() > 0;
    }

    /** The fitted model, if this id names a SUCCEEDED model. */
    public Optional<StoredModel> findArtifact(UUID id) {
        return jdbc.sql("SELECT format_version, document, weights FROM model_artifacts WHERE model_id = :id")
                .param("id", id)
                .query((rs, row) -> {
                    int version = rs.getInt("format_version");
                    if (!ModelDocument.readable(version)) {
                        throw new IllegalStateException("model " + id + " is stored in format " + version
                                + "; this version of netforge reads formats " + ModelDocument.OLDEST_READABLE_FORMAT
                                + " to " + ModelDocument.FORMAT_VERSION);
                    }
                    return new StoredModel(json.readValue(rs.getString("document"), ModelDocument.class),
                            rs.getBytes("weights"));
                })
                .optional();
    }

    /** Writes a fitted model; the caller's transaction also marks the job SUCCEEDED. */
    public void insertArtifact(StoredModel model) {
        jdbc.sql("""
                INSERT INTO model_artifacts (model_id, format_version, document, weights)
                VALUES (:id, :version, :document, :weights)
                """)
                .param("id", model.document().id()).param("version", model.document().formatVersion())
                .param("document", json.writeValueAsString(model.document())).param("weights", model.weights())
                .update();
    }

    private ModelView view(ResultSet rs, int row) throws SQLException {
        NetworkSpec spec = json.readValue(rs.getString("spec"), NetworkSpec.class);
        String documentJson = rs.getString("document");
        ModelDocument document = documentJson == null ? null : json.readValue(documentJson, ModelDocument.class);
        String dataJson = rs.getString("data_spec");
        DataSpec data = dataJson == null ? null : json.readValue(dataJson, DataSpec.class);
        double loss = rs.getDouble("loss");
        Double lossOrNull = rs.wasNull() ? null : loss;
        double validationLoss = rs.getDouble("validation_loss");
        Double validationLossOrNull = rs.wasNull() ? null : validationLoss;
        double testFraction = rs.getDouble("test_fraction");
        Double testFractionOrNull = rs.wasNull() ? null : testFraction;
        double seconds = rs.getDouble("training_seconds");
        Double secondsOrNull = rs.wasNull() ? null : seconds;
        return new ModelView(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                nullableInt(rs, "version"),
                List.of(),
                ModelStatus.valueOf(rs.getString("status")),
                rs.getObject("dataset_id", UUID.class),
                rs.getObject("test_dataset_id", UUID.class),
                testFractionOrNull,
                spec,
                new ModelView.Progress(rs.getInt("iteration"), spec.maxIterations(), lossOrNull, validationLossOrNull),
                new ModelView.Timings(instant(rs, "created_at"), instant(rs, "started_at"), instant(rs, "finished_at"),
                        secondsOrNull),
                rs.getInt("attempts"),
                rs.getBoolean("cancel_requested"),
                rs.getString("error"),
                document != null ? document.task() : data != null ? data.task() : "binary",
                document != null ? document.features() : data != null ? data.features() : null,
                document != null ? document.label() : data != null ? data.label() : null,
                data != null ? data.preprocessing() : null,
                document == null ? null : document.preprocessing().inputNames(),
                document == null ? null : document.classes().stream().map(ModelDocument.ClassValue::json).toList(),
                document == null ? null : document.metrics(),
                document == null ? List.of() : document.lossCurve(),
                document == null ? List.of() : document.validationLossCurve(),
                document == null ? null : document.training(),
                document == null ? null : document.provenance(),
                rs.getObject("experiment_id", UUID.class),
                data == null ? null : data.fold(),
                reproduction(rs, document));
    }

    private static ModelView.Reproduction reproduction(ResultSet rs, ModelDocument document) throws SQLException {
        UUID of = rs.getObject("reproduces", UUID.class);
        if (of == null) {
            return null;
        }
        String expected = rs.getString("reproduces_sha256");
        String sha256 = document == null ? null : document.weights().sha256();
        return new ModelView.Reproduction(of, expected, sha256, sha256 == null ? null : sha256.equals(expected));
    }

    /** How the model's training data was chosen (features, label, preprocessing, fold), if it was trained here. */
    public Optional<DataSpec> dataSpec(UUID id) {
        return jdbc.sql("SELECT data_spec FROM models WHERE id = :id").param("id", id).query(String.class).optional()
                .filter(java.util.Objects::nonNull).map(text -> json.readValue(text, DataSpec.class));
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
