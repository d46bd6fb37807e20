package io.netforge.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /models/{id}/reproduce} retrains a model from its provenance and says whether the weights' SHA-256
 * matches: for mini-batch Adam with a test fraction and early stopping, and for a multi-class model of categorical
 * data with missing values, they do; and what cannot be reproduced is a 409 that says why.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReproduceTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @LocalServerPort
    int port;

    private JsonNode trained(Http http, String body) {
        Http.Response accepted = http.postJson("/models", body);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        JsonNode model = http.awaitModel(accepted.json().get("id").asString(), Duration.ofMinutes(2));
        assertThat(model.get("status").asString()).as(model.toString()).isEqualTo("SUCCEEDED");
        return model;
    }

    private JsonNode reproduced(Http http, String reference, String original) {
        Http.Response accepted = http.postJson("/models/" + reference + "/reproduce", "{}");
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        assertThat(accepted.json().get("reproduction").get("of").asString()).isEqualTo(original);
        assertThat(accepted.json().get("reproduction").get("matches").isNull()).isTrue();
        JsonNode copy = http.awaitModel(accepted.json().get("id").asString(), Duration.ofMinutes(2));
        assertThat(copy.get("status").asString()).as(copy.toString()).isEqualTo("SUCCEEDED");
        return copy;
    }

    @Test
    void aRetrainingFromProvenanceGivesTheSameWeightsBitForBit() throws Exception {
        Http http = new Http(port);
        String moons = http.postJson("/datasets/synthetic", "{\"generator\": \"moons\", \"samples\": 400,"
                + " \"noise\": 0.25, \"seed\": 4}").json().get("id").asString();
        String name = "reproducible-" + System.nanoTime();
        JsonNode original = trained(http, "{\"datasetId\": \"" + moons + "\", \"name\": \"" + name + "\","
                + " \"testFraction\": 0.25, \"network\": {\"hiddenLayers\": [6], \"activation\": \"tanh\","
                + " \"optimizer\": {\"type\": \"adam\"}, \"learningRate\": 0.01, \"batchSize\": 32, \"maxIterations\": 60,"
                + " \"seed\": 7, \"earlyStopping\": {\"patience\": 5}}}");
        JsonNode copy = reproduced(http, name + "@1", original.get("id").asString());
        JsonNode reproduction = copy.get("reproduction");
        assertThat(reproduction.get("matches").asBoolean()).as(copy.toString()).isTrue();
        assertThat(reproduction.get("sha256").asString()).isEqualTo(reproduction.get("expectedSha256").asString())
                .hasSize(64);
        assertThat(copy.get("metrics")).isEqualTo(original.get("metrics"));
        assertThat(copy.get("name").asString()).isEqualTo(name);
        // a reproduction is not a version of the name
        assertThat(copy.get("version").isNull()).isTrue();
        assertThat(http.get("/models/" + name).json().get("id").asString()).isEqualTo(original.get("id").asString());

        String customers = http.post("/datasets?ignore=customer_id", "text/csv",
                Files.readAllBytes(Path.of("examples/data/customers-train.csv"))).json().get("id").asString();
        JsonNode multiclass = trained(http, "{\"datasetId\": \"" + customers + "\", \"network\": {\"hiddenLayers\": [5],"
                + " \"maxIterations\": 40, \"classWeights\": \"balanced\"}, \"preprocessing\": {\"missingIndicators\": true}}");
        JsonNode again = reproduced(http, multiclass.get("id").asString(), multiclass.get("id").asString());
        assertThat(again.get("reproduction").get("matches").asBoolean()).as(again.toString()).isTrue();
    }

    @Test
    void refusesWhatCannotBeReproducedSayingWhy() throws Exception {
        Http http = new Http(port);
        String dataset = http.postJson("/datasets/synthetic", "{\"samples\": 100}").json().get("id").asString();
        JsonNode model = trained(http, "{\"datasetId\": \"" + dataset + "\", \"network\": {\"hiddenLayers\": [2],"
                + " \"maxIterations\": 5}}");
        String id = model.get("id").asString();

        // imported: no training data here
        java.net.http.HttpResponse<byte[]> export = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/models/" + id
                        + "/export?format=npz")).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        String imported = http.post("/models/import", "application/octet-stream", export.body()).json().get("id").asString();
        http.postJson("/models/" + imported + "/reproduce", "{}").assertProblem(409, "imported");

        String running = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"network\": {\"maxIterations\":"
                + " 1000000}}").json().get("id").asString();
        http.postJson("/models/" + running + "/reproduce", "{}").assertProblem(409, "only a SUCCEEDED model");
        http.postJson("/models/" + running + "/cancel", "{}");
        http.awaitModel(running, Duration.ofSeconds(30));

        assertThat(http.delete("/datasets/" + dataset).status()).isEqualTo(204);
        http.postJson("/models/" + id + "/reproduce", "{}").assertProblem(409, "no longer here");
        http.postJson("/models/00000000-0000-0000-0000-000000000009/reproduce", "{}").assertProblem(404, "does not exist");
    }
}
