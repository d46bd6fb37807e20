package io.netforge.prediction;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

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
import io.netforge.tabular.Encoding;
import io.netforge.tabular.Feature;
import io.netforge.tabular.Prediction;

/**
 * Batch scoring of a stored dataset by a model, a kind of job on the engine: submitted QUEUED, claimed by an instance
 * under a lease (renewed by the engine's heartbeat while it reads the dataset's chunks), so that if that instance
 * dies another one scores it again; cancelled or deleted like any job; its dataset cannot be deleted under it. The
 * answer, the CSV {@code /predict} would answer for the dataset's rows, is stored gzip-compressed in the
 * {@code scorings} row in the transaction that marks the job SUCCEEDED. A problem with the data (a feature the
 * dataset lacks, a column of the wrong kind, an unseen level under {@code unknownCategory=error}) makes it FAILED
 * with the column and row named.
 */
@Component
class Scorings implements JobKind {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Scorings.class);

    static final String KIND = "scoring";

    /** A scoring as the API shows it. */
    record View(UUID id, UUID modelId, UUID datasetId, JobStatus status, Instant createdAt, Instant startedAt,
            Instant finishedAt, int attempts, Long rows, String error, String result) {
    }

    private final JdbcClient jdbc;
    private final Jobs jobs;
    private final JobWorkers workers;
    private final DatasetStore datasets;
    private final ModelCache models;
    private final int workerCount;

    Scorings(JdbcClient jdbc, Jobs jobs, JobWorkers workers, DatasetStore datasets, ModelCache models,
            JobProperties properties) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.workers = workers;
        this.datasets = datasets;
        this.models = models;
        this.workerCount = properties.workers() > 0 ? 1 : 0;
    }

    @Override
    public String id() {
        return KIND;
    }

    /** One scoring at a time, on instances that run jobs at all. */
    @Override
    public int workers() {
        return workerCount;
    }

    /** Records a scoring (in the caller's transaction, which holds the dataset's lock) and wakes a worker once it commits. */
    View submit(UUID modelId, UUID datasetId) {
        UUID id = UUID.randomUUID();
        jobs.enqueue(id, KIND, modelId, List.of(datasetId));
        jdbc.sql("INSERT INTO scorings (id, model_id, dataset_id) VALUES (:id, :model, :dataset)")
                .param("id", id).param("model", modelId).param("dataset", datasetId).update();
        workers.wakeUpAfterCommit(KIND);
        return find(modelId, id).orElseThrow();
    }

    Optional<View> find(UUID modelId, UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + FROM + " WHERE s.id = :id AND s.model_id = :model")
                .param("id", id).param("model", modelId).query(this::view).optional();
    }

    List<View> list(UUID modelId) {
        return jdbc.sql("SELECT " + COLUMNS + FROM + " WHERE s.model_id = :model ORDER BY s.seq DESC")
                .param("model", modelId).query(this::view).list();
    }

    /** The stored answer of a SUCCEEDED scoring, gzip-compressed CSV. */
    Optional<byte[]> result(UUID id) {
        return jdbc.sql("SELECT s.result" + FROM + " WHERE s.id = :id AND j.status = :status").param("id", id)
                .param("status", JobStatus.SUCCEEDED.name()).query((rs, row) -> rs.getBytes(1)).optional();
    }

    /** Cancels a scoring of this model: queued ones at once, running ones within a heartbeat. */
    Jobs.CancelOutcome cancel(UUID modelId, UUID id) {
        if (find(modelId, id).isEmpty()) {
            return Jobs.CancelOutcome.NOT_FOUND;
        }
        return workers.cancel(id);
    }

    /** Deletes a scoring of this model in any state; a running one stops. */
    boolean delete(UUID modelId, UUID id) {
        return find(modelId, id).isPresent() && !workers.delete(List.of(id)).isEmpty();
    }

    private static final String COLUMNS = "s.id, s.model_id, s.dataset_id, s.rows_scored, " + Jobs.columns("j");
    private static final String FROM = " FROM scorings s JOIN jobs j ON j.id = s.id";

    private View view(ResultSet rs, int row) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        UUID model = rs.getObject("model_id", UUID.class);
        Jobs.State job = jobs.state(rs);
        long rows = rs.getLong("rows_scored");
        Long rowsOrNull = rs.wasNull() ? null : rows;
        return new View(id, model, rs.getObject("dataset_id", UUID.class), job.status(), job.createdAt(),
                job.startedAt(), job.finishedAt(), job.attempts(), rowsOrNull, job.error(),
                job.status() == JobStatus.SUCCEEDED ? "/models/" + model + "/scorings/" + id + "/result" : null);
    }

    // ---- the job ----

    private record Claimed(UUID id, UUID modelId, UUID datasetId) {
    }

    @Override
    public Outcome run(JobRun run) {
        Claimed job = jdbc.sql("SELECT id, model_id, dataset_id FROM scorings WHERE id = :id").param("id", run.id())
                .query((rs, row) -> new Claimed(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class)))
                .optional().orElseThrow(JobStoppedException::new);
        LoadedModel model = models.get(job.modelId());
        if (model == null) {
            throw new JobFailedException("data_unavailable", "model " + job.modelId() + " has no fitted model");
        }
        Scored scored;
        try {
            scored = csv(job, model, run);
        } catch (DomainException e) {
            throw new JobFailedException("data_unavailable", e.getMessage());
        }
        return () -> {
            jdbc.sql("UPDATE scorings SET rows_scored = :rows, result = :result WHERE id = :id")
                    .param("rows", scored.rows()).param("result", scored.gzip()).param("id", job.id()).update();
            log.info("Scored dataset {} with model {}: {} rows", job.datasetId(), job.modelId(), scored.rows());
        };
    }

    private record Scored(long rows, byte[] gzip) {
    }

    /** The dataset's rows through the model, as gzip-compressed CSV. */
    private Scored csv(Claimed job, LoadedModel model, JobRun run) {
        DatasetInfo dataset = datasets.find(job.datasetId()).orElseThrow(() -> DomainException.notFound("dataset",
                job.datasetId()));
        Encoding encoding = model.encoding();
        FeatureColumns columns = FeatureColumns.of(model, dataset, "datasetId");
        List<Feature> features = columns.features();
        int[] positions = columns.positions();
        boolean strict = encoding.strict();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long[] rows = {0};
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes);
                CSVPrinter printer = new CSVPrinter(new OutputStreamWriter(gzip, StandardCharsets.UTF_8),
                        CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get())) {
            printer.printRecord(CsvScoring.outputHeader(model));
            datasets.readRows(dataset.id(), positions, (firstRow, count, values) -> {
                double[][] batch = new double[count][features.size()];
                for (int r = 0, at = 0; r < count; r++) {
                    for (int j = 0; j < features.size(); j++, at++) {
                        double v = columns.value(j, values[at]);
                        if (strict && features.get(j).unknown(v)) {
                            throw DomainException.unprocessable("row " + (firstRow + r + 2) + ", column '"
                                    + features.get(j).name() + "': a level the training rows did not have"
                                    + " (unknownCategory=error)");
                        }
                        batch[r][j] = v;
                    }
                }
                try {
                    for (Prediction p : model.predict(batch)) {
                        printer.printRecord(p.cells());
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                rows[0] += count;
                run.progress(rows[0], java.util.Map.of());
                if (!run.keepGoing()) {
                    throw new JobStoppedException();
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Scored(rows[0], bytes.toByteArray());
    }

}
