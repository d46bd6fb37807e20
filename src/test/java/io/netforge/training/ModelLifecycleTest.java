package io.netforge.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.netforge.support.ArticleData;
import io.netforge.support.Http;
import tools.jackson.databind.JsonNode;

/**
 * The service end to end over HTTP: upload the article's data, train, read the metrics, predict,
 * cancel. Runs once per database (see the subclasses).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class ModelLifecycleTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    @Test
    void trainsTheArticleNetworkAndServesItsPredictions() {
        String train = http.uploadCsv("seed_train.csv", ArticleData.trainCsv());
        String test = http.uploadCsv("seed_test.csv", ArticleData.testCsv());

        Http.Response accepted = http.postJson("/models", """
                {"datasetId": "%s", "testDatasetId": "%s", "name": "article [8, 3]",
                 "network": {"hiddenLayers": [8, 3], "learningRate": 1.0, "maxIterations": 2000,
                             "threshold": 0.5, "seed": 0, "standardize": false}}
                """.formatted(train, test));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        String id = accepted.json().get("id").asString();
        assertThat(accepted.location()).isEqualTo("/models/" + id);
        assertThat(accepted.json().get("status").asString()).isIn("QUEUED", "RUNNING");

        JsonNode model = http.awaitModel(id, Duration.ofMinutes(3));
        assertThat(model.get("status").asString()).as(model.toString()).isEqualTo("SUCCEEDED");
        JsonNode testMetrics = model.get("metrics").get("test");
        assertThat(testMetrics.get("rows").asLong()).isEqualTo(1000);
        assertThat(testMetrics.get("accuracy").asDouble()).isGreaterThanOrEqualTo(0.90);
        assertThat(testMetrics.get("auc").asDouble()).isGreaterThanOrEqualTo(0.95);
        assertThat(model.get("metrics").get("train").get("rows").asLong()).isEqualTo(4000);
        assertThat(model.get("progress").get("iteration").asInt()).isEqualTo(2000);
        assertThat(model.get("lossCurve").size()).isEqualTo(1000);
        // where a curve drawn from progress starts: the first epoch's loss, the stored curve's first point
        assertThat(model.get("lossCurve").get(0).get("iteration").asInt()).isEqualTo(1);
        assertThat(model.get("progress").get("firstLoss").asDouble())
                .isEqualTo(model.get("lossCurve").get(0).get("loss").asDouble());
        assertThat(model.get("features").size()).isEqualTo(20);
        assertThat(model.get("classes").get(1).asInt()).isEqualTo(1);
        assertThat(model.get("provenance").get("datasetSha256").asString()).hasSize(64);
        assertThat(model.get("timings").get("trainingSeconds").asDouble()).isPositive();

        // The test rows predicted one by one through /predict reproduce the reported test accuracy exactly.
        List<double[]> rows = ArticleData.features(ArticleData.testCsv());
        int[] labels = ArticleData.labels(ArticleData.testCsv());
        Http.Response predicted = http.postJson("/models/" + id + "/predict", Map.of("rows", rows));
        assertThat(predicted.status()).as(predicted.toString()).isEqualTo(200);
        JsonNode predictions = predicted.json().get("predictions");
        assertThat(predictions.size()).isEqualTo(1000);
        int correct = 0;
        for (int r = 0; r < rows.size(); r++) {
            if (predictions.get(r).get("label").asInt() == labels[r]) {
                correct++;
            }
            double p = predictions.get(r).get("probability").asDouble();
            assertThat(predictions.get(r).get("label").asInt()).isEqualTo(p >= 0.5 ? 1 : 0);
        }
        assertThat(correct / 1000.0).isEqualTo(testMetrics.get("accuracy").asDouble());

        // By name gives the same probabilities as by position.
        List<Map<String, Double>> instances = new ArrayList<>();
        for (double[] row : rows.subList(0, 5)) {
            Map<String, Double> instance = new LinkedHashMap<>();
            for (int c = row.length - 1; c >= 0; c--) {
                instance.put("x" + c, row[c]);
            }
            instances.add(instance);
        }
        JsonNode byName = http.postJson("/models/" + id + "/predict", Map.of("instances", instances)).json();
        for (int r = 0; r < 5; r++) {
            assertThat(byName.get("predictions").get(r).get("probability").asDouble())
                    .isEqualTo(predictions.get(r).get("probability").asDouble());
        }
    }

    @Test
    void trainsOnLowestPriorityThreads() {
        List<Thread> workers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("netforge-training-")).toList();
        assertThat(workers).isNotEmpty().allSatisfy(t -> assertThat(t.getPriority()).isEqualTo(Thread.MIN_PRIORITY));
    }

    @Test
    void logisticRegressionDoesClearlyWorseThanTheHiddenLayers() {
        String train = http.uploadCsv("seed_train.csv", ArticleData.trainCsv());
        String test = http.uploadCsv("seed_test.csv", ArticleData.testCsv());
        String id = http.postJson("/models", """
                {"datasetId": "%s", "testDatasetId": "%s",
                 "network": {"hiddenLayers": [], "learningRate": 1.0, "maxIterations": 2000, "standardize": false}}
                """.formatted(train, test)).json().get("id").asString();
        JsonNode model = http.awaitModel(id, Duration.ofMinutes(3));
        assertThat(model.get("status").asString()).as(model.toString()).isEqualTo("SUCCEEDED");
        assertThat(model.get("metrics").get("test").get("auc").asDouble()).isLessThan(0.85);
        assertThat(model.get("provenance").get("trainRows").asLong()).isEqualTo(4000);
    }

    @Test
    void holdsOutAStratifiedSeededTestFraction() {
        String train = http.uploadCsv("seed_train.csv", ArticleData.trainCsv());
        JsonNode dataset = http.get("/datasets/" + train).json();
        String id = http.postJson("/models", """
                {"datasetId": "%s", "testFraction": 0.25, "network": {"maxIterations": 50}}
                """.formatted(train)).json().get("id").asString();
        JsonNode model = http.awaitModel(id, Duration.ofMinutes(2));
        assertThat(model.get("status").asString()).as(model.toString()).isEqualTo("SUCCEEDED");
        long expectedTest = 0;
        for (JsonNode labelClass : dataset.get("classes")) {
            expectedTest += Math.round(0.25 * labelClass.get("count").asLong());
        }
        assertThat(model.get("metrics").get("test").get("rows").asLong()).isEqualTo(expectedTest);
        assertThat(model.get("metrics").get("train").get("rows").asLong()).isEqualTo(4000 - expectedTest);
        JsonNode confusion = model.get("metrics").get("test").get("confusionMatrix");
        long testPositives = confusion.get("truePositives").asLong() + confusion.get("falseNegatives").asLong();
        assertThat(testPositives).isEqualTo(Math.round(0.25 * dataset.get("classes").get(1).get("count").asLong()));
        assertThat(model.get("network").get("standardize").asBoolean()).isTrue();
        assertThat(model.get("network").get("hiddenLayers").toString()).isEqualTo("[8,3]");
    }

    @Test
    void trainsWithTheOptionsAndShowsTheResolvedSpecAndHowTrainingEnded() {
        String train = http.uploadCsv("seed_train.csv", ArticleData.trainCsv());
        String test = http.uploadCsv("seed_test.csv", ArticleData.testCsv());
        Http.Response accepted = http.postJson("/models", """
                {"datasetId": "%s", "testDatasetId": "%s", "name": "relu adam",
                 "network": {"hiddenLayers": [16, 8], "activation": ["relu", "tanh"], "initialization": "he",
                             "optimizer": {"type": "adam", "beta2": 0.99}, "batchSize": 64, "l2": 0.0001,
                             "maxIterations": 300, "seed": 5,
                             "earlyStopping": {"validationFraction": 0.15, "patience": 4},
                             "classWeights": {"1": 2.0}}}
                """.formatted(train, test));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        String id = accepted.json().get("id").asString();
        JsonNode network = accepted.json().get("network");
        assertThat(network.get("activation").toString()).isEqualTo("[\"relu\",\"tanh\"]");
        assertThat(network.get("initialization").asString()).isEqualTo("he");
        assertThat(network.get("optimizer").toString())
                .isEqualTo("{\"type\":\"adam\",\"beta1\":0.9,\"beta2\":0.99,\"epsilon\":1.0E-8}");
        assertThat(network.get("learningRate").asDouble()).as("Adam's default step").isEqualTo(0.001);
        assertThat(network.get("batchSize").asInt()).isEqualTo(64);
        assertThat(network.get("earlyStopping").toString())
                .isEqualTo("{\"validationFraction\":0.15,\"patience\":4,\"minDelta\":0.0}");
        assertThat(network.get("classWeights").toString()).isEqualTo("{\"1\":2.0}");

        JsonNode model = http.awaitModel(id, Duration.ofMinutes(3));
        assertThat(model.get("status").asString()).as(model.toString()).isEqualTo("SUCCEEDED");
        JsonNode training = model.get("training");
        int epochs = training.get("epochs").asInt();
        assertThat(model.get("lossCurve").size()).isEqualTo(epochs);
        assertThat(model.get("validationLossCurve").size()).isEqualTo(epochs);
        assertThat(model.get("progress").get("iteration").asInt()).isEqualTo(epochs);
        assertThat(model.get("progress").get("validationLoss").asDouble()).isPositive();
        System.out.printf("options run: %d epochs, stopped by %s, best epoch %s, test AUC %s%n", epochs,
                training.get("stoppedBy").asString(), training.get("bestEpoch"), model.get("metrics").get("test").get("auc"));
        if (training.get("stoppedBy").asString().equals("earlyStopping")) {
            assertThat(epochs).isLessThan(300).isEqualTo(training.get("bestEpoch").asInt() + 4);
        } else {
            assertThat(epochs).isEqualTo(300);
        }
        // 15% of each class of the 4000 training rows (2006 and 1994) validate; the model keeps the best epoch
        assertThat(training.get("validationRows").asLong()).isEqualTo(301 + 299);
        assertThat(model.get("metrics").get("validation").get("rows").asLong()).isEqualTo(600);
        assertThat(model.get("metrics").get("train").get("rows").asLong()).isEqualTo(3400);
        assertThat(training.get("classWeights").toString()).isEqualTo("{\"0\":1.0,\"1\":2.0}");
        double bestValidation = Double.POSITIVE_INFINITY;
        for (JsonNode point : model.get("validationLossCurve")) {
            bestValidation = Math.min(bestValidation, point.get("loss").asDouble());
        }
        assertThat(model.get("validationLossCurve").get(training.get("bestEpoch").asInt() - 1).get("loss").asDouble())
                .isEqualTo(bestValidation);
        JsonNode testMetrics = model.get("metrics").get("test");
        assertThat(testMetrics.get("auc").asDouble()).isGreaterThan(0.9);
        assertThat(model.get("provenance").get("trainer").asString()).isEqualTo("java-vector-f64");

        // /predict answers with the same network: the test rows reproduce the reported test accuracy
        List<double[]> rows = ArticleData.features(ArticleData.testCsv());
        int[] labels = ArticleData.labels(ArticleData.testCsv());
        JsonNode predictions = http.postJson("/models/" + id + "/predict", Map.of("rows", rows)).json()
                .get("predictions");
        int correct = 0;
        for (int r = 0; r < rows.size(); r++) {
            correct += predictions.get(r).get("label").asInt() == labels[r] ? 1 : 0;
        }
        assertThat(correct / 1000.0).isEqualTo(testMetrics.get("accuracy").asDouble());

        // the same request again, as the resolved spec, trains the same model, bit for bit
        String again = http.postJson("/models", """
                {"datasetId": "%s", "testDatasetId": "%s", "network": %s}
                """.formatted(train, test, network.toString())).json().get("id").asString();
        JsonNode second = http.awaitModel(again, Duration.ofMinutes(3));
        assertThat(second.get("lossCurve")).isEqualTo(model.get("lossCurve"));
        assertThat(second.get("validationLossCurve")).isEqualTo(model.get("validationLossCurve"));
        assertThat(second.get("metrics")).isEqualTo(model.get("metrics"));
    }

    @Test
    void refusesEarlyStoppingWhenAClassHasTooFewRowsToSplit() {
        String csv = "a,b,y\n1,2,0\n2,3,0\n3,4,0\n4,5,1\n";
        String dataset = http.uploadCsv("tiny", csv.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        http.postJson("/models", """
                {"datasetId": "%s", "network": {"earlyStopping": {}}}
                """.formatted(dataset)).assertProblem(422, "network.earlyStopping", "class '1' has 1 training row");
        String ok = http.postJson("/models", """
                {"datasetId": "%s", "network": {"hiddenLayers": [2], "activation": "tanh", "maxIterations": 5}}
                """.formatted(dataset)).json().get("id").asString();
        assertThat(http.awaitModel(ok, Duration.ofMinutes(1)).get("status").asString()).isEqualTo("SUCCEEDED");
    }

    @Test
    void cancelsARunningJobWithinASecondAndKeepsNoWeights() {
        String train = http.uploadCsv("seed_train.csv", ArticleData.trainCsv());
        String id = http.postJson("/models", """
                {"datasetId": "%s", "network": {"maxIterations": 1000000}}
                """.formatted(train)).json().get("id").asString();
        awaitStatus(id, "RUNNING");
        awaitIteration(id, 1);

        // A second job waits behind the first (one worker) and is cancelled while queued.
        String queued = http.postJson("/models", "{\"datasetId\": \"" + train + "\"}").json().get("id").asString();
        Http.Response cancelQueued = http.post("/models/" + queued + "/cancel", null, new byte[0]);
        assertThat(cancelQueued.status()).as(cancelQueued.toString()).isEqualTo(200);
        assertThat(cancelQueued.json().get("status").asString()).isEqualTo("CANCELLED");

        long start = System.nanoTime();
        Http.Response cancelled = http.post("/models/" + id + "/cancel", null, new byte[0]);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asString()).isEqualTo("CANCELLED");
        assertThat(seconds).isLessThan(1.0);
        assertThat(cancelled.json().get("progress").get("iteration").asInt()).isBetween(1, 999_999);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM model_artifacts WHERE model_id = :id")
                .param("id", java.util.UUID.fromString(id)).query(Long.class).single()).isZero();

        Http.Response predict = http.postJson("/models/" + id + "/predict", "{\"rows\": [[" + "0,".repeat(19) + "0]]}");
        assertThat(predict.status()).isEqualTo(409);
        Http.Response again = http.post("/models/" + id + "/cancel", null, new byte[0]);
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.contentType()).startsWith("application/problem+json");
    }

    @Test
    void streamsProgressEventsUntilTheModelIsDone() throws Exception {
        String train = http.uploadCsv("seed_train.csv", ArticleData.trainCsv());
        String id = http.postJson("/models", """
                {"datasetId": "%s", "network": {"maxIterations": 3000}}
                """.formatted(train)).json().get("id").asString();
        java.net.http.HttpResponse<java.util.stream.Stream<String>> stream = java.net.http.HttpClient.newHttpClient()
                .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port
                        + "/models/" + id + "/events")).header("Accept", "text/event-stream").build(),
                        java.net.http.HttpResponse.BodyHandlers.ofLines());
        assertThat(stream.statusCode()).isEqualTo(200);
        List<String> events = new ArrayList<>();
        List<String> data = new ArrayList<>();
        stream.body().forEach(line -> {
            if (line.startsWith("event:")) {
                events.add(line.substring(6).trim());
            } else if (line.startsWith("data:")) {
                data.add(line.substring(5).trim());
            }
        });
        assertThat(events).last().isEqualTo("model");
        assertThat(events.subList(0, events.size() - 1)).isNotEmpty().allMatch("progress"::equals);
        assertThat(Http.parse(data.get(data.size() - 1)).get("status").asString()).isEqualTo("SUCCEEDED");
        int[] iterations = data.subList(0, data.size() - 1).stream()
                .mapToInt(d -> Http.parse(d).get("progress").get("iteration").asInt()).toArray();
        assertThat(iterations).isSorted();
        assertThat(iterations[iterations.length - 1]).isEqualTo(3000);

        Http.Response unknown = http.get("/models/00000000-0000-0000-0000-00000000000e/events");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
    }

    @Test
    void failsADivergingRunWithAMessageNamingTheIteration() {
        // Huge features, unscaled, at a large rate: the weights overflow and the logits become infinite.
        String csv = "a,b,y\n1e300,1e300,0\n1e300,1e300,1\n1e300,1e300,0\n1e300,1e300,1\n";
        String dataset = http.uploadCsv("huge", csv.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String id = http.postJson("/models", """
                {"datasetId": "%s", "network": {"hiddenLayers": [], "learningRate": 1000, "maxIterations": 100,
                 "standardize": false}}
                """.formatted(dataset)).json().get("id").asString();
        JsonNode model = http.awaitModel(id, Duration.ofMinutes(1));
        assertThat(model.get("status").asString()).as(model.toString()).isEqualTo("FAILED");
        assertThat(model.get("error").asString()).containsPattern("at iteration \\d+");
        assertThat(model.get("metrics").isNull()).isTrue();
        assertThat(http.postJson("/models/" + id + "/predict", "{\"rows\": [[1, 2]]}").status()).isEqualTo(409);
    }

    @Test
    void deletesModelsAndListsThemByStatus() {
        String train = http.uploadCsv("seed_train.csv", ArticleData.trainCsv());
        String id = http.postJson("/models", """
                {"datasetId": "%s", "network": {"hiddenLayers": [2], "maxIterations": 10}}
                """.formatted(train)).json().get("id").asString();
        http.awaitModel(id, Duration.ofMinutes(1));
        JsonNode succeeded = http.get("/models?status=SUCCEEDED").json();
        assertThat(succeeded.findValuesAsString("id")).contains(id);
        assertThat(http.get("/models?status=FAILED").json().findValuesAsString("id")).doesNotContain(id);
        assertThat(http.postJson("/models/" + id + "/predict", "{\"rows\": [[" + "1,".repeat(19) + "1]]}").status())
                .isEqualTo(200);

        assertThat(http.delete("/models/" + id).status()).isEqualTo(204);
        assertThat(http.get("/models/" + id).status()).isEqualTo(404);
        assertThat(http.postJson("/models/" + id + "/predict", "{\"rows\": [[" + "1,".repeat(19) + "1]]}").status())
                .isEqualTo(404);
        assertThat(http.delete("/models/" + id).status()).isEqualTo(404);
    }

    private void awaitStatus(String id, String status) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!http.get("/models/" + id).json().get("status").asString().equals(status)) {
            assertThat(System.nanoTime()).as("model %s never became %s", id, status).isLessThan(deadline);
            sleep();
        }
    }

    private void awaitIteration(String id, int iteration) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (http.get("/models/" + id).json().get("progress").get("iteration").asInt() < iteration) {
            assertThat(System.nanoTime()).as("model %s made no progress", id).isLessThan(deadline);
            sleep();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
