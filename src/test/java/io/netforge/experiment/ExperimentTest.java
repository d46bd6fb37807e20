package io.netforge.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

/**
 * Experiments end to end over HTTP: a grid with seeds as replicates, cross-validated on stratified folds, each run a
 * job on the queue; the leaderboard, the figure's series, refit, cancel, delete, and bad requests naming the field.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"netforge.training.workers=2", "netforge.experiments.max-runs=40"})
class ExperimentTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @LocalServerPort
    int port;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    private String dataset(int samples) {
        Http.Response made = http.postJson("/datasets/synthetic", """
                {"samples": %d, "features": 8, "informative": 5, "redundant": 1, "flipY": 0.02, "seed": 4}
                """.formatted(samples));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        return made.json().get("id").asString();
    }

    private JsonNode await(String id) {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            JsonNode view = http.get("/experiments/" + id).json();
            String status = view.get("status").asString();
            if (status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED")) {
                return view;
            }
            assertThat(System.nanoTime()).as("experiment still " + status).isLessThan(deadline);
            sleep(50);
        }
    }

    @Test
    void crossValidatesEveryConfigurationOverSeedsAndFoldsAndRanksThem() {
        String dataset = dataset(600);
        Http.Response accepted = http.postJson("/experiments", """
                {"name": "nodes", "folds": 3, "metric": "auc",
                 "request": {"datasetId": "%s", "network": {"maxIterations": 300, "learningRate": 1.0}},
                 "grid": {"hiddenLayers": [[1], [8, 3], [4]], "seed": [0, 1]}}
                """.formatted(dataset));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        String id = accepted.json().get("id").asString();
        assertThat(accepted.location()).endsWith("/experiments/" + id);
        assertThat(accepted.json().get("progress").get("runs").asInt()).isEqualTo(18);
        assertThat(accepted.json().get("status").asString()).isIn("QUEUED", "RUNNING");

        JsonNode done = await(id);
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("progress").get("succeeded").asInt()).isEqualTo(18);
        assertThat(done.get("configurations").asInt()).isEqualTo(3);
        assertThat(done.get("seeds").toString()).isEqualTo("[0,1]");
        JsonNode board = done.get("leaderboard");
        assertThat(board.size()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            JsonNode entry = board.get(i);
            assertThat(entry.get("runs").asInt()).isEqualTo(6);
            assertThat(entry.get("metrics").get("auc").get("n").asInt()).isEqualTo(6);
            assertThat(entry.get("metrics").get("accuracy").get("sd").isNumber()).isTrue();
            if (i > 0) {
                assertThat(entry.get("metrics").get("auc").get("mean").asDouble())
                        .isLessThanOrEqualTo(board.get(i - 1).get("metrics").get("auc").get("mean").asDouble());
            }
        }
        assertThat(done.get("best")).isEqualTo(board.get(0));
        JsonNode series = done.get("series");
        assertThat(series.values().stream().map(p -> p.get("hiddenNodes").asInt())).containsExactly(1, 4, 11);
        assertThat(series.get(2).get("hiddenLayers").toString()).isEqualTo("[8,3]");

        // the runs are models of their own, listed apart from the others
        JsonNode runs = http.get("/models?experimentId=" + id).json();
        assertThat(runs.size()).isEqualTo(18);
        Set<String> cells = new HashSet<>();
        long[] testRows = new long[6];
        for (JsonNode run : runs) {
            assertThat(run.get("experimentId").asString()).isEqualTo(id);
            int fold = run.get("fold").get("index").asInt();
            long seed = run.get("network").get("seed").asLong();
            cells.add(run.get("network").get("hiddenLayers") + " " + seed + " " + fold);
            if (run.get("network").get("hiddenLayers").toString().equals("[4]")) {
                testRows[(int) seed * 3 + fold] = run.get("metrics").get("test").get("rows").asLong();
            }
        }
        assertThat(cells).hasSize(18);
        // three folds test every row once, a third of each class each (classes of odd size give one fold a row more);
        // both seeds see the same folds
        assertThat(testRows[0] + testRows[1] + testRows[2]).isEqualTo(600);
        for (long rows : testRows) {
            assertThat(rows).isBetween(199L, 201L);
        }
        assertThat(new long[] {testRows[3], testRows[4], testRows[5]}).containsExactly(testRows[0], testRows[1], testRows[2]);
        for (JsonNode model : http.get("/models").json()) {
            assertThat(model.get("experimentId").isNull()).isTrue();
        }
        assertThat(http.get("/experiments").json().values().stream().map(e -> e.get("id").asString())).contains(id);

        // refit: the best configuration on all the rows, as an ordinary model
        Http.Response refit = http.postJson("/experiments/" + id + "/refit", "{}");
        assertThat(refit.status()).as(refit.toString()).isEqualTo(202);
        JsonNode model = http.awaitModel(refit.json().get("id").asString(), Duration.ofMinutes(1));
        assertThat(model.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(model.get("network").get("hiddenLayers")).isEqualTo(done.get("best").get("hiddenLayers"));
        assertThat(model.get("experimentId").isNull()).isTrue();
        assertThat(model.get("provenance").get("trainRows").asLong()).isEqualTo(600);

        // deleting the experiment deletes its runs, not the refit model
        String aRun = runs.get(0).get("id").asString();
        assertThat(http.delete("/experiments/" + id).status()).isEqualTo(204);
        assertThat(http.get("/experiments/" + id).status()).isEqualTo(404);
        assertThat(http.get("/models/" + aRun).status()).isEqualTo(404);
        assertThat(http.get("/models/" + model.get("id").asString()).status()).isEqualTo(200);
    }

    @Test
    void aGridWithoutFoldsIsEvaluatedOnTheRequestsTestFraction() {
        String dataset = dataset(400);
        Http.Response accepted = http.postJson("/experiments", """
                {"request": {"datasetId": "%s", "testFraction": 0.25, "network": {"hiddenLayers": [4],
                             "maxIterations": 200}},
                 "grid": {"learningRate": [0.1, 1.0], "activation": ["sigmoid", "tanh"]}, "metric": "logLoss"}
                """.formatted(dataset));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        JsonNode done = await(accepted.json().get("id").asString());
        assertThat(done.get("status").asString()).isEqualTo("SUCCEEDED");
        JsonNode board = done.get("leaderboard");
        assertThat(board.size()).isEqualTo(4);
        // log-loss: lower is better
        for (int i = 1; i < 4; i++) {
            assertThat(board.get(i).get("metrics").get("logLoss").get("mean").asDouble())
                    .isGreaterThanOrEqualTo(board.get(i - 1).get("metrics").get("logLoss").get("mean").asDouble());
        }
        assertThat(board.get(0).get("settings").size()).isEqualTo(2);
        assertThat(board.get(0).get("metrics").get("logLoss").get("sd").isNull()).isTrue();
        assertThat(board.get(0).get("metrics").get("logLoss").get("n").asInt()).isEqualTo(1);
    }

    @Test
    void cancellingAnExperimentCancelsEveryRun() {
        String dataset = dataset(400);
        Http.Response accepted = http.postJson("/experiments", """
                {"request": {"datasetId": "%s", "testFraction": 0.2, "network": {"maxIterations": 1000000}},
                 "grid": {"seed": [0, 1, 2, 3, 4, 5]}}
                """.formatted(dataset));
        String id = accepted.json().get("id").asString();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (http.get("/experiments/" + id).json().get("progress").get("running").asInt() == 0) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            sleep(20);
        }
        Http.Response cancelled = http.postJson("/experiments/" + id + "/cancel", "{}");
        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
        JsonNode done = await(id);
        assertThat(done.get("status").asString()).isEqualTo("CANCELLED");
        assertThat(done.get("progress").get("cancelled").asInt()).isEqualTo(6);
        assertThat(done.get("best").isNull()).isTrue();
        http.postJson("/experiments/" + id + "/cancel", "{}").assertProblem(409, "already CANCELLED");
        http.postJson("/experiments/" + id + "/refit", "{}").assertProblem(409, "no best configuration");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no request          | {}                                                                   | 400 | request",
            "no test rows        | {\"request\": {\"datasetId\": \"{d}\"}}                              | 400 | request.testFraction",
            "folds and fraction  | {\"request\": {\"datasetId\": \"{d}\", \"testFraction\": 0.2}, \"folds\": 3} | 400 | folds",
            "one fold            | {\"request\": {\"datasetId\": \"{d}\"}, \"folds\": 1}                | 400 | folds",
            "unknown dataset     | {\"request\": {\"datasetId\": \"00000000-0000-0000-0000-000000000001\", \"testFraction\": 0.2}} | 404 | request.datasetId",
            "bad base network    | {\"request\": {\"datasetId\": \"{d}\", \"testFraction\": 0.2, \"network\": {\"learningRate\": -1}}} | 400 | request.network.learningRate",
            "unknown grid field  | {\"request\": {\"datasetId\": \"{d}\", \"testFraction\": 0.2}, \"grid\": {\"epochs\": [1]}} | 400 | grid.epochs",
            "empty grid values   | {\"request\": {\"datasetId\": \"{d}\", \"testFraction\": 0.2}, \"grid\": {\"seed\": []}} | 400 | grid.seed",
            "bad grid value      | {\"request\": {\"datasetId\": \"{d}\", \"testFraction\": 0.2}, \"grid\": {\"hiddenLayers\": [[2], [0]]}} | 400 | grid.hiddenLayers[1][0]",
            "mistyped grid value | {\"request\": {\"datasetId\": \"{d}\", \"testFraction\": 0.2}, \"grid\": {\"learningRate\": [0.1, \"fast\"]}} | 400 | grid.learningRate[1]",
            "grid not lists      | {\"request\": {\"datasetId\": \"{d}\", \"testFraction\": 0.2}, \"grid\": {\"seed\": 3}} | 400 | grid.seed",
            "metric of another   | {\"request\": {\"datasetId\": \"{d}\", \"testFraction\": 0.2}, \"metric\": \"rmse\"} | 400 | metric",
            "too many runs       | {\"request\": {\"datasetId\": \"{d}\"}, \"folds\": 5, \"grid\": {\"seed\": [0,1,2,3,4,5,6,7,8]}} | 400 | grid",
            "more folds than rows| {\"request\": {\"datasetId\": \"{small}\"}, \"folds\": 20}           | 422 | request.folds"})
    void refusesBadExperimentsNamingTheField(String what, String body, int status, String field) {
        String request = body.replace("{d}", dataset(300));
        if (request.contains("{small}")) {
            request = request.replace("{small}", dataset(30));
        }
        Http.Response response = http.postJson("/experiments", request);
        if (status == 404) {
            response.assertProblem(status, "does not exist");
        } else {
            response.assertProblem(status, field);
        }
        assertThat(response.json().get("field").asString()).isEqualTo(field);
        assertThat(http.get("/models?limit=1000").json().values().stream()
                .filter(m -> !m.get("experimentId").isNull())).isEmpty();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
