package io.netforge.prediction;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Per-row contributions over HTTP against the independent reference: {@code reference/inspection/shapley-customers.json}
 * holds what {@code ../shared/bench/inspection_reference.py shapley} computed, through the service's own
 * {@code /predict} and with scikit-learn-free numpy alone, for three rows of a three-class model with a categorical
 * feature and missing values (the command is in the file). The same model trained here (training is bit for bit)
 * must give the same exact Shapley values to 1e-12; a sampled estimate must be within a few standard errors of them;
 * additivity holds for both.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "netforge.training.workers=1")
class ExplainTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @LocalServerPort
    int port;

    private static JsonNode fixture() throws IOException {
        return fixture("shapley-customers.json");
    }

    private static JsonNode fixture(String name) throws IOException {
        try (InputStream in = ExplainTest.class.getResourceAsStream("/reference/inspection/" + name)) {
            return JsonMapper.builder().build().readTree(in);
        }
    }

    private String model(Http http) throws IOException, InterruptedException {
        return model(http, false);
    }

    /** The README's customers model (with its test dataset, or without); training is bit for bit. */
    private String model(Http http, boolean withTest) throws IOException, InterruptedException {
        Http.Response dataset = http.post("/datasets?name=customers&ignore=customer_id", "text/csv",
                Files.readAllBytes(Path.of("examples/data/customers-train.csv")));
        assertThat(dataset.status()).as(dataset.toString()).isEqualTo(201);
        String test = "";
        if (withTest) {
            test = ", \"testDatasetId\": \"" + http.post("/datasets?name=customers-test&ignore=customer_id", "text/csv",
                    Files.readAllBytes(Path.of("examples/data/customers-test.csv"))).json().get("id").asString() + "\"";
        }
        Http.Response model = http.postJson("/models", """
                {"datasetId": "%s"%s, "name": "customers-explained", "network": {"hiddenLayers": [8], "activation": "tanh",
                 "optimizer": {"type": "adam"}, "learningRate": 0.01, "batchSize": 64, "maxIterations": 30}}
                """.formatted(dataset.json().get("id").asString(), test));
        String id = model.json().get("id").asString();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!http.get("/models/" + id).json().get("status").asString().equals("SUCCEEDED")) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(50);
        }
        return id;
    }

    private static final String ROWS = """
            {"instances": [{"age": 33, "income": 48446.71, "country": "Germany", "visits": 7},
                           {"age": null, "income": 28858.27, "country": "Spain", "visits": 7},
                           {"age": 36, "income": 48237.43, "country": "France", "visits": 11}]}""";

    @Test
    void exactContributionsAreTheReferencesAndAddUp() throws Exception {
        Http http = new Http(port);
        String id = model(http);
        JsonNode answer = http.postJson("/models/" + id + "/explain", ROWS).json();
        assertThat(answer.get("method").asString()).isEqualTo("exact");
        assertThat(answer.get("outputs").toString()).isEqualTo("[\"basic\",\"plus\",\"pro\"]");
        assertThat(answer.get("background").get("rows").asInt()).isEqualTo(100);
        assertThat(answer.get("evaluations").asLong()).isEqualTo(3 * 16 * 100);
        JsonNode reference = fixture().get("rows");
        List<String> outputs = List.of("basic", "plus", "pro");
        for (int r = 0; r < 3; r++) {
            JsonNode mine = answer.get("explanations").get(r);
            JsonNode theirs = reference.get(r);
            for (int o = 0; o < 3; o++) {
                String output = outputs.get(o);
                close(mine.get("prediction").get(o), theirs.get("prediction").get(output), "prediction " + output);
                close(mine.get("expectedValue").get(o), theirs.get("expectedValue").get(output), "expected " + output);
                for (String feature : List.of("age", "income", "country", "visits")) {
                    close(mine.get("contributions").get(feature).get(o), theirs.get("contributions").get(output)
                            .get(feature), "row " + r + " " + feature + " " + output);
                }
            }
            assertThat(mine.get("additivityResidual").asDouble()).isLessThan(1e-9);
            assertThat(mine.get("standardErrors").isNull()).isTrue();
        }

        // sampled: the same values within a few standard errors, still adding up
        JsonNode sampled = http.postJson("/models/" + id + "/explain?method=sampling&samples=400&seed=3", ROWS).json();
        assertThat(sampled.get("method").asString()).isEqualTo("sampling");
        JsonNode estimate = sampled.get("explanations").get(0);
        assertThat(estimate.get("additivityResidual").asDouble()).isLessThan(1e-9);
        for (String feature : List.of("age", "income", "country", "visits")) {
            for (int o = 0; o < 3; o++) {
                double exact = answer.get("explanations").get(0).get("contributions").get(feature).get(o).asDouble();
                double error = estimate.get("standardErrors").get(feature).get(o).asDouble();
                assertThat(Math.abs(estimate.get("contributions").get(feature).get(o).asDouble() - exact))
                        .as(feature + " " + o).isLessThanOrEqualTo(5 * error + 1e-12);
            }
        }
        // one row's waterfall, drawn
        String one = "{\"instances\": [{\"age\": 33, \"income\": 48446.71, \"country\": \"Germany\", \"visits\": 7}]}";
        assertThat(http.postJson("/models/" + id + "/explain/plot?output=pro&format=svg", one).body())
                .startsWith("<?xml").contains("income", "prediction 0.9579", "expected 0.3212");
        http.postJson("/models/" + id + "/explain/plot", ROWS).assertProblem(400, "one row");
        http.postJson("/models/" + id + "/explain/plot?output=gold", one).assertProblem(400, "gold");

        // /predict?explain=true: the predictions and, beside them, /explain's answer with its defaults
        JsonNode explained = http.postJson("/models/" + id + "/predict?explain=true", ROWS).json();
        assertThat(explained.get("predictions")).isEqualTo(http.postJson("/models/" + id + "/predict", ROWS).json()
                .get("predictions"));
        assertThat(explained.get("explanation")).isEqualTo(answer);
        assertThat(http.postJson("/models/" + id + "/predict", ROWS).json().has("explanation")).isFalse();
        String trainedOn = http.get("/models/" + id).json().get("datasetId").asString();
        assertThat(http.postJson("/models/" + id + "/predict?explain=true&backgroundDatasetId=" + trainedOn, ROWS).json()
                .get("explanation")).isEqualTo(answer);
        http.postJson("/models/" + id + "/predict?backgroundDatasetId=" + trainedOn, ROWS)
                .assertProblem(400, "backgroundDatasetId", "explain=true");
        http.postJson("/models/" + id + "/predict?explain=true&backgroundDatasetId=" + java.util.UUID.randomUUID(), ROWS)
                .assertProblem(404, "dataset");

        // the same seed, the same estimate
        assertThat(http.postJson("/models/" + id + "/explain?method=sampling&samples=400&seed=3", ROWS).json()
                .get("explanations")).isEqualTo(sampled.get("explanations"));
    }

    @Test
    void theWorkIsBoundedBeforeItStarts() throws Exception {
        Http http = new Http(port);
        String id = model(http);
        http.postJson("/models/" + id + "/explain?backgroundRows=0", ROWS).assertProblem(400, "backgroundRows");
        http.postJson("/models/" + id + "/explain?backgroundRows=5000", ROWS).assertProblem(400, "backgroundRows");
        http.postJson("/models/" + id + "/explain?samples=1", ROWS).assertProblem(400, "samples");
        http.postJson("/models/" + id + "/explain?method=guess", ROWS).assertProblem(400, "method");
        // a threshold labels a binary model's rows only
        http.postJson("/models/" + id + "/predict?threshold=0.3", ROWS).assertProblem(400, "threshold", "multiclass");
        http.get("/models/" + id + "/thresholds").assertProblem(422, "binary");
        StringBuilder many = new StringBuilder("{\"instances\": [");
        for (int r = 0; r < 101; r++) {
            many.append(r == 0 ? "" : ",").append("{\"age\": 1, \"income\": 2, \"country\": \"Spain\", \"visits\": 3}");
        }
        http.postJson("/models/" + id + "/explain", many.append("]}").toString()).assertProblem(413, "100");
        http.postJson("/models/" + id + "/predict?explain=true", many.toString()).assertProblem(413, "100");
        // 100 rows x 2^4 coalitions x 1000 background rows is within the budget; sampling 10,000 orders is not
        http.postJson("/models/" + id + "/explain?method=sampling&samples=10000&backgroundRows=1000", ROWS)
                .assertProblem(413, "would evaluate the model on");
        http.postJson("/models/" + id + "/explain", "{\"instances\": [{\"age\": \"old\"}]}").assertProblem(400, "age");
        http.postJson("/models/" + java.util.UUID.randomUUID() + "/explain", ROWS).assertProblem(404);
    }

    /** Queues an explanation and waits until it has finished; its path and its final view. */
    private static JsonNode explained(Http http, String model, String body, String[] path) throws InterruptedException {
        Http.Response accepted = http.postJson("/models/" + model + "/explanations", body);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        path[0] = accepted.location().replaceFirst("^https?://[^/]+", "");
        JsonNode done;
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!List.of("SUCCEEDED", "FAILED").contains((done = http.get(path[0]).json()).get("status").asString())) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(50);
        }
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        return done;
    }

    /**
     * Explanations as a job on the model's test dataset. Importance: the reference (given the service's own
     * permutations, which the fixture also pins) gets the same drops in accuracy, repeat by repeat. Partial
     * dependence of a numeric feature with few values (its grid is its values): scikit-learn's, through the
     * reference; a categorical feature's grid is its levels, ordered.
     */
    @Test
    void explanationsAreTheReferences() throws Exception {
        Http http = new Http(port);
        String id = model(http, true);
        String[] path = new String[1];
        JsonNode done = explained(http, id, "{\"repeats\": 3, \"seed\": 7}", path);
        JsonNode fixture = fixture("importance-customers.json");
        assertThat(http.get(path[0] + "/permutations").json()).isEqualTo(fixture.get("permutations"));
        JsonNode result = done.get("result").get("importance");
        JsonNode reference = fixture.get("reference");
        assertThat(result.get("score").asString()).isEqualTo("accuracy");
        assertThat(done.get("result").get("rows").asInt()).isEqualTo(400);
        close(result.get("baseline"), reference.get("baseline"), "baseline");
        for (JsonNode feature : result.get("features")) {
            JsonNode theirs = reference.get("features").get(feature.get("name").asString());
            close(feature.get("mean"), theirs.get("mean"), feature + " mean");
            close(feature.get("sd"), theirs.get("sd"), feature + " sd");
            for (int k = 0; k < 3; k++) {
                close(feature.get("values").get(k), theirs.get("values").get(k), feature + " repeat " + k);
            }
        }
        assertThat(result.get("ranking").get(0).asString()).isEqualTo("income");

        JsonNode dependence = done.get("result").get("partialDependence");
        assertThat(done.get("result").get("outputs").toString()).isEqualTo("[\"basic\",\"plus\",\"pro\"]");
        curves(dependence.get("visits"), fixture("pd-ice.json").get("customers").get("visits"), "visits");
        assertThat(dependence.get("country").get("kind").asString()).isEqualTo("categorical");
        assertThat(dependence.get("country").get("grid").toString())
                .isEqualTo("[\"France\",\"Germany\",\"Italy\",\"Spain\"]");
        assertThat(dependence.get("country").get("ice").get(0).size()).isEqualTo(50);
        assertThat(http.get("/models/" + id + "/explanations").json().size()).isEqualTo(1);
        // its plots: importance bars, and a feature's partial dependence over its ICE curves
        Http.Response bars = http.get(path[0] + "/plots/importance?format=svg");
        assertThat(bars.status()).as(bars.toString()).isEqualTo(200);
        assertThat(bars.body()).startsWith("<?xml").contains("income", "drop of accuracy");
        assertThat(http.getBytes(path[0] + "/plots/dependence?feature=country&output=pro&format=png"))
                .startsWith(0x89, 'P', 'N', 'G');
        assertThat(http.get(path[0] + "/plots/dependence?feature=income&format=svg").body()).contains("income");
        http.get(path[0] + "/plots/dependence?feature=nope").assertProblem(400, "nope");
        http.get(path[0] + "/plots/dependence?feature=income&output=gold").assertProblem(400, "gold");
        http.get(path[0] + "/plots/pie").assertProblem(404);

        http.postJson("/models/" + id + "/explanations", "{\"repeats\": 0}").assertProblem(400, "repeats");
        http.postJson("/models/" + id + "/explanations", "{\"gridResolution\": 1}").assertProblem(400, "gridResolution");
        http.postJson("/models/" + id + "/explanations", "{\"percentiles\": [0.9, 0.1]}").assertProblem(400, "percentiles");
        http.postJson("/models/" + id + "/explanations", "{\"iceRows\": 1000, \"gridResolution\": 1000}")
                .assertProblem(413, "iceRows");
        http.postJson("/models/" + id + "/explanations", "{\"datasetId\": \"" + java.util.UUID.randomUUID() + "\"}")
                .assertProblem(404);
        assertThat(http.delete(path[0]).status()).isEqualTo(204);
        assertThat(http.get(path[0]).status()).isEqualTo(404);
    }

    /** Partial dependence on scikit-learn's quantile grid (features of many values), on the article's model. */
    @Test
    void partialDependenceOnAQuantileGridIsScikitLearns() throws Exception {
        Http http = new Http(port);
        String train = http.post("/datasets?name=seed-train", "text/csv",
                Files.readAllBytes(Path.of("src/test/resources/article/seed_train.csv"))).json().get("id").asString();
        String test = http.post("/datasets?name=seed-test", "text/csv",
                Files.readAllBytes(Path.of("src/test/resources/article/seed_test.csv"))).json().get("id").asString();
        String id = http.postJson("/models", """
                {"datasetId": "%s", "testDatasetId": "%s", "network": {"maxIterations": 300}}""".formatted(train, test))
                .json().get("id").asString();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!http.get("/models/" + id).json().get("status").asString().equals("SUCCEEDED")) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(50);
        }
        // a request may label at its own threshold, echoed; the model's own otherwise
        String row = "{\"rows\": [[0.5, -0.2, 0.1, 0.3, -1.1, 0.2, 0.0, 0.4, -0.3, 0.9, 0.1, -0.5, 0.2, 0.7, -0.8, 0.3,"
                + " 0.05, -0.1, 0.6, -0.4]]}";
        JsonNode own = http.postJson("/models/" + id + "/predict", row).json();
        assertThat(own.get("threshold").asDouble()).isEqualTo(0.5);
        double p = own.get("predictions").get(0).get("probability").asDouble();
        for (double t : new double[] {Math.max(0, p - 0.01), Math.min(1, p + 0.01)}) {
            JsonNode theirs = http.postJson("/models/" + id + "/predict?threshold=" + t, row).json();
            assertThat(theirs.get("threshold").asDouble()).isEqualTo(t);
            assertThat(theirs.get("predictions").get(0).get("probability").asDouble()).isEqualTo(p);
            assertThat(theirs.get("predictions").get(0).get("label").asInt()).isEqualTo(p >= t ? 1 : 0);
        }
        http.postJson("/models/" + id + "/predict?threshold=1.5", row).assertProblem(400, "threshold");
        http.postJson("/models/" + id + "/predict?threshold=abc", row).assertProblem(400, "threshold");

        // its thresholds on the test rows (the default) and the training rows: scikit-learn's, exactly
        JsonNode thresholds = fixture("thresholds-article.json");
        JsonNode onTest = http.get("/models/" + id + "/thresholds").json();
        assertThat(onTest.get("rows").asInt()).isEqualTo(1000);
        assertThat(onTest.get("threshold").asDouble()).isEqualTo(0.5);
        JsonNode onTrain = http.get("/models/" + id + "/thresholds?datasetId=" + train).json();
        for (JsonNode[] pair : new JsonNode[][] {{onTest, thresholds.get("test").get("reference")},
                {onTrain, thresholds.get("train").get("reference")}}) {
            assertThat(pair[0].get("maxF1").get("threshold").asDouble())
                    .isEqualTo(pair[1].get("maxF1").get("threshold").asDouble());
            assertThat(pair[0].get("maxF1").get("value").asDouble()).isEqualTo(pair[1].get("maxF1").get("f1").asDouble());
            assertThat(pair[0].get("youden").get("threshold").asDouble())
                    .isEqualTo(pair[1].get("youden").get("threshold").asDouble());
            assertThat(pair[0].get("youden").get("value").asDouble()).isEqualTo(pair[1].get("youden").get("j").asDouble());
        }
        JsonNode first = onTest.get("curve").get(0);
        assertThat(first.get("recall").asDouble()).isEqualTo(1.0);
        assertThat(onTest.get("curve").size()).isLessThanOrEqualTo(1000);

        JsonNode done = explained(http, id, "{\"repeats\": 2, \"seed\": 1, \"gridResolution\": 20}", new String[1]);
        JsonNode fixture = fixture("pd-ice.json").get("article");
        for (String feature : List.of("x0", "x7")) {
            curves(done.get("result").get("partialDependence").get(feature), fixture.get(feature), feature);
        }
    }

    /** Grid, average and the first 50 ICE curves against the reference's, to 1e-12. */
    /**
     * The article's data: permutation importance of its [8, 3] on the test rows (the reference given the job's
     * permutations) and exact Shapley values of the same network on 12 of its 20 features (2^12 coalitions), against
     * {@code reference/inspection/article.json} (its command inside), to 1e-12; the contributions add up.
     */
    @Test
    void theArticlesImportanceAndContributionsAreTheReferences() throws Exception {
        Http http = new Http(port);
        JsonNode fixture = fixture("article.json");
        String train = http.post("/datasets?name=seed-train", "text/csv",
                Files.readAllBytes(Path.of("src/test/resources/article/seed_train.csv"))).json().get("id").asString();
        String test = http.post("/datasets?name=seed-test", "text/csv",
                Files.readAllBytes(Path.of("src/test/resources/article/seed_test.csv"))).json().get("id").asString();
        String model = http.postJson("/models", "{\"datasetId\": \"" + train + "\", \"testDatasetId\": \"" + test
                + "\", \"network\": {\"maxIterations\": 300}}").json().get("id").asString();
        http.awaitModel(model, Duration.ofMinutes(2));
        String[] path = new String[1];
        JsonNode done = explained(http, model, "{\"repeats\": 2, \"seed\": 3}", path);
        JsonNode permutations = http.get(path[0] + "/permutations").json();
        assertThat(permutations.get("x0")).isEqualTo(fixture.get("importance").get("permutations").get("x0"));
        assertThat(sha256(permutations.toString())).isEqualTo(fixture.get("importance").get("permutations")
                .get("sha256").asString());
        JsonNode reference = fixture.get("importance").get("result");
        JsonNode importance = done.get("result").get("importance");
        close(importance.get("baseline"), reference.get("baseline"), "baseline");
        for (JsonNode feature : importance.get("features")) {
            JsonNode theirs = reference.get("features").get(feature.get("name").asString());
            close(feature.get("mean"), theirs.get("mean"), feature.get("name") + " mean");
            close(feature.get("sd"), theirs.get("sd"), feature.get("name") + " sd");
        }

        List<String> features = new java.util.ArrayList<>();
        fixture.get("shapley").get("features").forEach(f -> features.add(f.asString()));
        String narrow = http.postJson("/models", "{\"datasetId\": \"" + train + "\", \"features\": "
                + fixture.get("shapley").get("features") + ", \"network\": {\"maxIterations\": 300}}").json()
                .get("id").asString();
        http.awaitModel(narrow, Duration.ofMinutes(2));
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/article/seed_train.csv"));
        StringBuilder body = new StringBuilder("{\"instances\": [");
        for (int r = 0; r < 2; r++) {
            String[] cells = lines.get(r + 1).split(",");
            body.append(r == 0 ? "{" : ", {");
            for (int f = 0; f < features.size(); f++) {
                body.append(f == 0 ? "" : ", ").append('"').append(features.get(f)).append("\": ").append(cells[f]);
            }
            body.append('}');
        }
        JsonNode answer = http.postJson("/models/" + narrow + "/explain", body.append("]}").toString()).json();
        assertThat(answer.get("method").asString()).isEqualTo("exact");
        for (int r = 0; r < 2; r++) {
            JsonNode mine = answer.get("explanations").get(r);
            JsonNode theirs = fixture.get("shapley").get("rows").get(r);
            close(mine.get("prediction").get(0), theirs.get("prediction").get("1"), "prediction " + r);
            close(mine.get("expectedValue").get(0), theirs.get("expectedValue").get("1"), "expected " + r);
            for (String feature : features) {
                close(mine.get("contributions").get(feature).get(0), theirs.get("contributions").get("1").get(feature),
                        "row " + r + " " + feature);
            }
            assertThat(mine.get("additivityResidual").asDouble()).isLessThan(1e-9);
        }
    }

    private static String sha256(String text) throws java.security.NoSuchAlgorithmException {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static void curves(JsonNode mine, JsonNode theirs, String feature) {
        assertThat(mine.get("grid").size()).as(feature).isEqualTo(theirs.get("grid").size());
        for (int g = 0; g < mine.get("grid").size(); g++) {
            close(mine.get("grid").get(g), theirs.get("grid").get(g), feature + " grid " + g);
        }
        for (int o = 0; o < theirs.get("average").size(); o++) {
            for (int g = 0; g < mine.get("grid").size(); g++) {
                close(mine.get("average").get(o).get(g), theirs.get("average").get(o).get(g), feature + " pd " + o);
                for (int r = 0; r < 50; r++) {
                    close(mine.get("ice").get(o).get(r).get(g), theirs.get("individual").get(o).get(r).get(g),
                            feature + " ice " + r);
                }
            }
        }
    }

    private static void close(JsonNode mine, JsonNode theirs, String what) {
        double a = mine.asDouble();
        double b = theirs.asDouble();
        assertThat(Math.abs(a - b)).as(what + ": " + a + " vs " + b).isLessThanOrEqualTo(1e-12 * Math.max(1, Math.abs(b)));
    }
}
