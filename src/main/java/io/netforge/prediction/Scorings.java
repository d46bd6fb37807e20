package io.netforge.prediction;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import io.netforge.dataset.DatasetColumn;
import io.netforge.dataset.DatasetInfo;
import io.netforge.dataset.DatasetStore;
import io.netforge.problem.DomainException;
import io.netforge.tabular.Encoding;
import io.netforge.tabular.PreprocessingSpec;

/**
 * Batch scoring of a stored dataset by a model, as a job in the database ({@code scorings}): submitted QUEUED,
 * claimed by an instance under a lease (renewed as it reads the dataset's chunks), so that if that instance dies
 * another one scores it again; the answer, the CSV {@code /predict} would answer for the dataset's rows, is stored
 * gzip-compressed in the same row that marks it SUCCEEDED. A problem with the data (a feature the dataset lacks, a
 * text column for a numeric feature, an unseen level under {@code unknownCategory=error}) makes it FAILED with
 * the column and row named.
 */
@Component
class Scorings implements SmartLifecycle {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Scorings.class);

    enum Status {
        QUEUED, RUNNING, SUCCEEDED, FAILED;

        boolean isTerminal() {
            return this == SUCCEEDED || this == FAILED;
        }
    }

    /** A scoring as the API shows it. */
    record View(UUID id, UUID modelId, UUID datasetId, Status status, Instant createdAt, Instant startedAt,
            Instant finishedAt, int attempts, Long rows, String error, String result) {
    }

    private static final long LEASE_MILLIS = 60_000;
    private static final int MAX_ATTEMPTS = 3;

    private final JdbcClient jdbc;
    private final DatasetStore datasets;
    private final ModelCache models;
    private final Clock clock;
    private final boolean enabled;
    private final String owner = java.lang.management.ManagementFactory.getRuntimeMXBean().getName() + "/scoring/"
            + UUID.randomUUID().toString().substring(0, 8);
    private volatile ScheduledExecutorService executor;

    Scorings(JdbcClient jdbc, DatasetStore datasets, ModelCache models, Clock clock,
            @Value("${netforge.training.workers:1}") int workers) {
        this.jdbc = jdbc;
        this.datasets = datasets;
        this.models = models;
        this.clock = clock;
        this.enabled = workers > 0;
    }

    /** Records a scoring (in the caller's transaction) and wakes the worker once it commits. */
    View submit(UUID modelId, UUID datasetId) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                INSERT INTO scorings (id, model_id, dataset_id, status, created_at)
                VALUES (:id, :model, :dataset, :status, :now)
                """).param("id", id).param("model", modelId).param("dataset", datasetId)
                .param("status", Status.QUEUED.name()).param("now", now()).update();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    wakeUp();
                }
            });
        } else {
            wakeUp();
        }
        return find(modelId, id).orElseThrow();
    }

    Optional<View> find(UUID modelId, UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM scorings WHERE id = :id AND model_id = :model")
                .param("id", id).param("model", modelId).query(this::view).optional();
    }

    List<View> list(UUID modelId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM scorings WHERE model_id = :model ORDER BY seq DESC")
                .param("model", modelId).query(this::view).list();
    }

    /** The stored answer of a SUCCEEDED scoring, gzip-compressed CSV. */
    Optional<byte[]> result(UUID id) {
        return jdbc.sql("SELECT result FROM scorings WHERE id = :id AND status = :status").param("id", id)
                .param("status", Status.SUCCEEDED.name()).query((rs, row) -> rs.getBytes(1)).optional();
    }

    boolean delete(UUID modelId, UUID id) {
        return jdbc.sql("DELETE FROM scorings WHERE id = :id AND model_id = :model").param("id", id)
                .param("model", modelId).update() == 1;
    }

    private static final String COLUMNS = """
            id, model_id, dataset_id, status, created_at, started_at, finished_at, attempts, rows_scored, error
            """;

    private View view(ResultSet rs, int row) throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        UUID model = rs.getObject("model_id", UUID.class);
        Status status = Status.valueOf(rs.getString("status"));
        long rows = rs.getLong("rows_scored");
        Long rowsOrNull = rs.wasNull() ? null : rows;
        return new View(id, model, rs.getObject("dataset_id", UUID.class), status, instant(rs, "created_at"),
                instant(rs, "started_at"), instant(rs, "finished_at"), rs.getInt("attempts"), rowsOrNull,
                rs.getString("error"), status == Status.SUCCEEDED ? "/models/" + model + "/scorings/" + id + "/result"
                        : null);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    // ---- the worker ----

    void wakeUp() {
        ScheduledExecutorService running = executor;
        if (running != null) {
            running.execute(this::drain);
        }
    }

    /** Scores every claimable scoring, one at a time. */
    private void drain() {
        try {
            Optional<Claimed> claimed;
            while ((claimed = claim()).isPresent()) {
                score(claimed.get());
            }
        } catch (RuntimeException e) {
            log.warn("Scoring worker: {}", e.toString());
        }
    }

    private record Claimed(UUID id, UUID modelId, UUID datasetId, int attempts) {
    }

    /** The oldest queued scoring, or one whose instance's lease ran out; taken by a conditional update. */
    private Optional<Claimed> claim() {
        while (true) {
            long nowMillis = clock.millis();
            Optional<Claimed> candidate = jdbc.sql("""
                    SELECT id, model_id, dataset_id, attempts FROM scorings
                    WHERE status = :queued OR (status = :running AND lease_until < :now)
                    ORDER BY seq LIMIT 1
                    """).param("queued", Status.QUEUED.name()).param("running", Status.RUNNING.name())
                    .param("now", nowMillis)
                    .query((rs, row) -> new Claimed(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                            rs.getObject(3, UUID.class), rs.getInt(4)))
                    .optional();
            if (candidate.isEmpty()) {
                return candidate;
            }
            Claimed c = candidate.get();
            if (c.attempts() >= MAX_ATTEMPTS) {
                finish(c.id(), null, Status.FAILED, null, null, "the instances scoring it died " + c.attempts()
                        + " times");
                continue;
            }
            int taken = jdbc.sql("""
                    UPDATE scorings SET status = :running, owner = :owner, lease_until = :until, started_at = :started,
                        attempts = attempts + 1
                    WHERE id = :id AND (status = :queued OR (status = :running AND lease_until < :now))
                    """).param("running", Status.RUNNING.name()).param("queued", Status.QUEUED.name())
                    .param("owner", owner).param("until", nowMillis + LEASE_MILLIS).param("started", now())
                    .param("id", c.id()).param("now", nowMillis).update();
            if (taken == 1) {
                return candidate;
            }
        }
    }

    private void renew(UUID id) {
        jdbc.sql("UPDATE scorings SET lease_until = :until WHERE id = :id AND owner = :owner")
                .param("until", clock.millis() + LEASE_MILLIS).param("id", id).param("owner", owner).update();
    }

    private void finish(UUID id, String by, Status status, Long rows, byte[] result, String error) {
        jdbc.sql("UPDATE scorings SET status = :status, finished_at = :now, rows_scored = :rows, result = :result,"
                        + " error = :error, owner = NULL, lease_until = NULL WHERE id = :id"
                        + (by == null ? "" : " AND owner = :owner"))
                .param("status", status.name()).param("now", now()).param("rows", rows).param("result", result)
                .param("error", error).param("id", id).param("owner", by).update();
    }

    private void score(Claimed job) {
        try {
            LoadedModel model = models.get(job.modelId());
            if (model == null) {
                finish(job.id(), owner, Status.FAILED, null, null, "model " + job.modelId() + " has no fitted model");
                return;
            }
            Scored scored = csv(job, model);
            finish(job.id(), owner, Status.SUCCEEDED, scored.rows(), scored.gzip(), null);
            log.info("Scored dataset {} with model {}: {} rows", job.datasetId(), job.modelId(), scored.rows());
        } catch (DomainException e) {
            finish(job.id(), owner, Status.FAILED, null, null, e.getMessage());
        } catch (RuntimeException | OutOfMemoryError e) {
            log.error("Scoring {} failed", job.id(), e);
            finish(job.id(), owner, Status.FAILED, null, null, "internal error: " + e);
        }
    }

    private record Scored(long rows, byte[] gzip) {
    }

    /** The dataset's rows through the model, as gzip-compressed CSV. */
    private Scored csv(Claimed job, LoadedModel model) {
        DatasetInfo dataset = datasets.find(job.datasetId()).orElseThrow(() -> DomainException.notFound("dataset",
                job.datasetId()));
        Encoding encoding = model.encoding();
        List<Encoding.Feature> features = encoding.features();
        int[] positions = new int[features.size()];
        int[][] levelOfCode = new int[features.size()][];
        boolean[] numbersAsLevels = new boolean[features.size()];
        for (int j = 0; j < features.size(); j++) {
            Encoding.Feature f = features.get(j);
            DatasetColumn column = dataset.columns().stream().filter(c -> c.name().equals(f.name())).findFirst()
                    .orElseThrow(() -> DomainException.unprocessable("dataset " + dataset.id() + " has no column '"
                            + f.name() + "', a feature of the model").with("field", "datasetId"));
            positions[j] = column.position();
            if (!f.isCategorical() && column.categorical()) {
                throw DomainException.unprocessable("column '" + f.name() + "' of dataset " + dataset.id()
                        + " is categorical (row " + column.firstTextRow() + " has text); the model takes numbers")
                        .with("field", "datasetId");
            }
            if (f.isCategorical()) {
                if (column.categorical()) {
                    levelOfCode[j] = new int[column.levels().size()];
                    for (int code = 0; code < column.levels().size(); code++) {
                        DatasetColumn.Level level = column.levels().get(code);
                        levelOfCode[j][code] = f.levelOf(level.value());
                    }
                } else {
                    numbersAsLevels[j] = true;
                }
            }
        }
        boolean strict = PreprocessingSpec.ERROR.equals(encoding.unknownCategory());
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
                        double v = values[at];
                        if (features.get(j).isCategorical() && !Double.isNaN(v)) {
                            v = numbersAsLevels[j] ? levelOfNumber(features.get(j), v) : levelOfCode[j][(int) v];
                            if (v < 0 && strict) {
                                throw DomainException.unprocessable("row " + (firstRow + r + 2) + ", column '"
                                        + features.get(j).name() + "': a level the training rows did not have"
                                        + " (unknownCategory=error)");
                            }
                        }
                        batch[r][j] = v;
                    }
                }
                try {
                    for (PredictResponse.Prediction p : model.predict(batch)) {
                        printer.printRecord(CsvScoring.csvRow(model, p));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                rows[0] += count;
                renew(job.id());
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Scored(rows[0], bytes.toByteArray());
    }

    private static double levelOfNumber(Encoding.Feature feature, double number) {
        for (int i = 0; i < feature.levels().size(); i++) {
            Double n = feature.levels().get(i).number();
            if (n != null && n == number) {
                return i;
            }
        }
        return -1;
    }

    // ---- lifecycle ----

    @Override
    public void start() {
        if (!enabled) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "netforge-scoring");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::drain, 1, 2, TimeUnit.SECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = executor;
        executor = null;
        if (running != null) {
            running.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
