package io.netforge.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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

import io.netforge.model.ModelRepository;
import io.netforge.network.NetworkSpec;
import io.netforge.support.TestDatabases;

/**
 * The queue's guarantees on a real PostgreSQL, with several owners standing in for several instances:
 * every job is claimed once, in order; a dead owner's job is taken over after its lease; a job whose
 * owners keep dying fails; a worker that lost its job cannot write its outcome.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"netforge.training.workers=0", "netforge.training.lease=400ms",
                "netforge.training.heartbeat=100ms", "netforge.training.max-attempts=2"})
class JobQueueTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.postgres().register(registry);
    }

    @Autowired
    JobQueue queue;

    @Autowired
    ModelRepository models;

    @Autowired
    JdbcClient jdbc;

    @BeforeEach
    void emptyQueue() {
        jdbc.sql("DELETE FROM model_artifacts").update();
        jdbc.sql("DELETE FROM models").update();
    }

    @Test
    void claimsJobsInSubmissionOrder() {
        List<UUID> submitted = submit(5);
        List<UUID> claimed = new ArrayList<>();
        Optional<JobQueue.ClaimedJob> job;
        while ((job = queue.claimNext("a")).isPresent()) {
            claimed.add(job.get().id());
        }
        assertThat(claimed).containsExactlyElementsOf(submitted);
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
                    Optional<JobQueue.ClaimedJob> job;
                    while ((job = queue.claimNext(owner)).isPresent()) {
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
        assertThat(queue.claimNext("dead").orElseThrow().id()).isEqualTo(id);
        assertThat(queue.claimNext("alive")).isEmpty();

        Thread.sleep(500);
        JobQueue.ClaimedJob taken = queue.claimNext("alive").orElseThrow();
        assertThat(taken.id()).isEqualTo(id);
        assertThat(taken.attempt()).isEqualTo(2);

        // The first owner comes back: it has lost the job and cannot write an outcome.
        assertThat(queue.heartbeat(id, "dead", 10, 0.5, null)).contains(JobQueue.StopReason.LOST);
        assertThat(queue.fail(id, "dead", "late", 10, 0.5)).isFalse();
        assertThat(queue.heartbeat(id, "alive", 10, 0.5, 0.625)).isEmpty();
        assertThat(models.getView(id).status().name()).isEqualTo("RUNNING");
        assertThat(models.getView(id).progress()).isEqualTo(new io.netforge.model.ModelView.Progress(10, 10, 0.5, 0.625));
    }

    @Test
    void failsAJobWhoseInstancesKeepDying() throws Exception {
        UUID id = submit(1).get(0);
        queue.claimNext("first").orElseThrow();
        Thread.sleep(500);
        queue.claimNext("second").orElseThrow();
        Thread.sleep(500);
        assertThat(queue.claimNext("third")).isEmpty();
        var view = models.getView(id);
        assertThat(view.status().name()).isEqualTo("FAILED");
        assertThat(view.error()).contains("abandoned").contains("2 times");
    }

    @Test
    void heartbeatRelaysCancellationAndDeletion() {
        List<UUID> ids = submit(2);
        queue.claimNext("a").orElseThrow();
        queue.claimNext("a").orElseThrow();
        assertThat(queue.cancel(ids.get(0))).isEqualTo(JobQueue.CancelOutcome.REQUESTED);
        assertThat(queue.heartbeat(ids.get(0), "a", 3, 0.7, null)).contains(JobQueue.StopReason.CANCELLED);
        assertThat(queue.cancelled(ids.get(0), "a", 3, 0.7)).isTrue();
        assertThat(queue.cancel(ids.get(0))).isEqualTo(JobQueue.CancelOutcome.ALREADY_FINISHED);

        models.delete(ids.get(1));
        assertThat(queue.heartbeat(ids.get(1), "a", 3, 0.7, null)).contains(JobQueue.StopReason.DELETED);
        assertThat(queue.cancel(ids.get(1))).isEqualTo(JobQueue.CancelOutcome.NOT_FOUND);
    }

    @Test
    void aJobHandedBackAtShutdownIsClaimedAgainAtOnceWithoutCountingTheAttempt() {
        UUID id = submit(1).get(0);
        queue.claimNext("stopping").orElseThrow();
        queue.release(id, "stopping");
        JobQueue.ClaimedJob again = queue.claimNext("next").orElseThrow();
        assertThat(again.id()).isEqualTo(id);
        assertThat(again.attempt()).isEqualTo(1);
    }

    @Test
    void aWorkerWhoseJobStoppedBeforeItsFinalWriteLearnsWhyAndWritesNothing() throws Exception {
        List<UUID> ids = submit(3);
        queue.claimNext("a").orElseThrow();
        queue.claimNext("a").orElseThrow();
        queue.claimNext("dead").orElseThrow();
        assertThat(queue.cancel(ids.get(0))).isEqualTo(JobQueue.CancelOutcome.REQUESTED);
        // the model is never looked at when the write is refused
        assertThat(queue.succeed(ids.get(0), "a", null, 10, 0.5, null, 1.0)).contains(JobQueue.StopReason.CANCELLED);
        assertThat(models.getView(ids.get(0)).status()).isEqualTo(io.netforge.model.ModelStatus.RUNNING);
        assertThat(queue.cancelled(ids.get(0), "a", 10, 0.5)).isTrue();
        assertThat(models.getView(ids.get(0)).status()).isEqualTo(io.netforge.model.ModelStatus.CANCELLED);

        models.delete(ids.get(1));
        assertThat(queue.succeed(ids.get(1), "a", null, 10, 0.5, null, 1.0)).contains(JobQueue.StopReason.DELETED);

        Thread.sleep(500);
        queue.claimNext("alive").orElseThrow();
        assertThat(queue.succeed(ids.get(2), "dead", null, 10, 0.5, null, 1.0)).contains(JobQueue.StopReason.LOST);
        assertThat(models.findArtifact(ids.get(2))).isEmpty();
    }

    private List<UUID> submit(int count) {
        List<UUID> ids = new ArrayList<>();
        NetworkSpec spec = new NetworkSpec(List.of(2), 1.0, 10, 0.5, 0, true, io.netforge.compute.Precision.FLOAT64, null,
                null, null, null, null, null, null);
        for (int i = 0; i < count; i++) {
            UUID id = UUID.randomUUID();
            queue.enqueue(id, "job-" + i, UUID.randomUUID(), null, null, spec,
                    new io.netforge.tabular.DataSpec("y", "binary", List.of("a"), null), null);
            ids.add(id);
        }
        return ids;
    }
}
