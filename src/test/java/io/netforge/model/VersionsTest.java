package io.netforge.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

/**
 * A model's name is a registered name: successful models of a name are its versions 1, 2, 3 (numbered once, also
 * when they finish at the same moment), an alias names one of them and moves, and names, versions and aliases
 * resolve wherever an id is taken: {@code /models/{name|name@version|name@alias}/...} and the Open Inference
 * Protocol's paths.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "netforge.training.workers=2")
class VersionsTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.postgres().register(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void successfulModelsOfANameAreItsVersionsAndAnAliasNamesOne() {
        Http http = new Http(port);
        String dataset = http.postJson("/datasets/synthetic", "{\"generator\": \"circles\", \"samples\": 200,"
                + " \"noise\": 0.05, \"factor\": 0.5}").json().get("id").asString();
        String name = "churn-" + System.nanoTime();
        List<String> ids = new ArrayList<>();
        // four at once on two workers: versions are numbered as they succeed, never twice
        for (int seed = 0; seed < 4; seed++) {
            ids.add(http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"name\": \"" + name + "\","
                    + " \"network\": {\"hiddenLayers\": [4], \"maxIterations\": 50, \"seed\": " + seed + "}}")
                    .json().get("id").asString());
        }
        List<Integer> versions = new ArrayList<>();
        for (String id : ids) {
            JsonNode model = http.awaitModel(id, Duration.ofMinutes(1));
            assertThat(model.get("status").asString()).isEqualTo("SUCCEEDED");
            versions.add(model.get("version").asInt());
        }
        assertThat(versions).containsExactlyInAnyOrder(1, 2, 3, 4);
        assertThat(http.get("/models?name=" + name).json().size()).isEqualTo(4);
        String v2 = ids.get(versions.indexOf(2));
        String v3 = ids.get(versions.indexOf(3));

        JsonNode aliased = http.send("PUT", "/models/" + v2 + "/aliases/champion", null, new byte[0]).json();
        assertThat(aliased.get("aliases").toString()).isEqualTo("[\"champion\"]");
        double expected = http.postJson("/models/" + v2 + "/predict", "{\"rows\": [[0.3, 0.2]]}").json()
                .get("predictions").get(0).get("probability").asDouble();
        JsonNode infer = http.postJson("/v2/models/" + name + "/versions/champion/infer", "{\"inputs\": [{\"name\":"
                + " \"input\", \"datatype\": \"FP64\", \"shape\": [1, 2], \"data\": [0.3, 0.2]}]}").json();
        assertThat(infer.get("model_version").asString()).isEqualTo("2");
        assertThat(infer.get("outputs").get(0).get("data").get(1).asDouble()).isEqualTo(expected);

        // name, name@version and name@alias wherever an id is taken
        String v4 = ids.get(versions.indexOf(4));
        assertThat(http.get("/models/" + name).json().get("id").asString()).isEqualTo(v4);
        assertThat(http.get("/models/" + name + "@3").json().get("id").asString()).isEqualTo(v3);
        assertThat(http.get("/models/" + name + "@champion").json().get("id").asString()).isEqualTo(v2);
        for (String[] call : new String[][] {{"/predict", "rows"}, {"/invocations", "instances"}}) {
            JsonNode byAlias = http.postJson("/models/" + name + "@champion" + call[0], "{\"" + call[1]
                    + "\": [[0.3, 0.2]]}").json().get("predictions").get(0);
            assertThat(byAlias.get("probability").asDouble()).isEqualTo(expected);
        }
        assertThat(http.send("POST", "/models/" + name + "@champion/predict", "text/csv",
                "x0,x1\n0.3,0.2\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)).body())
                .contains(Double.toString(expected));
        assertThat(http.get("/models/" + name + "@2/export?format=json").json().get("header").get("modelId")
                .asString()).isEqualTo(v2);
        assertThat(http.get("/models/" + name + "/roc").status()).isEqualTo(200);
        assertThat(http.get("/models/" + name + "@champion/plots/loss").status()).isEqualTo(200);
        http.get("/models/" + name + "@9").assertProblem(404, "has no version 9", "its versions are 1, 2, 3, 4");
        http.get("/models/" + name + "@rookie").assertProblem(404, "no version or alias 'rookie'");
        http.get("/models/nobody-" + System.nanoTime()).assertProblem(404, "no SUCCEEDED model is named");
        http.postJson("/models/nobody-" + System.nanoTime() + "@champion/predict", "{\"rows\": [[1, 2]]}")
                .assertProblem(404, "no SUCCEEDED model is named");
        http.get("/models/1-2-3-4-5").assertProblem(400, "not a valid id");

        // the alias moves; deleting a version leaves the others' numbers alone
        http.send("PUT", "/models/" + v3 + "/aliases/champion", null, new byte[0]);
        assertThat(http.get("/models/" + v2).json().get("aliases").size()).isZero();
        assertThat(http.get("/models/" + v3).json().get("aliases").toString()).isEqualTo("[\"champion\"]");
        String v1 = ids.get(versions.indexOf(1));
        assertThat(http.delete("/models/" + v1).status()).isEqualTo(204);
        assertThat(http.get("/v2/models/" + name).json().get("versions").toString()).isEqualTo("[\"2\",\"3\",\"4\"]");
        assertThat(http.get("/models/" + v2).json().get("version").asInt()).isEqualTo(2);
        assertThat(http.get("/v2/models/" + name + "/versions/1").status()).isEqualTo(404);

        assertThat(http.delete("/models/" + v3 + "/aliases/champion").status()).isEqualTo(204);
        http.delete("/models/" + v3 + "/aliases/champion").assertProblem(404, "champion");
        http.send("PUT", "/models/" + v3 + "/aliases/2nd", null, new byte[0]).assertProblem(400, "alias");
        String running = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"name\": \"" + name + "\","
                + " \"network\": {\"maxIterations\": 1000000}}").json().get("id").asString();
        http.send("PUT", "/models/" + running + "/aliases/next", null, new byte[0]).assertProblem(409, "SUCCEEDED");
        assertThat(http.get("/models/" + running).json().get("version").isNull()).isTrue();
        http.postJson("/models/" + running + "/cancel", "{}");
    }

    /** Fifty moves of one alias at once, between two versions: each is answered 200, and one version holds it. */
    @Test
    void concurrentMovesOfAnAliasAreEachAnswered() throws Exception {
        Http http = new Http(port);
        String dataset = http.postJson("/datasets/synthetic", "{\"generator\": \"circles\", \"samples\": 100}")
                .json().get("id").asString();
        String name = "race-" + System.nanoTime();
        List<String> ids = new ArrayList<>();
        for (int seed = 0; seed < 2; seed++) {
            ids.add(http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"name\": \"" + name + "\","
                    + " \"network\": {\"hiddenLayers\": [2], \"maxIterations\": 5, \"seed\": " + seed + "}}")
                    .json().get("id").asString());
        }
        for (String id : ids) {
            assertThat(http.awaitModel(id, Duration.ofMinutes(1)).get("status").asString()).isEqualTo("SUCCEEDED");
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<Http.Response>> answers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String id = ids.get(i % 2);
                answers.add(pool.submit(() -> http.send("PUT", "/models/" + id + "/aliases/champion", null,
                        new byte[0])));
            }
            for (var answer : answers) {
                Http.Response response = answer.get();
                assertThat(response.status()).as(response.toString()).isIn(200, 409);
            }
        } finally {
            pool.shutdownNow();
        }
        int holders = 0;
        for (String id : ids) {
            holders += http.get("/models/" + id).json().get("aliases").size();
        }
        assertThat(holders).isEqualTo(1);
        assertThat(http.get("/models/" + name + "@champion").status()).isEqualTo(200);
    }

    /**
     * Names never hold what references are built from: a model named base@champion would take over that alias's
     * path. Every name a client gives follows one rule (datasets, models, experiments, imports), 400 naming it.
     */
    @Test
    void namesHoldNoCharacterReferencesAreBuiltFromNorControlCharacters() {
        Http http = new Http(port);
        String dataset = http.postJson("/datasets/synthetic", "{\"generator\": \"circles\", \"samples\": 50}")
                .json().get("id").asString();
        for (String bad : new String[] {"base@champion", "team/model", "tab\tthere", "bell\u0007", "   ",
                "x".repeat(201)}) {
            String json = Http.write(bad);
            http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"name\": " + json + "}")
                    .assertProblem(400, "name");
            assertThat(http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"name\": " + json + "}")
                    .json().get("field").asString()).isEqualTo("name");
            http.postJson("/experiments", "{\"name\": " + json + ", \"request\": {\"datasetId\": \"" + dataset
                    + "\", \"testFraction\": 0.2}, \"grid\": {\"learningRate\": [0.1]}}").assertProblem(400, "name");
            if (!bad.isBlank()) { // a dataset without a name (a form's empty field) is named after its data
                http.postJson("/datasets/synthetic", "{\"generator\": \"circles\", \"samples\": 50, \"name\": "
                        + json + "}").assertProblem(400, "name");
            }
        }
        http.post("/datasets?name=a%40b", "text/csv", "x,y\n1,0\n2,1\n".getBytes()).assertProblem(400, "'@'");
        http.post("/datasets?name=a%0Ab", "text/csv", "x,y\n1,0\n2,1\n".getBytes()).assertProblem(400, "U+000A");
        // a name made from a file's name keeps what it can
        byte[] multipart = ("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"me@home.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\nx,y\n1,0\n2,1\n\r\n--b--\r\n").getBytes();
        assertThat(http.post("/datasets", "multipart/form-data; boundary=b", multipart).json().get("name").asString())
                .isEqualTo("me_home.csv");
        // an import's name, from its header or the query
        String model = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"name\": \"plain\","
                + " \"network\": {\"hiddenLayers\": [2], \"maxIterations\": 5}}").json().get("id").asString();
        http.awaitModel(model, Duration.ofMinutes(1));
        byte[] npz = http.getBytes("/models/" + model + "/export");
        http.post("/models/import?name=x%40y", "application/octet-stream", npz).assertProblem(400, "'@'");
    }
}
