package io.netforge.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.TestDatabases;

/**
 * The queue's guarantees on a real PostgreSQL, with several owners standing in for several instances:
 * every job is claimed once, in order; a dead owner's job is taken over after its lease; a job whose
 * owners keep dying fails; a worker that lost its job cannot write its outcome. Kinds do not see each other's jobs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"netforge.training.workers=0", "netforge.training.lease=400ms",
                "netforge.training.heartbeat=100ms", "netforge.training.max-attempts=2"})
class JobsTest {

    static final String KIND = "test";
    static final List<String> KINDS = List.of(KIND);

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.postgres().register(registry);
    }

    @Autowired
    Jobs jobs;

    @Autowired
    JobWorkers workers;

    @Autowired
    JdbcClient jdbc;

    @BeforeEach
    void emptyQueue() {
        jdbc.sql("DELETE FROM jobs").update();
    }

    @Test
    void claimsJobsInSubmissionOrder() {
        List<UUID> submitted = submit(5);
        List<UUID> claimed = new ArrayList<>();
        Optional<Job> job;
        while ((job = jobs.claimNext("a", KINDS)).isPresent()) {
            claimed.add(job.get().id());
        }
        assertThat(claimed).containsExactlyElementsOf(submitted);
    }

    @Test
    void aWorkerClaimsOnlyJobsOfItsKinds() {
        UUID mine = submit(1).get(0);
        UUID other = UUID.randomUUID();
        jobs.enqueue(other, "other", null, List.of());
        assertThat(jobs.claimNext("a", List.of("nothing"))).isEmpty();
        assertThat(jobs.claimNext("a", KINDS).orElseThrow().id()).isEqualTo(mine);
        assertThat(jobs.claimNext("a", KINDS)).isEmpty();
        Job taken = jobs.claimNext("b", List.of("other")).orElseThrow();
        assertThat(taken.id()).isEqualTo(other);
        assertThat(taken.kind()).isEqualTo("other");
    }

    @Test
    void twoInstancesClaimingAtOnceTakeEveryJobExactlyOnce() throws Exception {
        List<UUID> submitted = submit(20);
        List<UUID> claimed = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> owners = new ArrayList<>();
            for (String owner : List.of("a", "b", "c", "d")) {
                owners.add(pool.submit(() -> {
                    Optional<Job> job;
                    while ((job = jobs.claimNext(owner, KINDS)).isPresent()) {
                        claimed.add(job.get().id());
                    }
                }));
            }
            for (Future<?> owner : owners) {
                owner.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(claimed).hasSize(20).containsExactlyInAnyOrderElementsOf(submitted);
    }

    @Test
    void anotherInstanceTakesOverOnlyAfterTheLeaseExpires() throws Exception {
        UUID id = submit(1).get(0);
        assertThat(jobs.claimNext("dead", KINDS).orElseThrow().id()).isEqualTo(id);
        assertThat(jobs.claimNext("alive", KINDS)).isEmpty();

        Thread.sleep(500);
        Job taken = jobs.claimNext("alive", KINDS).orElseThrow();
        assertThat(taken.id()).isEqualTo(id);
        assertThat(taken.attempt()).isEqualTo(2);

        // The first owner comes back: it has lost the job and cannot write an outcome.
        assertThat(jobs.heartbeat(id, "dead", 10, Map.of("loss", 0.5))).contains(StopReason.LOST);
        assertThat(jobs.fail(id, "dead", "late", 10, Map.of("loss", 0.5))).isFalse();
        assertThat(jobs.heartbeat(id, "alive", 10, Map.of("loss", 0.5, "validationLoss", 0.625))).isEmpty();
        Jobs.State state = jobs.find(id).orElseThrow();
        assertThat(state.status()).isEqualTo(JobStatus.RUNNING);
        assertThat(state.step()).isEqualTo(10);
        assertThat(state.measures()).isEqualTo(Map.of("loss", 0.5, "validationLoss", 0.625));
    }

    @Test
    void failsAJobWhoseInstancesKeepDying() throws Exception {
        UUID id = submit(1).get(0);
        jobs.claimNext("first", KINDS).orElseThrow();
        Thread.sleep(500);
        jobs.claimNext("second", KINDS).orElseThrow();
        Thread.sleep(500);
        assertThat(jobs.claimNext("third", KINDS)).isEmpty();
        Jobs.State state = jobs.find(id).orElseThrow();
        assertThat(state.status()).isEqualTo(JobStatus.FAILED);
        assertThat(state.error()).contains("abandoned").contains("2 times");
    }

    @Test
    void heartbeatRelaysCancellationAndDeletion() {
        List<UUID> ids = submit(2);
        jobs.claimNext("a", KINDS).orElseThrow();
        jobs.claimNext("a", KINDS).orElseThrow();
        assertThat(jobs.cancel(ids.get(0))).isEqualTo(Jobs.CancelOutcome.REQUESTED);
        assertThat(jobs.heartbeat(ids.get(0), "a", 3, Map.of("loss", 0.7))).contains(StopReason.CANCELLED);
        assertThat(jobs.cancelled(ids.get(0), "a", 3, Map.of("loss", 0.7))).isTrue();
        assertThat(jobs.cancel(ids.get(0))).isEqualTo(Jobs.CancelOutcome.ALREADY_FINISHED);

        assertThat(workers.delete(List.of(ids.get(1)))).containsExactly(ids.get(1));
        assertThat(jobs.heartbeat(ids.get(1), "a", 3, Map.of("loss", 0.7))).contains(StopReason.DELETED);
        assertThat(jobs.cancel(ids.get(1))).isEqualTo(Jobs.CancelOutcome.NOT_FOUND);
    }

    @Test
    void deletingAJobDeletesTheJobsThatWorkForIt() {
        UUID subject = submit(1).get(0);
        UUID helper = UUID.randomUUID();
        jobs.enqueue(helper, KIND, subject, List.of());
        assertThat(workers.delete(List.of(subject))).containsExactlyInAnyOrder(subject, helper);
        assertThat(jobs.exists(helper)).isFalse();
    }

    @Test
    void aQueuedOrRunningJobKeepsItsDatasetsInUse() {
        UUID dataset = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        jobs.enqueue(id, KIND, null, List.of(dataset, dataset));
        assertThat(jobs.activeUsing(dataset)).containsExactly(id);
        jobs.claimNext("a", KINDS).orElseThrow();
        assertThat(jobs.activeUsing(dataset)).containsExactly(id);
        assertThat(jobs.succeed(id, "a", 1, Map.of(), () -> { })).isEmpty();
        assertThat(jobs.activeUsing(dataset)).isEmpty();
    }

    @Test
    void aJobHandedBackAtShutdownIsClaimedAgainAtOnceWithoutCountingTheAttempt() {
        UUID id = submit(1).get(0);
        jobs.claimNext("stopping", KINDS).orElseThrow();
        jobs.release(id, "stopping");
        Job again = jobs.claimNext("next", KINDS).orElseThrow();
        assertThat(again.id()).isEqualTo(id);
        assertThat(again.attempt()).isEqualTo(1);
    }

    @Test
    void aWorkerWhoseJobStoppedBeforeItsFinalWriteLearnsWhyAndWritesNothing() throws Exception {
        List<UUID> ids = submit(3);
        jobs.claimNext("a", KINDS).orElseThrow();
        jobs.claimNext("a", KINDS).orElseThrow();
        jobs.claimNext("dead", KINDS).orElseThrow();
        List<String> stored = Collections.synchronizedList(new ArrayList<>());
        assertThat(jobs.cancel(ids.get(0))).isEqualTo(Jobs.CancelOutcome.REQUESTED);
        // the outcome is never stored when the write is refused
        assertThat(jobs.succeed(ids.get(0), "a", 10, Map.of(), () -> stored.add("0"))).contains(StopReason.CANCELLED);
        assertThat(jobs.find(ids.get(0)).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);
        assertThat(jobs.cancelled(ids.get(0), "a", 10, Map.of("loss", 0.5))).isTrue();
        assertThat(jobs.find(ids.get(0)).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);

        workers.delete(List.of(ids.get(1)));
        assertThat(jobs.succeed(ids.get(1), "a", 10, Map.of(), () -> stored.add("1"))).contains(StopReason.DELETED);

        Thread.sleep(500);
        jobs.claimNext("alive", KINDS).orElseThrow();
        assertThat(jobs.succeed(ids.get(2), "dead", 10, Map.of(), () -> stored.add("2"))).contains(StopReason.LOST);
        assertThat(stored).isEmpty();
    }

    private List<UUID> submit(int count) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UUID id = UUID.randomUUID();
            jobs.enqueue(id, KIND, null, List.of());
            ids.add(id);
        }
        return ids;
    }
}
