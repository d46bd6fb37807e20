package io.netforge.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import static io.netforge.job.JobStatus.CANCELLED;
import static io.netforge.job.JobStatus.FAILED;
import static io.netforge.job.JobStatus.QUEUED;
import static io.netforge.job.JobStatus.RUNNING;
import static io.netforge.job.JobStatus.SUCCEEDED;

/**
 * The job queue, kept in the {@code jobs} table so that it survives restarts and is shared by every instance on the
 * database; the only writer of a job's status, and the only code that claims jobs. Each method is one short
 * transaction (or joins the caller's); none ever spans a job's work.
 *
 * <p>A worker claims the oldest QUEUED job of its kind (or a RUNNING one whose lease expired because its instance
 * died) with a locking select that skips rows other workers hold, followed by a conditional {@code UPDATE}: the pattern works
 * unchanged on PostgreSQL and H2, never hands one job to two workers, and needs no scheduler library or lock table.
 * A heartbeat renews the lease while the job runs; every change a worker makes is conditional on still owning the
 * job, so a worker that lost its job (cancelled, deleted, or taken over after its lease ran out) can never overwrite
 * the outcome. {@link Transition} lists every change of status.
 */
@Component
public class Jobs {

    /**
     * Every change of a job's status, with the states it may start from: the job state machine in one table. Each is
     * written by one method below, as a conditional UPDATE from exactly these states, so a transition not in this
     * table cannot happen and a stale writer changes nothing.
     */
    enum Transition {
        /** A client asked for work ({@link #enqueue}). */
        ENQUEUE(Set.of(), QUEUED),
        /** Work done elsewhere is recorded as done, with nothing to run (an imported model, {@link #recordDone}). */
        RECORD_DONE(Set.of(), SUCCEEDED),
        /** A worker takes a queued job, or a running one whose lease expired (its instance died). */
        CLAIM(Set.of(QUEUED, RUNNING), RUNNING),
        /** The worker stored the job's result. */
        SUCCEED(Set.of(RUNNING), SUCCEEDED),
        /** The job failed (its own reason, or an internal error). */
        FAIL(Set.of(RUNNING), FAILED),
        /** The instances running a job died too many times ({@code netforge.training.max-attempts}). */
        ABANDON(Set.of(RUNNING), FAILED),
        /** A client cancelled a job before any worker took it. */
        CANCEL_QUEUED(Set.of(QUEUED), CANCELLED),
        /** A worker stopped a job a client cancelled, or found it cancelled when its worker had died. */
        CANCEL_RUNNING(Set.of(RUNNING), CANCELLED),
        /** This instance shuts down and hands its job back. */
        RELEASE(Set.of(RUNNING), QUEUED);

        final Set<JobStatus> from;
        final JobStatus to;

        Transition(Set<JobStatus> from, JobStatus to) {
            this.from = from;
            this.to = to;
        }

        /** The statuses as the database stores them, for {@code status IN (:from)}. */
        List<String> fromNames() {
            return from.stream().map(JobStatus::name).sorted().toList();
        }
    }

    /** The statuses a job may move to from {@code status}, by {@link Transition}. */
    static Set<JobStatus> successors(JobStatus status) {
        Set<JobStatus> next = EnumSet.noneOf(JobStatus.class);
        for (Transition t : Transition.values()) {
            if (t.from.contains(status)) {
                next.add(t.to);
            }
        }
        return next;
    }

    /** A job as its owner and the API see it. */
    public record State(UUID id, String kind, JobStatus status, int attempts, boolean cancelRequested,
            String error, long step, Map<String, Double> measures, Instant createdAt, Instant startedAt,
            Instant finishedAt) {
    }

    /** The columns {@link #state(ResultSet, String)} reads, for queries of other features that join a job. */
    public static String columns(String alias) {
        String a = alias + ".";
        return String.join(", ", List.of(a + "id AS job_id", a + "kind AS job_kind", a + "status AS job_status",
                a + "attempts AS job_attempts", a + "cancel_requested AS job_cancel_requested", a + "error AS job_error",
                a + "step AS job_step", a + "measures AS job_measures", a + "created_at AS job_created_at",
                a + "started_at AS job_started_at", a + "finished_at AS job_finished_at"));
    }

    private static final TypeReference<Map<String, Double>> MEASURES = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final JobProperties properties;
    private final Clock clock;

    Jobs(JdbcClient jdbc, TransactionTemplate tx, JsonMapper json, JobProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Records a new job waiting in the queue (in the caller's transaction, which also writes what the kind needs to
     * run it).
     *
     * @param subject  what the job works for, deleted with it ({@link #deleteForSubject}); null for none
     * @param datasets the datasets it will read, which cannot be deleted until it has finished
     */
    public void enqueue(UUID id, String kind, UUID subject, List<UUID> datasets) {
        insert(id, kind, subject, Transition.ENQUEUE, null);
        for (UUID dataset : datasets.stream().distinct().toList()) {
            jdbc.sql("INSERT INTO job_datasets (job_id, dataset_id) VALUES (:job, :dataset)")
                    .param("job", id).param("dataset", dataset).update();
        }
    }

    /** Records work done elsewhere as a SUCCEEDED job (an imported model), in the caller's transaction. */
    public void recordDone(UUID id, String kind, long step, Map<String, Double> measures) {
        insert(id, kind, null, Transition.RECORD_DONE, new Progress(step, measures));
    }

    private record Progress(long step, Map<String, Double> measures) {
    }

    private void insert(UUID id, String kind, UUID subject, Transition transition, Progress done) {
        Timestamp now = now();
        jdbc.sql("""
                INSERT INTO jobs (id, kind, subject_id, status, created_at, started_at, finished_at, step, measures)
                VALUES (:id, :kind, :subject, :to, :now, :started, :started, :step, :measures)
                """)
                .param("id", id).param("kind", kind).param("subject", subject).param("to", transition.to.name())
                .param("now", now).param("started", done == null ? null : now)
                .param("step", done == null ? 0 : done.step()).param("measures", done == null ? null : measures(done.measures()))
                .update();
    }

    /** Claims the next job of one of {@code kinds} for {@code owner}, oldest first; empty when there is none. */
    public Optional<Job> claimNext(String owner, List<String> kinds) {
        while (true) {
            Claim claim = tx.execute(status -> claimOne(owner, kinds));
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
    private record Claim(Job job, boolean retired) {
        static final Claim NONE = new Claim(null, false);
        static final Claim RETIRED = new Claim(null, true);
    }

    private record Candidate(UUID id, String kind, JobStatus status, int attempts, boolean cancelRequested,
            Instant createdAt) {
    }

    private Claim claimOne(String owner, List<String> kinds) {
        long now = clock.millis();
        List<Candidate> candidates = jdbc.sql("""
                SELECT id, kind, status, attempts, cancel_requested, created_at FROM jobs
                WHERE kind IN (:kinds) AND (status = :queued OR (status = :running AND lease_until < :now))
                ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED
                """)
                .param("kinds", kinds).param("queued", QUEUED.name()).param("running", RUNNING.name())
                .param("now", now)
                .query((rs, row) -> new Candidate(rs.getObject("id", UUID.class), rs.getString("kind"),
                        JobStatus.valueOf(rs.getString("status")), rs.getInt("attempts"),
                        rs.getBoolean("cancel_requested"), rs.getTimestamp("created_at").toInstant()))
                .list();
        if (candidates.isEmpty()) {
            return Claim.NONE;
        }
        Candidate candidate = candidates.get(0);
        if (candidate.cancelRequested) {
            // Cancelled while its worker was dying: finish the cancellation instead of running it.
            finish(Transition.CANCEL_RUNNING, candidate.id, null, null, null);
            return Claim.RETIRED;
        }
        if (candidate.status == RUNNING && candidate.attempts >= properties.maxAttempts()) {
            finish(Transition.ABANDON, candidate.id, null, "abandoned: the instance running this job stopped"
                    + " without finishing it " + candidate.attempts + " times (netforge.training.max-attempts)", null);
            return Claim.RETIRED;
        }
        int updated = jdbc.sql("""
                UPDATE jobs SET status = :to, owner = :owner, lease_until = :lease, attempts = attempts + 1,
                    started_at = :now, step = 0, measures = NULL
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
        return new Claim(new Job(candidate.id, candidate.kind, candidate.attempts + 1, candidate.createdAt), false);
    }

    /**
     * Renews the lease of a running job and publishes its progress.
     *
     * @return empty while the job is still ours to run, else why it must stop
     */
    Optional<StopReason> heartbeat(UUID id, String owner, long step, Map<String, Double> measures) {
        int updated = jdbc.sql("""
                UPDATE jobs SET lease_until = :lease, step = :step, measures = :measures
                WHERE id = :id AND owner = :owner AND status = :running AND cancel_requested = FALSE
                """)
                .param("lease", clock.millis() + properties.lease().toMillis()).param("step", step)
                .param("measures", measures(measures)).param("id", id).param("owner", owner)
                .param("running", RUNNING.name())
                .update();
        if (updated == 1) {
            return Optional.empty();
        }
        return Optional.of(whyNotOurs(id, owner));
    }

    /** Why {@code owner} may no longer write the outcome of a job it ran: cancelled, deleted or taken over. */
    private StopReason whyNotOurs(UUID id, String owner) {
        return jdbc.sql("SELECT owner, status, cancel_requested FROM jobs WHERE id = :id")
                .param("id", id)
                .query((rs, row) -> owner.equals(rs.getString("owner")) && RUNNING.name().equals(rs.getString("status"))
                        && rs.getBoolean("cancel_requested") ? StopReason.CANCELLED : StopReason.LOST)
                .optional()
                .orElse(StopReason.DELETED);
    }

    /**
     * Marks the job SUCCEEDED with its last progress and stores its outcome, atomically, if {@code owner} still owns
     * it. An outcome whose write collides with another's (a version number taken at the same moment) is written
     * again, up to five times.
     *
     * @return empty when stored; else why not (nothing is written): the job was cancelled, deleted or taken over
     */
    Optional<StopReason> succeed(UUID id, String owner, long step, Map<String, Double> measures, Outcome outcome) {
        for (int attempt = 1; ; attempt++) {
            try {
                return tx.execute(status -> {
                    int updated = jdbc.sql("""
                            UPDATE jobs SET status = :to, finished_at = :now, step = :step, measures = :measures,
                                owner = NULL, lease_until = NULL, error = NULL
                            WHERE id = :id AND owner = :owner AND status IN (:from) AND cancel_requested = FALSE
                            """)
                            .param("to", Transition.SUCCEED.to.name()).param("from", Transition.SUCCEED.fromNames())
                            .param("now", now()).param("step", step).param("measures", measures(measures))
                            .param("id", id).param("owner", owner)
                            .update();
                    if (updated != 1) {
                        return Optional.of(whyNotOurs(id, owner));
                    }
                    outcome.store();
                    return Optional.empty();
                });
            } catch (DuplicateKeyException e) {
                if (attempt >= 5) {
                    throw e;
                }
            }
        }
    }

    /** Marks a job FAILED with a message for the client and its last progress, if {@code owner} still owns it. */
    boolean fail(UUID id, String owner, String error, long step, Map<String, Double> measures) {
        return finish(Transition.FAIL, id, owner, error, new Progress(step, measures));
    }

    /** Marks a job CANCELLED after its worker stopped it. */
    boolean cancelled(UUID id, String owner, long step, Map<String, Double> measures) {
        return finish(Transition.CANCEL_RUNNING, id, owner, null, new Progress(step, measures));
    }

    /**
     * Ends a job by {@code transition}: its status, finish time and (when given) error and last progress. With an
     * owner, only if that owner still holds it.
     */
    private boolean finish(Transition transition, UUID id, String owner, String error, Progress progress) {
        StringBuilder sql = new StringBuilder(
                "UPDATE jobs SET status = :to, finished_at = :now, owner = NULL, lease_until = NULL");
        if (error != null) {
            sql.append(", error = :error");
        }
        if (progress != null) {
            sql.append(", step = :step, measures = :measures");
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
        if (progress != null) {
            statement = statement.param("step", progress.step()).param("measures", measures(progress.measures()));
        }
        if (owner != null) {
            statement = statement.param("owner", owner);
        }
        return statement.update() == 1;
    }

    /**
     * Gives a job back to the queue at once (this instance is shutting down), so that the next instance to look takes
     * it without waiting for the lease. The attempt does not count: nothing went wrong.
     */
    void release(UUID id, String owner) {
        tx.executeWithoutResult(status -> {
            int requeued = jdbc.sql("""
                    UPDATE jobs SET status = :to, owner = NULL, lease_until = NULL, attempts = attempts - 1,
                        started_at = NULL, step = 0, measures = NULL
                    WHERE id = :id AND owner = :owner AND status IN (:from) AND cancel_requested = FALSE
                    """)
                    .param("to", Transition.RELEASE.to.name()).param("from", Transition.RELEASE.fromNames())
                    .param("id", id).param("owner", owner).update();
            if (requeued == 0) {
                // cancelled meanwhile: the client asked for it to stop, so it stops for good
                cancelled(id, owner, 0, Map.of());
            }
        });
    }

    /** The outcome of a client's cancel request. */
    public enum CancelOutcome {
        /** It was queued and is now CANCELLED. */
        CANCELLED,
        /** It is running; its worker will stop it and mark it CANCELLED. */
        REQUESTED,
        /** It already finished. */
        ALREADY_FINISHED,
        /** No such job. */
        NOT_FOUND
    }

    /** Cancels a queued job at once, or asks a running one's worker to stop it (in the caller's transaction, if any). */
    CancelOutcome cancel(UUID id) {
        return tx.execute(status -> {
            if (jdbc.sql("UPDATE jobs SET status = :to, finished_at = :now WHERE id = :id AND status IN (:from)")
                    .param("to", Transition.CANCEL_QUEUED.to.name()).param("from", Transition.CANCEL_QUEUED.fromNames())
                    .param("now", now()).param("id", id).update() == 1) {
                return CancelOutcome.CANCELLED;
            }
            if (jdbc.sql("UPDATE jobs SET cancel_requested = TRUE WHERE id = :id AND status = :running")
                    .param("running", RUNNING.name()).param("id", id).update() == 1) {
                return CancelOutcome.REQUESTED;
            }
            return exists(id) ? CancelOutcome.ALREADY_FINISHED : CancelOutcome.NOT_FOUND;
        });
    }

    /**
     * Cancels every unfinished job of {@code ids} in one transaction: queued ones become CANCELLED, running ones are
     * asked to stop (their workers mark them CANCELLED).
     *
     * @return the jobs that were running, for this instance to stop at once if it runs them
     */
    List<UUID> cancelAll(List<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return tx.execute(status -> {
            jdbc.sql("UPDATE jobs SET status = :to, finished_at = :now WHERE id IN (:ids) AND status IN (:from)")
                    .param("to", Transition.CANCEL_QUEUED.to.name()).param("from", Transition.CANCEL_QUEUED.fromNames())
                    .param("now", now()).param("ids", ids).update();
            List<UUID> running = jdbc.sql("SELECT id FROM jobs WHERE id IN (:ids) AND status = :running")
                    .param("ids", ids).param("running", RUNNING.name()).query(UUID.class).list();
            jdbc.sql("UPDATE jobs SET cancel_requested = TRUE WHERE id IN (:ids) AND status = :running")
                    .param("ids", ids).param("running", RUNNING.name()).update();
            return running;
        });
    }

    /**
     * Deletes jobs, whatever their state, with what each kind keeps of them (its rows reference the job's and go with
     * it) and every job that works for them; workers still running one notice and stop.
     *
     * @return the jobs deleted (the subjects' jobs included)
     */
    List<UUID> delete(List<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return tx.execute(status -> {
            List<UUID> deleted = jdbc.sql("SELECT id FROM jobs WHERE id IN (:ids) OR subject_id IN (:ids)")
                    .param("ids", ids).query(UUID.class).list();
            if (!deleted.isEmpty()) {
                jdbc.sql("DELETE FROM jobs WHERE subject_id IN (:ids)").param("ids", ids).update();
                jdbc.sql("DELETE FROM jobs WHERE id IN (:ids)").param("ids", ids).update();
            }
            return deleted;
        });
    }

    public boolean exists(UUID id) {
        return jdbc.sql("SELECT COUNT(*) FROM jobs WHERE id = :id").param("id", id).query(Long.class).single() > 0;
    }

    /** A job's state, if it exists. */
    public Optional<State> find(UUID id) {
        return jdbc.sql("SELECT " + columns("j") + " FROM jobs j WHERE j.id = :id").param("id", id)
                .query((rs, row) -> state(rs)).optional();
    }

    /** The job of a row read with {@link #columns(String)}. */
    public State state(ResultSet rs) throws SQLException {
        String measures = rs.getString("job_measures");
        return new State(rs.getObject("job_id", UUID.class), rs.getString("job_kind"),
                JobStatus.valueOf(rs.getString("job_status")), rs.getInt("job_attempts"),
                rs.getBoolean("job_cancel_requested"), rs.getString("job_error"), rs.getLong("job_step"),
                measures == null ? Map.of() : json.readValue(measures, MEASURES), instant(rs, "job_created_at"),
                instant(rs, "job_started_at"), instant(rs, "job_finished_at"));
    }

    /** How many jobs of each kind are in each status, for the metrics. */
    Map<String, Map<JobStatus, Long>> countByKindAndStatus() {
        Map<String, Map<JobStatus, Long>> counts = new HashMap<>();
        jdbc.sql("SELECT kind, status, COUNT(*) AS n FROM jobs GROUP BY kind, status")
                .query((rs, row) -> counts.computeIfAbsent(rs.getString("kind"), k -> new EnumMap<>(JobStatus.class))
                        .put(JobStatus.valueOf(rs.getString("status")), rs.getLong("n")))
                .list();
        return counts;
    }

    /** Ids of queued or running jobs that will read this dataset, oldest first. */
    List<UUID> activeUsing(UUID datasetId) {
        return jdbc.sql("SELECT j.id FROM jobs j JOIN job_datasets d ON d.job_id = j.id"
                        + " WHERE d.dataset_id = :dataset AND j.status IN (:active) ORDER BY j.seq")
                .param("active", List.of(QUEUED.name(), RUNNING.name()))
                .param("dataset", datasetId).query(UUID.class).list();
    }

    private String measures(Map<String, Double> measures) {
        return measures == null || measures.isEmpty() ? null : json.writeValueAsString(measures);
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }
}
