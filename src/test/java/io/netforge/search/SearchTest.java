package io.netforge.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

/**
 * Searches end to end over HTTP: the rungs scikit-learn would plan, each rung's runs jobs on the queue, the best
 * third going on, the refit as a named model; the same request twice gives the same leaderboard bytes and the same
 * weights; {@code "network": "auto"}; cancel, delete, and bad requests naming the field.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"netforge.training.workers=2", "netforge.searches.poll=20"})
class SearchTest {

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

    private String dataset(int samples, int classes) {
        Http.Response made = http.postJson("/datasets/synthetic", """
                {"samples": %d, "features": 6, "informative": 4, "redundant": 1, "classes": %d, "seed": 7}
                """.formatted(samples, classes));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        return made.json().get("id").asString();
    }

    private JsonNode await(String path) {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            JsonNode view = http.get(path).json();
            String status = view.get("status").asString();
            if (status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED")) {
                return view;
            }
            assertThat(System.nanoTime()).as(path + " still " + status).isLessThan(deadline);
            sleep(50);
        }
    }

    private static final String SMALL = """
            {"name": "%s", "seed": 5, "factor": 3, "minResources": 2, "maxResources": 18, "candidates": 9, "folds": 0,
             "space": {"depth": [1, 2], "widths": [4, 8, 16], "batchSize": [32, 64]},
             "request": {"datasetId": "%s", "testFraction": 0.2}}
            """;

    @Test
    void halvesTheCandidatesRungByRungAndRefitsTheBest() {
        String dataset = dataset(400, 2);
        Http.Response accepted = http.postJson("/searches", SMALL.formatted("small", dataset));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        String id = accepted.json().get("id").asString();
        assertThat(accepted.location()).endsWith("/searches/" + id);
        JsonNode schedule = accepted.json().get("schedule");
        assertThat(schedule.get("resources").toString()).isEqualTo("[2,6,18]");
        assertThat(schedule.get("candidates").toString()).isEqualTo("[9,3,1]");
        assertThat(accepted.json().get("evaluation").asString()).isEqualTo("validation");

        JsonNode done = await("/searches/" + id);
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("endedBy").asString()).isEqualTo("completed");
        assertThat(done.get("reproducible").asBoolean()).isTrue();
        JsonNode rungs = done.get("rungs");
        assertThat(rungs.size()).isEqualTo(3);
        int[] runs = {9, 3, 1};
        for (int r = 0; r < 3; r++) {
            assertThat(rungs.get(r).get("runs").asInt()).isEqualTo(runs[r]);
            assertThat(rungs.get(r).get("succeeded").asInt()).isEqualTo(runs[r]);
        }
        JsonNode board = done.get("leaderboard");
        assertThat(board.size()).isEqualTo(9);
        assertThat(board.get(0).get("rung").asInt()).isEqualTo(2);
        assertThat(board.get(0).get("epochs").asInt()).isEqualTo(18);
        assertThat(board.get(1).get("rung").asInt()).isEqualTo(1);
        assertThat(board.get(3).get("rung").asInt()).isEqualTo(0);
        assertThat(done.get("best")).isEqualTo(board.get(0));
        assertThat(board.get(0).get("metric").get("mean").asDouble()).isGreaterThan(0.8);
        // the three of rung 1 were the best three of rung 0, by validation AUC
        List<Integer> promoted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            promoted.add(board.get(i).get("candidate").asInt());
        }
        assertThat(done.get("timings").size()).isEqualTo(9);

        // its events: progress by rung, then the search itself
        String events = http.get("/searches/" + id + "/events").body();
        assertThat(events).contains("event:progress", "\"rungs\":[{\"rung\":0,\"epochs\":2", "event:search");
        assertThat(events.substring(events.lastIndexOf("event:search"))).contains("\"endedBy\":\"completed\"");

        String model = done.get("model").asString();
        JsonNode refit = await("/models/" + model);
        assertThat(refit.get("status").asString()).as(refit.path("error").toString()).isEqualTo("SUCCEEDED");
        assertThat(refit.get("name").asString()).isEqualTo("small");
        JsonNode best = board.get(0).get("settings");
        assertThat(refit.get("network").get("hiddenLayers")).isEqualTo(best.get("hiddenLayers"));
        assertThat(refit.get("network").get("maxIterations").asInt()).isEqualTo(18);
        assertThat(refit.get("network").get("earlyStopping").isObject()).isTrue();

        // the same request again: the same leaderboard, byte for byte, and the same model
        Http.Response again = http.postJson("/searches", SMALL.formatted("small", dataset));
        JsonNode second = await("/searches/" + again.json().get("id").asString());
        assertThat(second.get("leaderboard").toString()).isEqualTo(board.toString());
        JsonNode secondModel = await("/models/" + second.get("model").asString());
        assertThat(secondModel.get("version").asInt()).isEqualTo(2);
        for (String same : List.of("network", "metrics", "lossCurve", "validationLossCurve")) {
            assertThat(secondModel.get(same)).as(same).isEqualTo(refit.get(same));
        }
        JsonNode weights = http.get("/models/" + model + "/export?format=json").json().get("arrays");
        assertThat(weights.has("W0")).isTrue();
        assertThat(http.get("/models/" + secondModel.get("id").asString() + "/export?format=json").json().get("arrays"))
                .isEqualTo(weights);

        // its runs are models of the search, apart from the named ones
        assertThat(http.get("/models?experimentId=" + id).json().size()).isEqualTo(13);
    }

    @Test
    void crossValidatesEachRungOnTheSameFolds() {
        String dataset = dataset(300, 3);
        Http.Response accepted = http.postJson("/searches", """
                {"folds": 3, "factor": 2, "minResources": 2, "maxResources": 8, "candidates": 4, "metric": "logLoss",
                 "space": {"depth": [1, 1], "widths": [8, 16], "optimizer": ["adam"]},
                 "request": {"datasetId": "%s", "name": "cv", "testFraction": 0.2}}
                """.formatted(dataset));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        assertThat(accepted.json().get("evaluation").asString()).isEqualTo("folds");
        assertThat(accepted.json().get("schedule").get("runs").asInt()).isEqualTo(21);
        JsonNode done = await("/searches/" + accepted.json().get("id").asString());
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("task").asString()).isEqualTo("multiclass");
        JsonNode best = done.get("best");
        assertThat(best.get("rung").asInt()).isEqualTo(2);
        assertThat(best.get("metric").get("n").asInt()).isEqualTo(3);
        assertThat(best.get("metric").get("sd").isNumber()).isTrue();
        assertThat(best.get("metrics").get("accuracy").get("n").asInt()).isEqualTo(3);
        // lower log-loss is better: the leaderboard's rung-0 lines ascend
        JsonNode board = done.get("leaderboard");
        double previous = -1;
        for (JsonNode line : board) {
            if (line.get("rung").asInt() == 0) {
                assertThat(line.get("metric").get("mean").asDouble()).isGreaterThanOrEqualTo(previous);
                previous = line.get("metric").get("mean").asDouble();
            }
        }
        // the folds are of the 240 rows the test split leaves: the test rows are never seen by a run
        long[] heldOut = new long[3];
        for (JsonNode run : http.get("/models?experimentId=" + done.get("id").asString() + "&limit=1000").json()) {
            assertThat(run.get("testFraction").asDouble()).isEqualTo(0.2);
            if (run.get("name").asString().startsWith("cv #" + best.get("candidate").asInt() + " rung 0 fold ")) {
                heldOut[run.get("fold").get("index").asInt()] = run.get("metrics").get("test").get("rows").asLong();
                assertThat(run.get("metrics").get("train").get("rows").asLong()
                        + run.get("metrics").get("validation").get("rows").asLong() + heldOut[run.get("fold").get("index")
                        .asInt()]).isEqualTo(240);
            }
        }
        assertThat(heldOut[0] + heldOut[1] + heldOut[2]).isEqualTo(240);
        JsonNode model = await("/models/" + done.get("model").asString());
        assertThat(model.get("status").asString()).isEqualTo("SUCCEEDED");
        // refitted on every training row (no fold held out), tested on the 60 test rows
        assertThat(model.get("fold").isNull()).isTrue();
        assertThat(model.get("metrics").get("test").get("rows").asInt()).isEqualTo(60);
        assertThat(model.get("metrics").get("train").get("rows").asInt()
                + model.get("metrics").get("validation").get("rows").asInt()).isEqualTo(240);
    }

    @Test
    void networkAutoIsTheShortWay() {
        String dataset = dataset(300, 2);
        Http.Response accepted = http.postJson("/models", """
                {"datasetId": "%s", "name": "churn", "testFraction": 0.25, "network": "auto",
                 "search": {"minResources": 3, "maxResources": 27, "candidates": 9,
                            "space": {"widths": [8, 16, 32], "depth": [1, 2]}}}
                """.formatted(dataset));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(303);
        String id = accepted.json().get("id").asString();
        assertThat(accepted.location()).endsWith("/searches/" + id);
        assertThat(accepted.json().get("name").asString()).isEqualTo("churn");
        // 225 training rows: ranked by 5-fold cross-validation by default
        assertThat(accepted.json().get("evaluation").asString()).isEqualTo("folds");
        assertThat(accepted.json().get("folds").asInt()).isEqualTo(5);
        JsonNode done = await("/searches/" + id);
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        JsonNode model = await("/models/" + done.get("model").asString());
        assertThat(model.get("name").asString()).isEqualTo("churn");
        assertThat(model.get("testFraction").asDouble()).isEqualTo(0.25);
        assertThat(model.get("metrics").get("test").get("auc").asDouble()).isGreaterThan(0.8);
        assertThat(http.get("/models/churn").json().get("id").asString()).isEqualTo(model.get("id").asString());

        // the object form keeps the fields it gives in every candidate
        Http.Response fixed = http.postJson("/models", """
                {"datasetId": "%s", "name": "fixed", "network": {"auto": true, "optimizer": {"type": "adam"},
                 "activation": "tanh"}, "search": {"minResources": 1, "maxResources": 3, "candidates": 3}}
                """.formatted(dataset));
        assertThat(fixed.status()).as(fixed.toString()).isEqualTo(303);
        for (JsonNode line : await("/searches/" + fixed.json().get("id").asString()).get("leaderboard")) {
            assertThat(line.get("settings").get("optimizer").asString()).isEqualTo("adam");
            assertThat(line.get("settings").get("activation").asString()).isEqualTo("tanh");
        }

        // the default budget, as the schedule shows it
        Http.Response defaults = http.postJson("/models", """
                {"datasetId": "%s", "network": "auto"}""".formatted(dataset));
        assertThat(defaults.status()).as(defaults.toString()).isEqualTo(303);
        JsonNode schedule = defaults.json().get("schedule");
        assertThat(schedule.get("resources").toString()).isEqualTo("[3,9,27,81]");
        assertThat(schedule.get("candidates").toString()).isEqualTo("[27,9,3,1]");
        String other = defaults.json().get("id").asString();
        assertThat(http.postJson("/searches/" + other + "/cancel", "").status()).isEqualTo(200);
        JsonNode cancelled = await("/searches/" + other);
        assertThat(cancelled.get("status").asString()).isEqualTo("CANCELLED");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (open(cancelled = http.get("/searches/" + other).json()) > 0) {
            assertThat(System.nanoTime()).as(cancelled.toString()).isLessThan(deadline);
            sleep(50);
        }
        assertThat(cancelled.get("model").isNull()).isTrue();

        assertThat(http.delete("/searches/" + other).status()).isEqualTo(204);
        assertThat(http.get("/searches/" + other).status()).isEqualTo(404);
        assertThat(http.get("/models?experimentId=" + other).json().size()).isZero();
    }

    /** A wall-clock limit stops scheduling rungs: the best of the last finished rung is refitted, not reproducibly. */
    @Test
    void aWallClockLimitEndsTheSearchEarlyAndSaysSo() {
        Http.Response made = http.postJson("/datasets/synthetic", """
                {"samples": 6000, "features": 10, "informative": 5, "seed": 2}""");
        String dataset = made.json().get("id").asString();
        Http.Response accepted = http.postJson("/searches", """
                {"wallClockSeconds": 1, "space": {"widths": [64, 128]},
                 "request": {"datasetId": "%s", "testFraction": 0.2}}""".formatted(dataset));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        assertThat(accepted.json().get("reproducible").asBoolean()).isFalse();
        assertThat(accepted.json().get("evaluation").asString()).isEqualTo("validation"); // 4,800 training rows
        JsonNode done = await("/searches/" + accepted.json().get("id").asString());
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("endedBy").asString()).isEqualTo("deadline");
        int reached = done.get("best").get("rung").asInt();
        assertThat(reached).isLessThan(3);
        for (int r = reached + 1; r < 4; r++) {
            assertThat(done.get("rungs").get(r).get("runs").asInt()).isZero();
        }
        JsonNode model = await("/models/" + done.get("model").asString());
        assertThat(model.get("network").get("maxIterations").asLong())
                .isEqualTo(done.get("schedule").get("resources").get(reached).asLong());
    }

    private static int open(JsonNode search) {
        int open = 0;
        for (JsonNode rung : search.get("rungs")) {
            open += rung.get("queued").asInt() + rung.get("running").asInt();
        }
        return open;
    }

    @Test
    void badRequestsNameTheField() {
        String dataset = dataset(200, 2);
        record Case(String body, String field, int status) {
        }
        List<Case> cases = List.of(
                new Case("{\"request\": {\"datasetId\": \"%s\", \"network\": {\"maxIterations\": 5}}}",
                        "request.network.maxIterations", 400),
                new Case("{\"minResources\": \"lots\", \"request\": {\"datasetId\": \"%s\"}}", "minResources", 400),
                new Case("{\"minResources\": \"exhaust\", \"request\": {\"datasetId\": \"%s\"}}", "candidates", 400),
                new Case("{\"factor\": 1, \"request\": {\"datasetId\": \"%s\"}}", "factor", 400),
                new Case("{\"maxResources\": 0, \"request\": {\"datasetId\": \"%s\"}}", "maxResources", 400),
                new Case("{\"candidates\": 100000, \"request\": {\"datasetId\": \"%s\"}}", "candidates", 400),
                new Case("{\"space\": {\"widths\": [8, 0]}, \"request\": {\"datasetId\": \"%s\"}}",
                        "space.widths[1]", 400),
                new Case("{\"space\": {\"activation\": [\"swish\"]}, \"request\": {\"datasetId\": \"%s\"}}",
                        "space.activation[0]", 400),
                new Case("{\"space\": {\"learningRate\": {\"adam\": [0.1, 0.01]}}, \"request\": {\"datasetId\": \"%s\"}}",
                        "space.learningRate.adam", 400),
                new Case("{\"space\": {\"depth\": [2, 1]}, \"request\": {\"datasetId\": \"%s\"}}", "space.depth", 400),
                new Case("{\"folds\": 1, \"request\": {\"datasetId\": \"%s\", \"testFraction\": 0.2}}", "folds", 400),
                new Case("{\"metric\": \"r2\", \"request\": {\"datasetId\": \"%s\"}}", "metric", 400),
                new Case("{\"request\": {\"datasetId\": \"%s\", \"label\": \"nope\"}}", "request.label", 400),
                new Case("{\"wallClockSeconds\": 0, \"request\": {\"datasetId\": \"%s\"}}", "wallClockSeconds", 400));
        for (Case c : cases) {
            Http.Response answer = http.postJson("/searches", c.body().formatted(dataset));
            assertThat(answer.status()).as(c.body() + " -> " + answer).isEqualTo(c.status());
            assertThat(answer.contentType()).as(answer.toString()).startsWith("application/problem+json");
            assertThat(answer.json().get("field").asString()).as(answer.toString()).isEqualTo(c.field());
        }
        Http.Response missing = http.postJson("/searches", "{}");
        assertThat(missing.json().get("field").asString()).isEqualTo("request");

        record AutoCase(String body, String field) {
        }
        for (AutoCase c : List.of(
                new AutoCase("{\"datasetId\": \"%s\", \"network\": \"big\"}", "network"),
                new AutoCase("{\"datasetId\": \"%s\", \"network\": \"auto\", \"search\": {\"factor\": 1}}", "search.factor"),
                new AutoCase("{\"datasetId\": \"%s\", \"network\": \"auto\", \"search\": {\"maxResources\": \"x\"}}",
                        "search.maxResources"),
                new AutoCase("{\"datasetId\": \"%s\", \"network\": \"auto\", \"search\": {\"name\": \"x\"}}", "search.name"),
                new AutoCase("{\"datasetId\": \"%s\", \"network\": \"auto\", \"bogus\": 1}", "bogus"),
                new AutoCase("{\"datasetId\": \"%s\", \"network\": \"auto\", \"search\": {\"bogus\": 1}}", "search.bogus"),
                new AutoCase("{\"datasetId\": \"%s\", \"network\": \"auto\", \"search\": [1]}", "search"),
                new AutoCase("{\"datasetId\": \"%s\", \"search\": {}}", "search"),
                new AutoCase("{\"datasetId\": \"%s\", \"network\": {\"hiddenLayers\": \"x\"}}", "network.hiddenLayers"))) {
            Http.Response answer = http.postJson("/models", c.body().formatted(dataset));
            assertThat(answer.status()).as(c.body() + " -> " + answer).isEqualTo(400);
            assertThat(answer.json().get("field").asString()).as(answer.toString()).isEqualTo(c.field());
        }
        assertThat(http.get("/searches/" + java.util.UUID.randomUUID()).status()).isEqualTo(404);
        // a class too rare for 5 folds: ranked on the validation rows instead (decided before anything is written)
        StringBuilder rare = new StringBuilder("x,y\n");
        for (int r = 0; r < 60; r++) {
            rare.append(r).append(',').append(r < 3 ? "rare" : r % 2 == 0 ? "even" : "odd").append('\n');
        }
        String rareId = http.post("/datasets?name=rare", "text/csv", rare.toString().getBytes()).json().get("id")
                .asString();
        Http.Response fallback = http.postJson("/models", """
                {"datasetId": "%s", "network": "auto", "search": {"maxResources": 3, "candidates": 2}}"""
                .formatted(rareId));
        assertThat(fallback.status()).as(fallback.toString()).isEqualTo(303);
        assertThat(fallback.json().get("evaluation").asString()).isEqualTo("validation");
        // a searched network is for POST /models and POST /searches only
        Http.Response experiment = http.postJson("/experiments", """
                {"request": {"datasetId": "%s", "testFraction": 0.2, "network": {"auto": true}}}""".formatted(dataset));
        assertThat(experiment.status()).as(experiment.toString()).isEqualTo(400);
        assertThat(experiment.json().get("field").asString()).isEqualTo("request.network.auto");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
