package io.netforge.training;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.netforge.model.ModelRepository;
import io.netforge.model.ModelStatus;
import io.netforge.model.StoredModel;
import io.netforge.network.NetworkSpec;
import io.netforge.tabular.DataSpec;
import tools.jackson.databind.json.JsonMapper;

import static io.netforge.model.ModelStatus.CANCELLED;
import static io.netforge.model.ModelStatus.FAILED;
import static io.netforge.model.ModelStatus.QUEUED;
import static io.netforge.model.ModelStatus.RUNNING;
import static io.netforge.model.ModelStatus.SUCCEEDED;

/**
 * The training queue, kept in the {@code models} table so that it survives restarts and is shared by
 * every instance on the database. Each method is one short transaction; no transaction ever spans a
 * training run.
 *
 * <p>A worker claims the oldest QUEUED job (or a RUNNING one whose lease expired because its instance
 * died) with {@code SELECT ... FOR UPDATE SKIP LOCKED} followed by a conditional {@code UPDATE}: the
 * pattern works unchanged on PostgreSQL and H2, never hands one job to two workers, and needs no
 * scheduler library or lock table. A heartbeat renews the lease while the job runs; every state change
 * a worker makes is conditional on still owning the job, so a worker that lost its job (cancelled,
 * deleted, or taken over after its lease ran out) can never overwrite the outcome.
 *
 * <p>This class is the only writer of a job's {@code status}; {@link Transition} lists every change it makes.
 */
@Component
class JobQueue {

    /** A job a worker now owns. */
    record ClaimedJob(UUID id, String name, UUID datasetId, UUID testDatasetId, Double testFraction,
            NetworkSpec spec, DataSpec data, int attempt, Instant createdAt) {
    }

    /** Why a running job has to stop, as the heartbeat finds out. */
    enum StopReason {
        /** A client cancelled it. */
        CANCELLED,
        /** A client deleted the model. */
        DELETED,
        /** Another worker owns it now (our lease ran out). */
        LOST,
        /** This instance is shutting down; the job goes back to the queue. */
        SHUTDOWN
    }

    /**
     * Every change of a job's status, with the states it may start from: the job state machine in one table.
     * Each is written by one method below, as a conditional UPDATE from exactly these states, so a transition
     * not in this table cannot happen and a stale writer changes nothing.
     */
    enum Transition {
        /** A client asked for a model ({@link #enqueue}). */
        ENQUEUE(Set.of(), QUEUED),
        /** A worker takes a queued job, or a running one whose lease expired (its instance died). */
        CLAIM(Set.of(QUEUED, RUNNING), RUNNING),
        /** The worker stored the fitted model. */
        SUCCEED(Set.of(RUNNING), SUCCEEDED),
        /** Training failed (non-finite loss, unusable data, an internal error). */
        FAIL(Set.of(RUNNING), FAILED),
        /** The instances running a job died too many times ({@code netforge.training.max-attempts}). */
        ABANDON(Set.of(RUNNING), FAILED),
        /** A client cancelled a job before any worker took it. */
        CANCEL_QUEUED(Set.of(QUEUED), CANCELLED),
        /** A worker stopped a job a client cancelled, or found it cancelled when its worker had died. */
        CANCEL_RUNNING(Set.of(RUNNING), CANCELLED),
        /** This instance shuts down and hands its job back. */
        RELEASE(Set.of(RUNNING), QUEUED),
        /** A client imported a fitted model exported by netforge ({@link #imported}): no job, already done. */
        IMPORT(Set.of(), SUCCEEDED);

        final Set<ModelStatus> from;
        final ModelStatus to;

        Transition(Set<ModelStatus> from, ModelStatus to) {
            this.from = from;
            this.to = to;
        }

        /** The statuses as the database stores them, for {@code status IN (:from)}. */
        List<String> fromNames() {
            return from.stream().map(ModelStatus::name).sorted().toList();
        }
    }

    /** The statuses a job may move to from {@code status}, by {@link Transition}. */
    static Set<ModelStatus> successors(ModelStatus status) {
        Set<ModelStatus> next = EnumSet.noneOf(ModelStatus.class);
        for (Transition t : Transition.values()) {
            if (t.from.contains(status)) {
                next.add(t.to);
            }
        }
        return next;
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final ModelRepository models;
    private final TrainingProperties properties;
    private final Clock clock;

    JobQueue(JdbcClient jdbc, TransactionTemplate tx, JsonMapper json, ModelRepository models,
            TrainingProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
        this.models = models;
        this.properties = properties;
        this.clock = clock;
    }

    /** The experiment a run belongs to, and which of its configurations it trains. */
    record Parent(UUID experimentId, int configuration) {
    }

    /** A retraining of model {@code of} from its provenance; {@code sha256} is its weights'. */
    record Reproduction(UUID of, String sha256) {
    }

    /** Records a new model whose job waits in the queue (the caller's transaction); {@code parent} may be null. */
    void enqueue(UUID id, String name, UUID datasetId, UUID testDatasetId, Double testFraction, NetworkSpec spec,
            DataSpec data, Parent parent) {
        enqueue(id, name, datasetId, testDatasetId, testFraction, spec, data, parent, null);
    }

    /** {@link #enqueue} for a model that reproduces another, or (with a null {@code reproduction}) any model. */
    void enqueue(UUID id, String name, UUID datasetId, UUID testDatasetId, Double testFraction, NetworkSpec spec,
            DataSpec data, Parent parent, Reproduction reproduction) {
        jdbc.sql("""
                INSERT INTO models (id, name, status, dataset_id, test_dataset_id, test_fraction, spec, data_spec,
                                    created_at, experiment_id, configuration, reproduces, reproduces_sha256)
                VALUES (:id, :name, :to, :dataset, :testDataset, :testFraction, :spec, :data, :createdAt,
                        :experiment, :configuration, :reproduces, :reproducesSha256)
                """)
                .param("id", id).param("name", name).param("to", Transition.ENQUEUE.to.name())
                .param("reproduces", reproduction == null ? null : reproduction.of())
                .param("reproducesSha256", reproduction == null ? null : reproduction.sha256())
                .param("experiment", parent == null ? null : parent.experimentId())
                .param("configuration", parent == null ? null : parent.configuration())
                .param("dataset", datasetId).param("testDataset", testDatasetId).param("testFraction", testFraction)
                .param("spec", json.writeValueAsString(spec)).param("data", json.writeValueAsString(data))
                .param("createdAt", now())
                .update();
    }

    /**
     * Records an imported model, already SUCCEEDED, as the next version of its name, with its fitted model, in one
     * transaction.
     */
    void imported(String name, UUID datasetId, NetworkSpec spec, StoredModel model) {
        UUID id = model.document().id();
        for (int attempt = 1; ; attempt++) {
            try {
                tx.executeWithoutResult(status -> {
                    jdbc.sql("""
                            INSERT INTO models (id, name, status, dataset_id, spec, created_at, started_at, finished_at,
                                                iteration, loss, training_seconds, version)
                            VALUES (:id, :name, :to, :dataset, :spec, :now, :now, :now, :iteration, :loss, :seconds,
                                    (SELECT COALESCE(MAX(v.version), 0) + 1 FROM models v WHERE v.name = :name))
                            """)
                            .param("id", id).param("name", name).param("to", Transition.IMPORT.to.name())
                            .param("dataset", datasetId).param("spec", json.writeValueAsString(spec))
                            .param("now", now()).param("iteration", model.document().training().epochs())
                            .param("loss", model.document().lossCurve().isEmpty() ? null
                                    : model.document().lossCurve().get(model.document().lossCurve().size() - 1).loss())
                            .param("seconds", model.document().provenance().trainingSeconds())
                            .update();
                    models.insertArtifact(model);
                });
                return;
            } catch (org.springframework.dao.DuplicateKeyException e) {
                // another model of the same name took that version number at the same moment: number again
                if (attempt >= 5) {
                    throw e;
                }
            }
        }
    }

    /** Claims the next job for {@code owner}, oldest first; empty when there is nothing to do. */
    Optional<ClaimedJob> claimNext(String owner) {
        while (true) {
            Claim claim = tx.execute(status -> claimOne(owner));
            if (claim == null || (claim.job == null && !claim.retired)) {
                return Optional.empty();
            }
            if (claim.job != null) {
                return Optional.of(claim.job);
            }
            // The candidate was retired (failed or cancelled) instead of claimed: look again.
        }
    }

    /** A claimed job; or none, either because the queue is empty or because the candidate was retired. */
    private record Claim(ClaimedJob job, boolean retired) {
        static final Claim NONE = new Claim(null, false);
        static final Claim RETIRED = new Claim(null, true);
    }

    private Claim claimOne(String owner) {
        long now = clock.millis();
        List<Candidate> candidates = jdbc.sql("""
                SELECT id, status, attempts, cancel_requested FROM models
                WHERE status = :queued OR (status = :running AND lease_until < :now)
                ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED
                """)
                .param("queued", QUEUED.name()).param("running", RUNNING.name()).param("now", now)
                .query((rs, row) -> new Candidate(rs.getObject("id", UUID.class),
                        ModelStatus.valueOf(rs.getString("status")), rs.getInt("attempts"),
                        rs.getBoolean("cancel_requested")))
                .list();
        if (candidates.isEmpty()) {
            return Claim.NONE;
        }
        Candidate candidate = candidates.get(0);
        if (candidate.cancelRequested) {
            // Cancelled while its worker was dying: finish the cancellation instead of training.
            finish(Transition.CANCEL_RUNNING, candidate.id, null, null, null, null);
            return Claim.RETIRED;
        }
        if (candidate.status == RUNNING && candidate.attempts >= properties.maxAttempts()) {
            finish(Transition.ABANDON, candidate.id, null, "abandoned: the instance training this job stopped"
                    + " without finishing it " + candidate.attempts + " times (netforge.training.max-attempts)",
                    null, null);
            return Claim.RETIRED;
        }
        int updated = jdbc.sql("""
                UPDATE models SET status = :to, owner = :owner, lease_until = :lease, attempts = attempts + 1,
                    started_at = :now, iteration = 0, loss = NULL, validation_loss = NULL
                WHERE id = :id AND (status = :queued OR (status = :running AND lease_until < :nowMillis))
                """)
                .param("to", Transition.CLAIM.to.name()).param("queued", QUEUED.name())
                .param("running", RUNNING.name())
                .param("owner", owner).param("lease", now + properties.lease().toMillis())
                .param("now", Timestamp.from(Instant.ofEpochMilli(now)))
                .param("id", candidate.id).param("nowMillis", now)
                .update();
        if (updated != 1) {
            return Claim.RETIRED;
        }
        return jdbc.sql("SELECT id, name, dataset_id, test_dataset_id, test_fraction, spec, data_spec, attempts,"
                        + " created_at FROM models WHERE id = :id")
                .param("id", candidate.id)
                .query((rs, row) -> {
                    double fraction = rs.getDouble("test_fraction");
                    Double fractionOrNull = rs.wasNull() ? null : fraction;
                    return new Claim(new ClaimedJob(rs.getObject("id", UUID.class), rs.getString("name"),
                            rs.getObject("dataset_id", UUID.class), rs.getObject("test_dataset_id", UUID.class),
                            fractionOrNull, json.readValue(rs.getString("spec"), NetworkSpec.class),
                            rs.getString("data_spec") == null ? null
                                    : json.readValue(rs.getString("data_spec"), DataSpec.class),
                            rs.getInt("attempts"), rs.getTimestamp("created_at").toInstant()), false);
                })
                .single();
    }

    private record Candidate(UUID id, ModelStatus status, int attempts, boolean cancelRequested) {
    }

    /**
     * Renews the lease of a running job and publishes its progress.
     *
     * @return empty while the job is still ours to run, else why it must stop
     */
    Optional<StopReason> heartbeat(UUID id, String owner, int iteration, Double loss, Double validationLoss) {
        int updated = jdbc.sql("""
                UPDATE models SET lease_until = :lease, iteration = :iteration, loss = :loss,
                    validation_loss = :validationLoss
                WHERE id = :id AND owner = :owner AND status = :running AND cancel_requested = FALSE
                """)
                .param("lease", clock.millis() + properties.lease().toMillis()).param("iteration", iteration)
                .param("loss", loss).param("validationLoss", validationLoss).param("id", id).param("owner", owner)
                .param("running", RUNNING.name())
                .update();
        if (updated == 1) {
            return Optional.empty();
        }
        return Optional.of(whyNotOurs(id, owner));
    }

    /** Why {@code owner} may no longer write the outcome of a job it ran: cancelled, deleted or taken over. */
    private StopReason whyNotOurs(UUID id, String owner) {
        return jdbc.sql("SELECT owner, status, cancel_requested FROM models WHERE id = :id")
                .param("id", id)
                .query((rs, row) -> owner.equals(rs.getString("owner")) && RUNNING.name().equals(rs.getString("status"))
                        && rs.getBoolean("cancel_requested") ? StopReason.CANCELLED : StopReason.LOST)
                .optional()
                .orElse(StopReason.DELETED);
    }

    /**
     * Stores the fitted model and marks the job SUCCEEDED, atomically.
     *
     * @return empty when stored; else why not (nothing is written): the job was cancelled, deleted or taken over
     */
    Optional<StopReason> succeed(UUID id, String owner, StoredModel model, int iterations, double loss,
            Double validationLoss, double seconds) {
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.execute(status -> {
                    int updated = jdbc.sql("""
                            UPDATE models SET status = :to, finished_at = :now, iteration = :iteration, loss = :loss,
                                validation_loss = :validationLoss, training_seconds = :seconds, owner = NULL,
                                lease_until = NULL, error = NULL
                            WHERE id = :id AND owner = :owner AND status IN (:from) AND cancel_requested = FALSE
                            """)
                            .param("to", Transition.SUCCEED.to.name()).param("from", Transition.SUCCEED.fromNames())
                            .param("now", now()).param("iteration", iterations).param("loss", loss)
                            .param("validationLoss", validationLoss)
                            .param("seconds", seconds).param("id", id).param("owner", owner)
                            .update();
                    if (updated != 1) {
                        return Optional.of(whyNotOurs(id, owner));
                    }
                    // the next version of its name (experiment runs have none)
                    jdbc.sql("""
                            UPDATE models SET version = (SELECT COALESCE(MAX(v.version), 0) + 1 FROM models v
                                                         WHERE v.name = (SELECT n.name FROM models n WHERE n.id = :id))
                            WHERE id = :id AND experiment_id IS NULL AND reproduces IS NULL
                            """).param("id", id).update();
                    models.insertArtifact(model);
                    return Optional.empty();
                });
            } catch (org.springframework.dao.DuplicateKeyException e) {
                // another model of the same name took that version number at the same moment: number again
                if (attempt >= 5) {
                    throw e;
                }
            }
        }
    }

    /** Marks a job FAILED with a message for the client. */
    boolean fail(UUID id, String owner, String error, int iteration, Double loss) {
        return finish(Transition.FAIL, id, owner, error, iteration, loss);
    }

    /** Marks a job CANCELLED after its worker stopped it. */
    boolean cancelled(UUID id, String owner, int iteration, Double loss) {
        return finish(Transition.CANCEL_RUNNING, id, owner, null, iteration, loss);
    }

    /**
     * Ends a job by {@code transition}: its status, finish time and (when given) error and last progress. With an
     * owner, only if that owner still holds it.
     */
    private boolean finish(Transition transition, UUID id, String owner, String error, Integer iteration,
            Double loss) {
        StringBuilder sql = new StringBuilder(
                "UPDATE models SET status = :to, finished_at = :now, owner = NULL, lease_until = NULL");
        if (error != null) {
            sql.append(", error = :error");
        }
        if (iteration != null) {
            sql.append(", iteration = :iteration, loss = :loss");
        }
        sql.append(" WHERE id = :id AND status IN (:from)");
        if (owner != null) {
            sql.append(" AND owner = :owner");
        }
        var statement = jdbc.sql(sql.toString()).param("to", transition.to.name())
                .param("from", transition.fromNames()).param("now", now()).param("id", id);
        if (error != null) {
            statement = statement.param("error", error);
        }
        if (iteration != null) {
            statement = statement.param("iteration", iteration).param("loss", loss);
        }
        if (owner != null) {
            statement = statement.param("owner", owner);
        }
        return statement.update() == 1;
    }

    /**
     * Gives a job back to the queue at once (this instance is shutting down), so that the next instance
     * to look takes it without waiting for the lease. The attempt does not count: nothing went wrong.
     */
    void release(UUID id, String owner) {
        tx.executeWithoutResult(status -> {
            int requeued = jdbc.sql("""
                    UPDATE models SET status = :to, owner = NULL, lease_until = NULL, attempts = attempts - 1,
                        started_at = NULL, iteration = 0, loss = NULL, validation_loss = NULL
                    WHERE id = :id AND owner = :owner AND status IN (:from) AND cancel_requested = FALSE
                    """)
                    .param("to", Transition.RELEASE.to.name()).param("from", Transition.RELEASE.fromNames())
                    .param("id", id).param("owner", owner).update();
            if (requeued == 0) {
                // cancelled meanwhile: the client asked for it to stop, so it stops for good
                cancelled(id, owner, 0, null);
            }
        });
    }

    /** The outcome of a client's cancel request. */
    enum CancelOutcome {
        /** It was queued and is now CANCELLED. */
        CANCELLED,
        /** It is running; its worker will stop it and mark it CANCELLED. */
        REQUESTED,
        /** It already finished. */
        ALREADY_FINISHED,
        /** No such model. */
        NOT_FOUND
    }

    CancelOutcome cancel(UUID id) {
        return tx.execute(status -> {
            if (jdbc.sql("UPDATE models SET status = :to, finished_at = :now WHERE id = :id AND status IN (:from)")
                    .param("to", Transition.CANCEL_QUEUED.to.name()).param("from", Transition.CANCEL_QUEUED.fromNames())
                    .param("now", now()).param("id", id).update() == 1) {
                return CancelOutcome.CANCELLED;
            }
            if (jdbc.sql("UPDATE models SET cancel_requested = TRUE WHERE id = :id AND status = :running")
                    .param("running", RUNNING.name()).param("id", id).update() == 1) {
                return CancelOutcome.REQUESTED;
            }
            return models.exists(id) ? CancelOutcome.ALREADY_FINISHED : CancelOutcome.NOT_FOUND;
        });
    }

    /**
     * Cancels every unfinished run of an experiment in one transaction: queued ones become CANCELLED, running ones
     * are asked to stop (their workers mark them CANCELLED).
     *
     * @return the runs that were running, for this instance to stop at once if it trains them
     */
    List<UUID> cancelRuns(UUID experimentId) {
        return tx.execute(status -> {
            jdbc.sql("UPDATE models SET status = :to, finished_at = :now WHERE experiment_id = :experiment"
                            + " AND status IN (:from)")
                    .param("to", Transition.CANCEL_QUEUED.to.name()).param("from", Transition.CANCEL_QUEUED.fromNames())
                    .param("now", now()).param("experiment", experimentId).update();
            List<UUID> running = jdbc.sql("SELECT id FROM models WHERE experiment_id = :experiment AND status = :running")
                    .param("experiment", experimentId).param("running", RUNNING.name()).query(UUID.class).list();
            jdbc.sql("UPDATE models SET cancel_requested = TRUE WHERE experiment_id = :experiment AND status = :running")
                    .param("experiment", experimentId).param("running", RUNNING.name()).update();
            return running;
        });
    }

    /** How many jobs are in each status (experiment runs included), for the metrics. */
    java.util.Map<ModelStatus, Long> countByStatus() {
        java.util.Map<ModelStatus, Long> counts = new java.util.EnumMap<>(ModelStatus.class);
        for (ModelStatus status : ModelStatus.values()) {
            counts.put(status, 0L);
        }
        jdbc.sql("SELECT status, COUNT(*) AS n FROM models GROUP BY status")
                .query((rs, row) -> counts.put(ModelStatus.valueOf(rs.getString("status")), rs.getLong("n")))
                .list();
        return counts;
    }

    /** Ids of queued or running models that will read this dataset. */
    List<UUID> activeModelsUsing(UUID datasetId) {
        return jdbc.sql("SELECT id FROM models WHERE status IN (:active)"
                        + " AND (dataset_id = :dataset OR test_dataset_id = :dataset) ORDER BY seq")
                .param("active", List.of(QUEUED.name(), RUNNING.name()))
                .param("dataset", datasetId).query(UUID.class).list();
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }
}
