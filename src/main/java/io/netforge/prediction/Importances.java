package io.netforge.prediction;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.netforge.dataset.DatasetColumn;
import io.netforge.dataset.DatasetInfo;
import io.netforge.dataset.DatasetStore;
import io.netforge.job.JobFailedException;
import io.netforge.job.JobKind;
import io.netforge.job.JobProperties;
import io.netforge.job.JobRun;
import io.netforge.job.JobStatus;
import io.netforge.job.JobStoppedException;
import io.netforge.job.JobWorkers;
import io.netforge.job.Jobs;
import io.netforge.job.Outcome;
import io.netforge.problem.DomainException;
import io.netforge.tabular.BinaryPrediction;
import io.netforge.tabular.MulticlassPrediction;
import io.netforge.tabular.Prediction;
import io.netforge.tabular.Task;
import tools.jackson.databind.json.JsonMapper;

/**
 * Permutation importance ({@link PermutationImportance}) of a model on a stored dataset's rows, a kind of job on the
 * engine: submitted QUEUED, claimed by any instance under a lease, cancelled or deleted like any job; its dataset
 * cannot be deleted under it. Rows whose label is missing are left out. The result is stored with it, and its
 * permutations can be had again from its seed.
 */
@Component
class Importances implements JobKind {

    static final String KIND = "importance";

    /** An importance computation as the API shows it; {@code result} once SUCCEEDED. */
    record View(UUID id, UUID modelId, UUID datasetId, int repeats, long seed, JobStatus status, Instant createdAt,
            Instant startedAt, Instant finishedAt, int attempts, String error, Result result) {
    }

    /**
     * @param score    {@code accuracy} (classification) or {@code r2} (regression), scikit-learn's default scorers
     * @param rows     the rows it was computed on (those with a label)
     * @param features in the model's feature order; {@code values} per repeat
     * @param ranking  the features, the largest mean first
     */
    record Result(String score, long rows, double baseline, List<PermutationImportance.Feature> features,
            List<String> ranking) {
    }

    private final JdbcClient jdbc;
    private final Jobs jobs;
    private final JobWorkers workers;
    private final DatasetStore datasets;
    private final ModelCache models;
    private final JsonMapper json;
    private final int workerCount;

    Importances(JdbcClient jdbc, Jobs jobs, JobWorkers workers, DatasetStore datasets, ModelCache models,
            JsonMapper json, JobProperties properties) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.workers = workers;
        this.datasets = datasets;
        this.models = models;
        this.json = json;
        this.workerCount = properties.workers() > 0 ? 1 : 0;
    }

    @Override
    public String id() {
        return KIND;
    }

    @Override
    public int workers() {
        return workerCount;
    }

    /** Records one (in the caller's transaction, which holds the dataset's lock). */
    View submit(UUID modelId, UUID datasetId, int repeats, long seed) {
        UUID id = UUID.randomUUID();
        jobs.enqueue(id, KIND, modelId, List.of(datasetId));
        jdbc.sql("INSERT INTO importances (id, model_id, dataset_id, repeats, seed) VALUES (:id, :model, :dataset,"
                        + " :repeats, :seed)")
                .param("id", id).param("model", modelId).param("dataset", datasetId).param("repeats", repeats)
                .param("seed", seed).update();
        workers.wakeUpAfterCommit(KIND);
        return find(modelId, id).orElseThrow();
    }

    Optional<View> find(UUID modelId, UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + FROM + " WHERE i.id = :id AND i.model_id = :model")
                .param("id", id).param("model", modelId).query(this::view).optional();
    }

    List<View> list(UUID modelId) {
        return jdbc.sql("SELECT " + COLUMNS + FROM + " WHERE i.model_id = :model ORDER BY i.seq DESC")
                .param("model", modelId).query(this::view).list();
    }

    /** Deletes one of this model's in any state; a running one stops. */
    boolean delete(UUID modelId, UUID id) {
        if (find(modelId, id).isEmpty()) {
            return false;
        }
        workers.delete(List.of(id));
        jdbc.sql("DELETE FROM importances WHERE id = :id").param("id", id).update();
        return true;
    }

    private static final String COLUMNS = "i.id, i.model_id, i.dataset_id, i.repeats, i.seed, i.result, "
            + Jobs.columns("j");
    private static final String FROM = " FROM importances i JOIN jobs j ON j.id = i.id";

    private View view(ResultSet rs, int row) throws SQLException {
        Jobs.State job = jobs.state(rs);
        String result = rs.getString("result");
        return new View(rs.getObject("id", UUID.class), rs.getObject("model_id", UUID.class),
                rs.getObject("dataset_id", UUID.class), rs.getInt("repeats"), rs.getLong("seed"), job.status(),
                job.createdAt(), job.startedAt(), job.finishedAt(), job.attempts(), job.error(),
                result == null ? null : json.readValue(result, Result.class));
    }

    // ---- the job ----

    private record Claimed(UUID id, UUID modelId, UUID datasetId, int repeats, long seed) {
    }

    @Override
    public Outcome run(JobRun run) {
        Claimed job = jdbc.sql("SELECT id, model_id, dataset_id, repeats, seed FROM importances WHERE id = :id")
                .param("id", run.id())
                .query((rs, row) -> new Claimed(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class), rs.getInt(4), rs.getLong(5)))
                .optional().orElseThrow(JobStoppedException::new);
        LoadedModel model = models.get(job.modelId());
        if (model == null) {
            throw new JobFailedException("data_unavailable", "model " + job.modelId() + " has no fitted model");
        }
        Labelled data;
        try {
            data = read(model, job.datasetId());
        } catch (DomainException e) {
            throw new JobFailedException("data_unavailable", e.getMessage());
        }
        if (data.rows().length == 0) {
            throw new JobFailedException("data_unavailable", "dataset " + job.datasetId() + " has no row with a label");
        }
        PermutationImportance.Scorer scorer = scorer(model, data);
        PermutationImportance.Result computed = PermutationImportance.compute(scorer, data.rows(), model.features(),
                job.repeats(), job.seed(), done -> {
                    run.progress(done, java.util.Map.of());
                    if (!run.keepGoing()) {
                        throw new JobStoppedException();
                    }
                });
        List<String> ranking = computed.features().stream()
                .sorted(java.util.Comparator.comparingDouble(PermutationImportance.Feature::mean).reversed())
                .map(PermutationImportance.Feature::name).toList();
        Result result = new Result(model.task() == Task.REGRESSION ? "r2" : "accuracy", data.rows().length,
                computed.baseline(), computed.features(), ranking);
        String stored = json.writeValueAsString(result);
        return () -> jdbc.sql("UPDATE importances SET result = :result WHERE id = :id").param("result", stored)
                .param("id", job.id()).update();
    }

    /** A dataset's labelled rows: the features' raw values, and the label as a class index or a number. */
    record Labelled(double[][] rows, int[] classes, double[] values) {
    }

    /** The rows of a dataset with a label, as the model reads them; its label by the model's classes. */
    Labelled read(LoadedModel model, UUID datasetId) {
        DatasetInfo dataset = datasets.find(datasetId).orElseThrow(() -> DomainException.notFound("dataset", datasetId));
        FeatureColumns columns = FeatureColumns.of(model, dataset, "datasetId");
        String labelName = model.document().label();
        DatasetColumn label = dataset.column(labelName).orElseThrow(() -> DomainException.unprocessable("dataset "
                + datasetId + " has no column '" + labelName + "', the model's label").with("field", "datasetId"));
        int n = columns.positions().length;
        int[] positions = java.util.Arrays.copyOf(columns.positions(), n + 1);
        positions[n] = label.position();
        boolean classification = model.task().classification();
        List<String> classNames = model.classNames();
        List<double[]> rows = new ArrayList<>();
        List<Double> targets = new ArrayList<>();
        datasets.readRows(dataset.id(), positions, (firstRow, count, values) -> {
            for (int r = 0; r < count; r++) {
                double cell = values[r * (n + 1) + n];
                if (Double.isNaN(cell)) {
                    continue;
                }
                double[] row = new double[n];
                for (int j = 0; j < n; j++) {
                    row[j] = columns.value(j, values[r * (n + 1) + j]);
                }
                rows.add(row);
                if (classification) {
                    String text = label.categorical() ? label.levels().get((int) cell).value() : DatasetColumn.plain(cell);
                    targets.add((double) classNames.indexOf(text));
                } else {
                    targets.add(cell);
                }
            }
        });
        int[] classes = classification ? targets.stream().mapToInt(Double::intValue).toArray() : null;
        double[] values = classification ? null : targets.stream().mapToDouble(Double::doubleValue).toArray();
        return new Labelled(rows.toArray(new double[0][]), classes, values);
    }

    /** Accuracy of the model's labels (its own threshold), or R² of its values. */
    static PermutationImportance.Scorer scorer(LoadedModel model, Labelled data) {
        if (!model.task().classification()) {
            return rows -> {
                double[][] outputs = model.outputs(rows);
                double[] predicted = new double[outputs.length];
                for (int i = 0; i < predicted.length; i++) {
                    predicted[i] = outputs[i][0];
                }
                return PermutationImportance.r2(predicted, data.values());
            };
        }
        List<Object> classValues = model.classes();
        return rows -> {
            List<Prediction> predictions = model.evaluate(rows);
            int[] predicted = new int[predictions.size()];
            for (int i = 0; i < predicted.length; i++) {
                Prediction p = predictions.get(i);
                Object labelValue = p instanceof BinaryPrediction b ? b.label() : ((MulticlassPrediction) p).label();
                predicted[i] = classValues.indexOf(labelValue);
            }
            return PermutationImportance.accuracy(predicted, data.classes());
        };
    }
}
