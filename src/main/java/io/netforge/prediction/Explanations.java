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
 * A model's explanations on a stored dataset's rows, a kind of job on the engine: permutation importance
 * ({@link PermutationImportance}) and partial dependence with ICE ({@link PartialDependence}) of every feature.
 * Submitted QUEUED, claimed by any instance under a lease, cancelled or deleted like any job; its dataset cannot be
 * deleted under it. Rows whose label is missing are left out. The result is stored with it, and its permutations
 * can be had again from its seed.
 */
@Component
class Explanations implements JobKind {

    static final String KIND = "explanation";

    /**
     * What an explanation is asked for, defaults filled in.
     *
     * @param repeats        permutations per feature for the importance
     * @param seed           draws the permutations
     * @param gridResolution most grid values of a numeric feature's partial dependence
     * @param percentiles    the grid's ends for a numeric feature with many values
     * @param iceRows        the first rows whose ICE curves are kept
     */
    record Options(int repeats, long seed, int gridResolution, List<Double> percentiles, int iceRows) {
    }

    /** An explanation as the API shows it; {@code result} once SUCCEEDED. */
    record View(UUID id, UUID modelId, UUID datasetId, Options options, JobStatus status, Instant createdAt,
            Instant startedAt, Instant finishedAt, int attempts, String error, Result result) {
    }

    /**
     * @param rows              the rows it was computed on (those with a label), in upload order
     * @param outputs           what partial dependence is of: {@code probability}, each class, or {@code value}
     * @param importance        permutation importance
     * @param partialDependence per feature, a date per part ({@code <date>.year}, {@code .month}, {@code .weekday},
     *                          {@code .hour}); a categorical feature's grid is its levels
     */
    record Result(long rows, List<String> outputs, Importance importance,
            java.util.Map<String, Dependence> partialDependence) {
    }

    /**
     * @param score    {@code accuracy} (classification) or {@code r2} (regression), scikit-learn's default scorers
     * @param features in the model's feature order; {@code values} per repeat
     * @param ranking  the features, the largest mean first
     */
    record Importance(String score, double baseline, List<PermutationImportance.Feature> features,
            List<String> ranking) {
    }

    /**
     * @param kind    {@code numeric}, {@code categorical}, {@code boolean}, or {@code date:<part>} for a date's part
     * @param grid    the values the feature was set to (numbers, or level texts)
     * @param average per output, per grid value: the mean over the rows
     * @param ice     per output, per ICE row (the first {@code iceRows} rows), per grid value
     */
    record Dependence(String kind, List<Object> grid, double[][] average, double[][][] ice) {
    }

    private final JdbcClient jdbc;
    private final Jobs jobs;
    private final JobWorkers workers;
    private final DatasetStore datasets;
    private final ModelCache models;
    private final JsonMapper json;
    private final int workerCount;

    Explanations(JdbcClient jdbc, Jobs jobs, JobWorkers workers, DatasetStore datasets, ModelCache models,
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
    View submit(UUID modelId, UUID datasetId, Options options) {
        UUID id = UUID.randomUUID();
        jobs.enqueue(id, KIND, modelId, List.of(datasetId));
        jdbc.sql("INSERT INTO explanations (id, model_id, dataset_id, options) VALUES (:id, :model, :dataset, :options)")
                .param("id", id).param("model", modelId).param("dataset", datasetId)
                .param("options", json.writeValueAsString(options)).update();
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
        jdbc.sql("DELETE FROM explanations WHERE id = :id").param("id", id).update();
        return true;
    }

    private static final String COLUMNS = "i.id, i.model_id, i.dataset_id, i.options, i.result, " + Jobs.columns("j");
    private static final String FROM = " FROM explanations i JOIN jobs j ON j.id = i.id";

    private View view(ResultSet rs, int row) throws SQLException {
        Jobs.State job = jobs.state(rs);
        String result = rs.getString("result");
        return new View(rs.getObject("id", UUID.class), rs.getObject("model_id", UUID.class),
                rs.getObject("dataset_id", UUID.class), json.readValue(rs.getString("options"), Options.class),
                job.status(),
                job.createdAt(), job.startedAt(), job.finishedAt(), job.attempts(), job.error(),
                result == null ? null : json.readValue(result, Result.class));
    }

    // ---- the job ----

    private record Claimed(UUID id, UUID modelId, UUID datasetId, Options options) {
    }

    @Override
    public Outcome run(JobRun run) {
        Claimed job = jdbc.sql("SELECT id, model_id, dataset_id, options FROM explanations WHERE id = :id")
                .param("id", run.id())
                .query((rs, row) -> new Claimed(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class), json.readValue(rs.getString(4), Options.class)))
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
        Options options = job.options();
        int features = model.features().size();
        PermutationImportance.Scorer scorer = scorer(model, data);
        PermutationImportance.Result computed = PermutationImportance.compute(scorer, data.rows(), model.features(),
                options.repeats(), options.seed(), done -> step(run, done));
        List<String> ranking = computed.features().stream()
                .sorted(java.util.Comparator.comparingDouble(PermutationImportance.Feature::mean).reversed())
                .map(PermutationImportance.Feature::name).toList();
        Importance importance = new Importance(model.task() == Task.REGRESSION ? "r2" : "accuracy",
                computed.baseline(), computed.features(), ranking);
        java.util.Map<String, Dependence> dependence = new java.util.LinkedHashMap<>();
        for (int j = 0; j < features; j++) {
            io.netforge.tabular.Feature feature = model.encoding().features().get(j);
            double[] column = new double[data.rows().length];
            for (int r = 0; r < column.length; r++) {
                column[r] = data.rows()[r][j];
            }
            if (feature instanceof io.netforge.tabular.DateFeature date) {
                // a date moves by its parts: each row's own date with its year (month, weekday, hour) set to each
                // value the rows have
                for (String part : date.movableParts()) {
                    double[] grid = java.util.Arrays.stream(column).filter(v -> !Double.isNaN(v))
                            .map(v -> date.part(v, part)).distinct().sorted().toArray();
                    if (grid.length > options.gridResolution()) {
                        grid = java.util.Arrays.stream(PartialDependence.linspace(grid[0], grid[grid.length - 1],
                                options.gridResolution())).map(Math::rint).distinct().toArray();
                    }
                    if (grid.length < 2) {
                        continue; // one value: no curve to show
                    }
                    List<Object> shown = new ArrayList<>();
                    for (double v : grid) {
                        shown.add((int) v);
                    }
                    PartialDependence.Curves curves = PartialDependence.of(model::outputs, data.rows(), j, grid,
                            options.iceRows(), (raw, value) -> date.withPart(raw, part, (int) value));
                    dependence.put(model.features().get(j) + "." + part, new Dependence("date:" + part, shown,
                            curves.average(), curves.ice()));
                }
                step(run, features + j + 1);
                continue;
            }
            double[] grid;
            List<Object> shown = new ArrayList<>();
            String kind;
            if (feature instanceof io.netforge.tabular.CategoricalFeature categorical) {
                List<String> levels = categorical.levels().stream().map(io.netforge.tabular.Encoding.Level::value)
                        .toList();
                grid = PartialDependence.categoricalGrid(column, levels);
                for (double code : grid) {
                    shown.add(levels.get((int) code));
                }
                kind = "categorical";
            } else {
                try {
                    grid = PartialDependence.numericGrid(column, options.gridResolution(),
                            options.percentiles().get(0), options.percentiles().get(1));
                } catch (IllegalArgumentException e) {
                    continue; // a feature with (nearly) one value has no curve to show
                }
                for (double v : grid) {
                    shown.add(v);
                }
                kind = feature instanceof io.netforge.tabular.BooleanFeature ? "boolean" : "numeric";
            }
            if (grid.length == 0) {
                continue;
            }
            PartialDependence.Curves curves = PartialDependence.of(model::outputs, data.rows(), j, grid,
                    options.iceRows());
            dependence.put(model.features().get(j), new Dependence(kind, shown, curves.average(), curves.ice()));
            step(run, features + j + 1);
        }
        Result result = new Result(data.rows().length, model.outputNames(), importance, dependence);
        String stored = json.writeValueAsString(result);
        return () -> jdbc.sql("UPDATE explanations SET result = :result WHERE id = :id").param("result", stored)
                .param("id", job.id()).update();
    }

    /** Reports the features done (importance, then partial dependence) and stops if asked to. */
    private static void step(JobRun run, long done) {
        run.progress(done, java.util.Map.of());
        if (!run.keepGoing()) {
            throw new JobStoppedException();
        }
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
