package io.netforge.prediction;

import static io.netforge.support.Instances.http;
import static io.netforge.support.Instances.start;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import io.netforge.support.ArticleData;
import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

/**
 * A scoring is a job like a training: while it waits (here on an instance that runs no jobs) its dataset cannot be
 * deleted, it can be cancelled, and it goes with its model.
 */
class ScoringJobTest {

    @Test
    void aQueuedScoringKeepsItsDatasetCanBeCancelledAndGoesWithItsModel() {
        TestDatabases.Db db = TestDatabases.postgres();
        String model;
        try (ConfigurableApplicationContext trainer = start(db, 1)) {
            Http http = http(trainer);
            String dataset = http.uploadCsv("seed_train.csv", ArticleData.trainCsv());
            model = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"network\": {\"maxIterations\": 50}}")
                    .json().get("id").asString();
            assertThat(http.awaitModel(model, Duration.ofMinutes(1)).get("status").asString()).isEqualTo("SUCCEEDED");
        }
        try (ConfigurableApplicationContext idle = start(db, 0)) {
            Http http = http(idle);
            String rows = http.uploadCsv("seed_test.csv", ArticleData.testCsv());
            Http.Response submitted = http.postJson("/models/" + model + "/scorings", "{\"datasetId\": \"" + rows + "\"}");
            assertThat(submitted.status()).as(submitted.toString()).isEqualTo(202);
            JsonNode scoring = submitted.json();
            String id = scoring.get("id").asString();
            assertThat(scoring.get("status").asString()).isEqualTo("QUEUED");

            JsonNode refused = http.delete("/datasets/" + rows).assertProblem(409, "still needed", id).json();
            assertThat(refused.get("jobs").values()).extracting(JsonNode::asString).containsExactly(id);

            String path = "/models/" + model + "/scorings/" + id;
            JsonNode cancelled = http.postJson(path + "/cancel", "{}").json();
            assertThat(cancelled.get("status").asString()).isEqualTo("CANCELLED");
            assertThat(cancelled.get("finishedAt").isNull()).isFalse();
            http.postJson(path + "/cancel", "{}").assertProblem(409, "CANCELLED");
            http.postJson("/models/" + model + "/scorings/00000000-0000-0000-0000-000000000009/cancel", "{}")
                    .assertProblem(404);
            assertThat(http.delete("/datasets/" + rows).status()).isEqualTo(204);

            String another = http.uploadCsv("seed_test.csv", ArticleData.testCsv());
            String waiting = http.postJson("/models/" + model + "/scorings", "{\"datasetId\": \"" + another + "\"}")
                    .json().get("id").asString();
            assertThat(http.delete("/models/" + model).status()).isEqualTo(204);
            http.get("/models/" + model + "/scorings/" + waiting).assertProblem(404);
            // its job went with it: the dataset is free
            assertThat(http.delete("/datasets/" + another).status()).isEqualTo(204);
        }
    }
}
