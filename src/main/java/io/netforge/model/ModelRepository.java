package io.netforge.model;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import io.netforge.job.JobStatus;
import io.netforge.job.JobWorkers;
import io.netforge.job.Jobs;
import io.netforge.network.NetworkSpec;
import io.netforge.problem.DomainException;
import io.netforge.tabular.ClassValue;
import io.netforge.tabular.DataSpec;
import io.netforge.tabular.Metrics;
import io.netforge.tabular.Task;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes the {@code models} and {@code model_artifacts} tables. A model is the outcome of its training job
 * (a row of {@code jobs} with the model's id, which the job engine alone writes): its status, progress and timings
 * are its job's, and deleting the job deletes the model.
 */
@Repository
public class ModelRepository {

    private static final String VIEW_COLUMNS = """
            m.id, m.name, m.dataset_id, m.test_dataset_id, m.test_fraction, m.spec, m.training_seconds, m.data_spec,
            m.experiment_id, m.version, m.reproduces, m.reproduces_sha256, a.document,
            """ + Jobs.columns("j");

    /** The models, each with its job and (once SUCCEEDED) its fitted model. */
    private static final String FROM = " FROM models m JOIN jobs j ON j.id = m.id"
            + " LEFT JOIN model_artifacts a ON a.model_id = m.id";

    /** The kind of job that trains a model; a model's job has the model's id. */
    public static final String TRAINING = "training";

    /** The measures a training job reports: the loss of the last epoch and, with early stopping, the validation loss. */
    public static final String LOSS = "loss";
    public static final String VALIDATION_LOSS = "validationLoss";
    public static final String FIRST_LOSS = "firstLoss";

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Jobs jobs;
    private final JobWorkers workers;

    public ModelRepository(JdbcClient jdbc, JsonMapper json, Jobs jobs, JobWorkers workers) {
        this.jdbc = jdbc;
        this.json = json;
        this.jobs = jobs;
        this.workers = workers;
    }

    /**
     * A model to train, as asked for: queued as a training job in the caller's transaction, reading its dataset(s).
     *
     * @param experimentId  the experiment whose run it is, and {@code configuration} which of its configurations;
     *                      null for a model asked for on its own
     * @param reproduces    the model it retrains from its provenance, and {@code reproducesSha256} its weights'; or null
     */
    public record NewModel(UUID id, String name, UUID datasetId, UUID testDatasetId, Double testFraction,
            NetworkSpec spec, DataSpec data, UUID experimentId, Integer configuration, UUID reproduces,
            String reproducesSha256, Integer rung) {
    }

    /** Records a new model whose training job waits in the queue (the caller's transaction). */
    public void enqueue(NewModel m) {
        List<UUID> datasets = new java.util.ArrayList<>(List.of(m.datasetId()));
        if (m.testDatasetId() != null) {
            datasets.add(m.testDatasetId());
        }
        if (m.data() != null && m.data().heldOutDatasetId() != null
                && !datasets.contains(m.data().heldOutDatasetId())) {
            datasets.add(m.data().heldOutDatasetId());
        }
        jobs.enqueue(m.id(), TRAINING, null, datasets);
        jdbc.sql("""
                INSERT INTO models (id, name, dataset_id, test_dataset_id, test_fraction, spec, data_spec,
                                    experiment_id, configuration, reproduces, reproduces_sha256, rung)
                VALUES (:id, :name, :dataset, :testDataset, :testFraction, :spec, :data, :experiment, :configuration,
                        :reproduces, :reproducesSha256, :rung)
                """)
                .param("id", m.id()).param("name", m.name()).param("dataset", m.datasetId())
                .param("testDataset", m.testDatasetId()).param("testFraction", m.testFraction())
                .param("spec", json.writeValueAsString(m.spec())).param("data", json.writeValueAsString(m.data()))
                .param("experiment", m.experimentId()).param("configuration", m.configuration())
                .param("reproduces", m.reproduces()).param("reproducesSha256", m.reproducesSha256())
                .param("rung", m.rung()).update();
        workers.wakeUpAfterCommit(TRAINING);
    }

    /** What a training job needs of its model to run. */
    public record Training(UUID id, String name, UUID datasetId, UUID testDatasetId, Double testFraction,
            NetworkSpec spec, DataSpec data) {
    }

    /** The training job of a model, if the model is still here. */
    public Optional<Training> training(UUID id) {
        return jdbc.sql("SELECT id, name, dataset_id, test_dataset_id, test_fraction, spec, data_spec FROM models"
                        + " WHERE id = :id")
                .param("id", id)
                .query((rs, row) -> {
                    double fraction = rs.getDouble("test_fraction");
                    Double fractionOrNull = rs.wasNull() ? null : fraction;
                    String data = rs.getString("data_spec");
                    return new Training(rs.getObject("id", UUID.class), rs.getString("name"),
                            rs.getObject("dataset_id", UUID.class), rs.getObject("test_dataset_id", UUID.class),
                            fractionOrNull, json.readValue(rs.getString("spec"), NetworkSpec.class),
                            data == null ? null : json.readValue(data, DataSpec.class));
                })
                .optional();
    }

    /**
     * Stores a fitted model as the outcome of its training job (the job engine's transaction, which marks the job
     * SUCCEEDED): the next version of its name (experiment runs and reproductions have none), its training time and
     * its artifact.
     */
    public void storeFitted(StoredModel model, double trainingSeconds) {
        UUID id = model.document().id();
        jdbc.sql("UPDATE models SET training_seconds = :seconds WHERE id = :id").param("seconds", trainingSeconds)
                .param("id", id).update();
        jdbc.sql("""
                UPDATE models SET version = (SELECT COALESCE(MAX(v.version), 0) + 1 FROM models v
                                             WHERE v.name = (SELECT n.name FROM models n WHERE n.id = :id))
                WHERE id = :id AND experiment_id IS NULL AND reproduces IS NULL
                """).param("id", id).update();
        insertArtifact(model);
    }

    /**
     * Records an imported model, already SUCCEEDED, as the next version of its name, with its fitted model, in one
     * transaction: its training job is recorded as done.
     */
    @Transactional
    public void insertImported(String name, UUID datasetId, NetworkSpec spec, StoredModel model) {
        UUID id = model.document().id();
        List<ModelDocument.LossPoint> curve = model.document().lossCurve();
        jobs.recordDone(id, TRAINING, model.document().training().epochs(),
                curve.isEmpty() ? Map.of() : Map.of(LOSS, curve.get(curve.size() - 1).loss()));
        jdbc.sql("""
                INSERT INTO models (id, name, dataset_id, spec, training_seconds, version)
                VALUES (:id, :name, :dataset, :spec, :seconds,
                        (SELECT COALESCE(MAX(v.version), 0) + 1 FROM models v WHERE v.name = :name))
                """)
                .param("id", id).param("name", name).param("dataset", datasetId)
                .param("spec", json.writeValueAsString(spec))
                .param("seconds", model.document().provenance().trainingSeconds())
                .update();
        insertArtifact(model);
    }

    public Optional<ModelView> findView(UUID id) {
        return jdbc.sql("SELECT " + VIEW_COLUMNS + FROM + " WHERE m.id = :id")
                .param("id", id).query(this::view).optional().map(v -> v.withAliases(aliasesOf(v.id())));
    }

    /** The aliases that name this model. */
    public List<String> aliasesOf(UUID id) {
        return jdbc.sql("SELECT alias FROM model_aliases WHERE model_id = :id ORDER BY alias").param("id", id)
                .query(String.class).list();
    }

    /**
     * Points {@code alias} of the model's name at it (moving it from another version). Every move of a name's aliases
     * first locks the name's versions, in one order, so that moves of one alias follow one another (two at once
     * would both delete the old row and then both insert).
     *
     * @return false when the model is not (or no longer) a version of that name
     */
    @Transactional
    public boolean setAlias(UUID id, String name, String alias) {
        List<UUID> versions = jdbc.sql("SELECT id FROM models WHERE name = :name AND version IS NOT NULL ORDER BY id"
                + " FOR UPDATE").param("name", name).query(UUID.class).list();
        if (!versions.contains(id)) {
            return false;
        }
        jdbc.sql("DELETE FROM model_aliases WHERE name = :name AND alias = :alias").param("name", name)
                .param("alias", alias).update();
        jdbc.sql("INSERT INTO model_aliases (name, alias, model_id) VALUES (:name, :alias, :id)").param("name", name)
                .param("alias", alias).param("id", id).update();
        return true;
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
    public List<ModelView> list(JobStatus status, UUID experimentId, String name, int limit) {
        return page(status, experimentId, name, limit, null, false).items();
    }

    /**
     * A page of {@link #list}, newest first: at most {@code limit} models older than queue position {@code before}
     * (null: from the newest). With {@code summaries}, without their loss curves (what a list shows).
     */
    public Page page(JobStatus status, UUID experimentId, String name, int limit, Long before, boolean summaries) {
        String where = (experimentId == null ? " WHERE m.experiment_id IS NULL" : " WHERE m.experiment_id = :experiment")
                + (status == null ? "" : " AND j.status = :status") + (name == null ? "" : " AND m.name = :name")
                + (before == null ? "" : " AND m.seq < :before");
        var statement = jdbc.sql("SELECT m.seq, " + VIEW_COLUMNS + FROM + where + " ORDER BY m.seq DESC LIMIT :limit")
                .param("limit", limit + 1);
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

    /**
     * One run of an experiment or a search: its configuration (a search's candidate), status and, once SUCCEEDED, its
     * test (held-out) and validation metrics, training time and predict time per row.
     *
     * @param rung a search's rung, null for an experiment's run
     */
    public record Run(UUID id, int configuration, JobStatus status, long seed, DataSpec.Fold fold, Metrics metrics,
            java.time.Instant finishedAt, Integer rung, Metrics validation, Double trainingSeconds,
            Double predictMicrosPerRow, Long parameters, String error) {
    }

    /** Weights and biases of a network of these layer sizes. */
    private static long parameters(List<Integer> layerSizes) {
        long sum = 0;
        for (int l = 1; l < layerSizes.size(); l++) {
            sum += (long) layerSizes.get(l - 1) * layerSizes.get(l) + layerSizes.get(l);
        }
        return sum;
    }

    /** A run's status only: what a search's coordinator polls while a rung trains. */
    public record RunStatus(UUID id, int configuration, int rung, JobStatus status) {
    }

    /** How many runs of a search are in each status, by rung: rung -> status -> count. */
    public java.util.Map<Integer, java.util.Map<JobStatus, Integer>> rungCounts(UUID searchId) {
        java.util.Map<Integer, java.util.Map<JobStatus, Integer>> out = new java.util.TreeMap<>();
        jdbc.sql("SELECT m.rung, j.status, COUNT(*) AS n FROM models m JOIN jobs j ON j.id = m.id"
                        + " WHERE m.experiment_id = :search AND m.rung IS NOT NULL GROUP BY m.rung, j.status")
                .param("search", searchId)
                .query((rs, row) -> out.computeIfAbsent(rs.getInt("rung"), k -> new java.util.EnumMap<>(JobStatus.class))
                        .put(JobStatus.valueOf(rs.getString("status")), rs.getInt("n")))
                .list();
        return out;
    }

    /** The status of every run of a search's rung, in the order they were queued. */
    public List<RunStatus> rungStatuses(UUID searchId, int rung) {
        return jdbc.sql("SELECT m.id, m.configuration, m.rung, j.status FROM models m JOIN jobs j ON j.id = m.id"
                        + " WHERE m.experiment_id = :search AND m.rung = :rung ORDER BY m.seq")
                .param("search", searchId).param("rung", rung)
                .query((rs, row) -> new RunStatus(rs.getObject("id", UUID.class), rs.getInt("configuration"),
                        rs.getInt("rung"), JobStatus.valueOf(rs.getString("status"))))
                .list();
    }

    /** Every run of an experiment, in the order they were queued; metrics are the test (held-out) ones. */
    public List<Run> runs(UUID experimentId) {
        return jdbc.sql("SELECT m.id, m.configuration, m.rung, j.status, j.error, m.spec, m.data_spec, j.finished_at,"
                        + " a.document"
                        + FROM + " WHERE m.experiment_id = :experiment ORDER BY m.seq")
                .param("experiment", experimentId)
                .query((rs, row) -> {
                    String documentJson = rs.getString("document");
                    ModelDocument document = documentJson == null ? null
                            : json.readValue(documentJson, ModelDocument.class);
                    DataSpec data = json.readValue(rs.getString("data_spec"), DataSpec.class);
                    NetworkSpec spec = json.readValue(rs.getString("spec"), NetworkSpec.class);
                    return new Run(rs.getObject("id", UUID.class), rs.getInt("configuration"),
                            JobStatus.valueOf(rs.getString("status")), spec.seed(), data.fold(),
                            document == null ? null : document.metrics().test(), instant(rs, "finished_at"),
                            rs.getObject("rung") == null ? null : rs.getInt("rung"),
                            document == null ? null : document.metrics().validation(),
                            document == null ? null : document.provenance().trainingSeconds(),
                            document == null ? null : document.training().predictMicrosPerRow(),
                            document == null ? null : parameters(document.layerSizes()), rs.getString("error"));
                })
                .list();
    }

    /** The runs of an experiment, in the order they were queued. */
    public List<UUID> runIds(UUID experimentId) {
        return jdbc.sql("SELECT id FROM models WHERE experiment_id = :experiment ORDER BY seq")
                .param("experiment", experimentId).query(UUID.class).list();
    }

    /**
     * Deletes every run of an experiment, whatever its state; workers still training one stop.
     *
     * @return the runs deleted
     */
    @Transactional
    public List<UUID> deleteRuns(UUID experimentId) {
        List<UUID> ids = runIds(experimentId);
        workers.delete(ids);
        return ids;
    }

    /**
     * Deletes a model whatever its state, with its training job and the jobs that work for it (scorings); a worker
     * still training it stops.
     */
    @Transactional
    public boolean delete(UUID id) {
        return exists(id) && !workers.delete(List.of(id)).isEmpty();
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
        Jobs.State job = jobs.state(rs);
        String documentJson = rs.getString("document");
        ModelDocument document = documentJson == null ? null : json.readValue(documentJson, ModelDocument.class);
        String dataJson = rs.getString("data_spec");
        DataSpec data = dataJson == null ? null : json.readValue(dataJson, DataSpec.class);
        double testFraction = rs.getDouble("test_fraction");
        Double testFractionOrNull = rs.wasNull() ? null : testFraction;
        double seconds = rs.getDouble("training_seconds");
        Double secondsOrNull = rs.wasNull() ? null : seconds;
        return new ModelView(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                nullableInt(rs, "version"),
                List.of(),
                job.status(),
                rs.getObject("dataset_id", UUID.class),
                rs.getObject("test_dataset_id", UUID.class),
                testFractionOrNull,
                spec,
                new ModelView.Progress((int) job.step(), spec.maxIterations(), job.measures().get(LOSS),
                        job.measures().get(VALIDATION_LOSS), job.measures().get(FIRST_LOSS)),
                new ModelView.Timings(job.createdAt(), job.startedAt(), job.finishedAt(), secondsOrNull),
                job.attempts(),
                job.cancelRequested(),
                job.error(),
                document == null ? null : document.warnings(),
                document != null ? document.task() : data != null ? data.task() : Task.BINARY,
                document != null ? document.features() : data != null ? data.features() : null,
                document != null ? document.label() : data != null ? data.label() : null,
                data != null ? data.preprocessing() : null,
                document == null ? null : document.preprocessing().inputNames(),
                document == null ? null : document.classes().stream().map(ClassValue::json).toList(),
                document == null ? null : document.metrics(),
                document == null ? List.of() : document.lossCurve(),
                document == null ? List.of() : document.validationLossCurve(),
                document == null ? null : document.training(),
                document == null ? null : document.provenance(),
                rs.getObject("experiment_id", UUID.class),
                data == null ? null : data.fold(),
                reproduction(rs, document),
                data == null ? null : data.heldOutDatasetId(),
                document == null || document.task() != Task.BINARY ? null : document.threshold(),
                document == null ? null : document.calibration(),
                document == null ? null : document.thresholdChoice());
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
