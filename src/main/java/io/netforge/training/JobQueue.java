package io.netforge.training;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.netforge.model.ModelRepository;
import io.netforge.model.StoredModel;
import io.netforge.network.NetworkSpec;
import io.netforge.tabular.DataSpec;
import tools.jackson.databind.json.JsonMapper;

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
 */
@Component
class JobQueue {

    /** A job a worker now owns. */
    record ClaimedJob(UUID id, String name, UUID datasetId, UUID testDatasetId, Double testFraction,
            NetworkSpec spec, DataSpec data, int attempt) {
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
                WHERE status = 'QUEUED' OR (status = 'RUNNING' AND lease_until < :now)
                ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED
                """)
                .param("now", now)
                .query((rs, row) -> new Candidate(rs.getObject("id", UUID.class), rs.getString("status"),
                        rs.getInt("attempts"), rs.getBoolean("cancel_requested")))
                .list();
        if (candidates.isEmpty()) {
            return Claim.NONE;
        }
        Candidate candidate = candidates.get(0);
        Timestamp nowTs = Timestamp.from(Instant.ofEpochMilli(now));
        if (candidate.cancelRequested) {
            // Cancelled while its worker was dying: finish the cancellation instead of training.
            jdbc.sql("UPDATE models SET status = 'CANCELLED', finished_at = :now, owner = NULL, lease_until = NULL"
                    + " WHERE id = :id").param("now", nowTs).param("id", candidate.id).update();
            return Claim.RETIRED;
        }
        if ("RUNNING".equals(candidate.status) && candidate.attempts >= properties.maxAttempts()) {
            jdbc.sql("UPDATE models SET status = 'FAILED', finished_at = :now, owner = NULL, lease_until = NULL,"
                    + " error = :error WHERE id = :id")
                    .param("now", nowTs).param("id", candidate.id)
                    .param("error", "abandoned: the instance training this job stopped without finishing it "
                            + candidate.attempts + " times (netforge.training.max-attempts)")
                    .update();
            return Claim.RETIRED;
        }
        int updated = jdbc.sql("""
                UPDATE models SET status = 'RUNNING', owner = :owner, lease_until = :lease, attempts = attempts + 1,
                    started_at = :now, iteration = 0, loss = NULL, validation_loss = NULL
                WHERE id = :id AND (status = 'QUEUED' OR (status = 'RUNNING' AND lease_until < :nowMillis))
                """)
                .param("owner", owner).param("lease", now + properties.lease().toMillis()).param("now", nowTs)
                .param("id", candidate.id).param("nowMillis", now)
                .update();
        if (updated != 1) {
            return Claim.RETIRED;
        }
        return jdbc.sql("SELECT id, name, dataset_id, test_dataset_id, test_fraction, spec, data_spec, attempts FROM models"
                        + " WHERE id = :id")
                .param("id", candidate.id)
                .query((rs, row) -> {
                    double fraction = rs.getDouble("test_fraction");
                    Double fractionOrNull = rs.wasNull() ? null : fraction;
                    return new Claim(new ClaimedJob(rs.getObject("id", UUID.class), rs.getString("name"),
                            rs.getObject("dataset_id", UUID.class), rs.getObject("test_dataset_id", UUID.class),
                            fractionOrNull, json.readValue(rs.getString("spec"), NetworkSpec.class),
                            rs.getString("data_spec") == null ? null
                                    : json.readValue(rs.getString("data_spec"), DataSpec.class),
                            rs.getInt("attempts")), false);
                })
                .single();
    }

    private record Candidate(UUID id, String status, int attempts, boolean cancelRequested) {
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
                WHERE id = :id AND owner = :owner AND status = 'RUNNING' AND cancel_requested = FALSE
                """)
                .param("lease", clock.millis() + properties.lease().toMillis()).param("iteration", iteration)
                .param("loss", loss).param("validationLoss", validationLoss).param("id", id).param("owner", owner)
                .update();
        if (updated == 1) {
            return Optional.empty();
        }
        return Optional.of(jdbc.sql("SELECT owner, status, cancel_requested FROM models WHERE id = :id")
                .param("id", id)
                .query((rs, row) -> owner.equals(rs.getString("owner")) && "RUNNING".equals(rs.getString("status"))
                        && rs.getBoolean("cancel_requested") ? StopReason.CANCELLED : StopReason.LOST)
                .optional()
                .orElse(StopReason.DELETED));
    }

    /**
     * Stores the fitted model and marks the job SUCCEEDED, atomically.
     *
     * @return false, with nothing written, when the job is no longer ours or was cancelled meanwhile
     */
    boolean succeed(UUID id, String owner, StoredModel model, int iterations, double loss, Double validationLoss,
            double seconds) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            int updated = jdbc.sql("""
                    UPDATE models SET status = 'SUCCEEDED', finished_at = :now, iteration = :iteration, loss = :loss,
                        validation_loss = :validationLoss, training_seconds = :seconds, owner = NULL,
                        lease_until = NULL, error = NULL
                    WHERE id = :id AND owner = :owner AND status = 'RUNNING' AND cancel_requested = FALSE
                    """)
                    .param("now", now()).param("iteration", iterations).param("loss", loss)
                    .param("validationLoss", validationLoss)
                    .param("seconds", seconds).param("id", id).param("owner", owner)
                    .update();
            if (updated != 1) {
                return false;
            }
            models.insertArtifact(model);
            return true;
        }));
    }

    /** Marks a job FAILED with a message for the client. */
    boolean fail(UUID id, String owner, String error, int iteration, Double loss) {
        return jdbc.sql("""
                UPDATE models SET status = 'FAILED', finished_at = :now, error = :error, iteration = :iteration,
                    loss = :loss, owner = NULL, lease_until = NULL
                WHERE id = :id AND owner = :owner AND status = 'RUNNING'
                """)
                .param("now", now()).param("error", error).param("iteration", iteration).param("loss", loss)
                .param("id", id).param("owner", owner)
                .update() == 1;
    }

    /** Marks a job CANCELLED after its worker stopped it. */
    boolean cancelled(UUID id, String owner, int iteration, Double loss) {
        return jdbc.sql("""
                UPDATE models SET status = 'CANCELLED', finished_at = :now, iteration = :iteration, loss = :loss,
                    owner = NULL, lease_until = NULL
                WHERE id = :id AND owner = :owner AND status = 'RUNNING'
                """)
                .param("now", now()).param("iteration", iteration).param("loss", loss)
                .param("id", id).param("owner", owner)
                .update() == 1;
    }

    /**
     * Gives a job back to the queue at once (this instance is shutting down), so that the next instance
     * to look takes it without waiting for the lease. The attempt does not count: nothing went wrong.
     */
    void release(UUID id, String owner) {
        tx.executeWithoutResult(status -> {
            int requeued = jdbc.sql("""
                    UPDATE models SET status = 'QUEUED', owner = NULL, lease_until = NULL, attempts = attempts - 1,
                        started_at = NULL, iteration = 0, loss = NULL, validation_loss = NULL
                    WHERE id = :id AND owner = :owner AND status = 'RUNNING' AND cancel_requested = FALSE
                    """)
                    .param("id", id).param("owner", owner).update();
            if (requeued == 0) {
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
            if (jdbc.sql("UPDATE models SET status = 'CANCELLED', finished_at = :now WHERE id = :id AND status = 'QUEUED'")
                    .param("now", now()).param("id", id).update() == 1) {
                return CancelOutcome.CANCELLED;
            }
            if (jdbc.sql("UPDATE models SET cancel_requested = TRUE WHERE id = :id AND status = 'RUNNING'")
                    .param("id", id).update() == 1) {
                return CancelOutcome.REQUESTED;
            }
            return models.exists(id) ? CancelOutcome.ALREADY_FINISHED : CancelOutcome.NOT_FOUND;
        });
    }

    /** Ids of queued or running models that will read this dataset. */
    List<UUID> activeModelsUsing(UUID datasetId) {
        return jdbc.sql("SELECT id FROM models WHERE status IN ('QUEUED', 'RUNNING')"
                        + " AND (dataset_id = :dataset OR test_dataset_id = :dataset) ORDER BY seq")
                .param("dataset", datasetId).query(UUID.class).list();
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }
}
