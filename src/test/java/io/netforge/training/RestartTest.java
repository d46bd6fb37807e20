package io.netforge.training;

import static io.netforge.support.Instances.http;
import static io.netforge.support.Instances.start;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import io.netforge.support.ArticleData;
import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

/**
 * Jobs and models outlive the process: the application is stopped and started again on the same
 * database, as after a deploy or a crash.
 */
class RestartTest {

    @TempDir
    Path directory;

    @Test
    void resumesQueuedJobsAndServesFinishedModelsAfterARestartOnPostgres() throws Exception {
        resumesQueuedJobsAndServesFinishedModelsAfterARestart(TestDatabases.postgres());
    }

    @Test
    void resumesQueuedJobsAndServesFinishedModelsAfterARestartOnAnH2File() throws Exception {
        resumesQueuedJobsAndServesFinishedModelsAfterARestart(TestDatabases.h2File(directory));
    }

    @Test
    void handsARunningJobBackAtShutdownAndFinishesItAfterTheRestart() throws Exception {
        TestDatabases.Db db = TestDatabases.postgres();
        String id;
        try (ConfigurableApplicationContext first = start(db, 1)) {
            Http http = http(first);
            String dataset = http.uploadCsv("seed_train.csv", ArticleData.trainCsv());
            id = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"network\": {\"maxIterations\": 30000}}")
                    .json().get("id").asString();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (http.get("/models/" + id).json().get("progress").get("iteration").asInt() < 1) {
                assertThat(System.nanoTime()).as("the job never started").isLessThan(deadline);
                Thread.sleep(20);
            }
        }
        try (ConfigurableApplicationContext noWorkers = start(db, 0)) {
            JsonNode handedBack = http(noWorkers).get("/models/" + id).json();
            assertThat(handedBack.get("status").asString()).as(handedBack.toString()).isEqualTo("QUEUED");
            assertThat(handedBack.get("attempts").asInt()).isZero();
        }
        try (ConfigurableApplicationContext second = start(db, 1)) {
            JsonNode model = http(second).awaitModel(id, Duration.ofMinutes(2));
            assertThat(model.get("status").asString()).as(model.toString()).isEqualTo("SUCCEEDED");
            assertThat(model.get("attempts").asInt()).isEqualTo(1);
            assertThat(model.get("progress").get("iteration").asInt()).isEqualTo(30000);
        }
    }

    @Test
    void takesOverAJobWhoseInstanceDiedOnceItsLeaseExpires() throws Exception {
        TestDatabases.Db db = TestDatabases.postgres();
        String dataset;
        String id;
        try (ConfigurableApplicationContext first = start(db, 0)) {
            Http http = http(first);
            dataset = http.uploadCsv("seed_train.csv", ArticleData.trainCsv());
            id = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"network\": {\"maxIterations\": 20}}")
                    .json().get("id").asString();
        }
        // As if an instance had claimed the job and been killed: RUNNING, its lease already run out.
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "UPDATE jobs SET status = 'RUNNING', owner = 'dead-instance', attempts = 1, lease_until = ?"
                        + " WHERE id = ?")) {
            s.setLong(1, System.currentTimeMillis() - 1);
            s.setObject(2, UUID.fromString(id));
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
        try (ConfigurableApplicationContext second = start(db, 1)) {
            JsonNode model = http(second).awaitModel(id, Duration.ofMinutes(1));
            assertThat(model.get("status").asString()).as(model.toString()).isEqualTo("SUCCEEDED");
            assertThat(model.get("attempts").asInt()).isEqualTo(2);
        }
    }

    private void resumesQueuedJobsAndServesFinishedModelsAfterARestart(TestDatabases.Db db) throws Exception {
        List<double[]> rows = ArticleData.features(ArticleData.testCsv()).subList(0, 200);
        String finished;
        String queued;
        JsonNode before;
        try (ConfigurableApplicationContext first = start(db, 1)) {
            Http http = http(first);
            String dataset = http.uploadCsv("seed_train.csv", ArticleData.trainCsv());
            finished = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"network\": {\"maxIterations\": 200}}")
                    .json().get("id").asString();
            assertThat(http.awaitModel(finished, Duration.ofMinutes(1)).get("status").asString()).isEqualTo("SUCCEEDED");
            before = http.postJson("/models/" + finished + "/predict", Map.of("rows", rows)).json();
        }
        try (ConfigurableApplicationContext noWorkers = start(db, 0)) {
            Http http = http(noWorkers);
            String dataset = http.get("/models/" + finished).json().get("datasetId").asString();
            queued = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"network\": {\"maxIterations\": 100}}")
                    .json().get("id").asString();
            assertThat(http.get("/models/" + queued).json().get("status").asString()).isEqualTo("QUEUED");
        }
        try (ConfigurableApplicationContext restarted = start(db, 1)) {
            Http http = http(restarted);
            JsonNode model = http.awaitModel(queued, Duration.ofMinutes(1));
            assertThat(model.get("status").asString()).as(model.toString()).isEqualTo("SUCCEEDED");
            JsonNode after = http.postJson("/models/" + finished + "/predict", Map.of("rows", rows)).json();
            // Bit for bit: the JSON text of every probability is the same.
            assertThat(after.get("predictions").toString()).isEqualTo(before.get("predictions").toString());
        }
    }

    /** Starts the application as from the command line, so these settings win over application.yml. */
}
