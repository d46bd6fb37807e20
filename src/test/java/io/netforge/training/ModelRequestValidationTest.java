package io.netforge.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.ArticleData;
import io.netforge.support.Http;
import io.netforge.support.TestDatabases;

/**
 * Hostile requests to the model and prediction endpoints: each gets the right 4xx as problem+json
 * whose detail names the field. Grow the table when a new bad input turns up.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"netforge.prediction.max-rows=100", "netforge.limits.max-parameters=100000",
                "netforge.limits.max-iterations=100000"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelRequestValidationTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @LocalServerPort
    int port;

    Http http;
    String dataset;
    String model;

    record Case(String name, String method, String path, String contentType, String body, int status, String... detail) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    void trainOneModel() {
        http = new Http(port);
        dataset = http.uploadCsv("seed_train.csv", ArticleData.trainCsv());
        model = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"network\": {\"maxIterations\": 5}}")
                .json().get("id").asString();
        assertThat(http.awaitModel(model, Duration.ofMinutes(1)).get("status").asString()).isEqualTo("SUCCEEDED");
    }

    static Case train(String name, String body, int status, String detail) {
        return new Case(name, "POST", "/models", "application/json", body, status, detail);
    }

    static Case network(String name, String network, String... detail) {
        return new Case(name, "POST", "/models", "application/json",
                "{\"datasetId\": \"{dataset}\", \"network\": " + network + "}", 400, detail);
    }

    static Case predict(String name, String body, int status, String detail) {
        return new Case(name, "POST", "/models/{model}/predict", "application/json", body, status, detail);
    }

    static String row(int width, String value) {
        return "[" + String.join(",", java.util.Collections.nCopies(width, value)) + "]";
    }

    static Stream<Case> cases() {
        return Stream.of(
                train("empty body", "", 400, "request body is empty"),
                train("malformed JSON", "{\"datasetId\" ", 400, "malformed JSON"),
                train("truncated JSON", "{\"datasetId\": \"{dataset}\", \"network\": {\"hiddenLayers\": [8,", 400,
                        "malformed JSON"),
                train("array instead of object", "[1, 2]", 400, "request body"),
                train("missing datasetId", "{}", 400, "datasetId: is required"),
                train("datasetId not a UUID", "{\"datasetId\": \"nope\"}", 400, "datasetId"),
                train("datasetId a number", "{\"datasetId\": 7}", 400, "datasetId"),
                train("unknown dataset", "{\"datasetId\": \"00000000-0000-0000-0000-000000000001\"}", 404,
                        "dataset 00000000-0000-0000-0000-000000000001 does not exist"),
                train("unknown field", "{\"datasetId\": \"{dataset}\", \"epochs\": 3}", 400, "epochs: unknown field"),
                train("unknown network field", "{\"datasetId\": \"{dataset}\", \"network\": {\"layers\": [3]}}", 400,
                        "network.layers: unknown field"),
                train("both test inputs", "{\"datasetId\": \"{dataset}\", \"testDatasetId\": \"{dataset}\","
                        + " \"testFraction\": 0.2}", 400, "testFraction"),
                train("test fraction zero", "{\"datasetId\": \"{dataset}\", \"testFraction\": 0}", 400, "testFraction"),
                train("test fraction one", "{\"datasetId\": \"{dataset}\", \"testFraction\": 1}", 400, "testFraction"),
                train("test fraction negative", "{\"datasetId\": \"{dataset}\", \"testFraction\": -0.5}", 400,
                        "testFraction"),
                train("test fraction a string", "{\"datasetId\": \"{dataset}\", \"testFraction\": \"half\"}", 400,
                        "testFraction"),
                train("unknown test dataset", "{\"datasetId\": \"{dataset}\", \"testDatasetId\":"
                        + " \"00000000-0000-0000-0000-000000000002\"}", 404, "does not exist"),
                train("empty name", "{\"datasetId\": \"{dataset}\", \"name\": \"  \"}", 400, "name"),
                train("network not an object", "{\"datasetId\": \"{dataset}\", \"network\": [8, 3]}", 400, "network"),
                network("negative layer", "{\"hiddenLayers\": [8, -3]}", "network.hiddenLayers[1]"),
                network("zero layer", "{\"hiddenLayers\": [0]}", "network.hiddenLayers[0]"),
                network("fractional layer", "{\"hiddenLayers\": [8.5]}", "network.hiddenLayers[0]"),
                network("string layer", "{\"hiddenLayers\": [\"8\"]}", "network.hiddenLayers[0]"),
                network("null layer", "{\"hiddenLayers\": [null]}", "network.hiddenLayers[0]"),
                network("huge layer", "{\"hiddenLayers\": [100000000]}", "network.hiddenLayers[0]"),
                network("layer beyond long", "{\"hiddenLayers\": [1e30]}", "network.hiddenLayers[0]"),
                network("too many parameters", "{\"hiddenLayers\": [1000, 1000]}", "parameters"),
                network("hidden layers not a list", "{\"hiddenLayers\": 8}", "network.hiddenLayers"),
                network("negative learning rate", "{\"learningRate\": -1}", "network.learningRate"),
                network("zero learning rate", "{\"learningRate\": 0}", "network.learningRate"),
                network("huge learning rate", "{\"learningRate\": 1e9}", "network.learningRate"),
                network("learning rate a string", "{\"learningRate\": \"fast\"}", "network.learningRate"),
                network("zero iterations", "{\"maxIterations\": 0}", "network.maxIterations"),
                network("negative iterations", "{\"maxIterations\": -5}", "network.maxIterations"),
                network("fractional iterations", "{\"maxIterations\": 2.5}", "network.maxIterations"),
                network("too many iterations", "{\"maxIterations\": 100000000}", "network.maxIterations"),
                network("iterations beyond long", "{\"maxIterations\": 1e40}", "network.maxIterations"),
                network("threshold above one", "{\"threshold\": 1.5}", "network.threshold"),
                network("negative threshold", "{\"threshold\": -0.1}", "network.threshold"),
                network("fractional seed", "{\"seed\": 1.5}", "network.seed"),
                network("unknown precision", "{\"precision\": \"FLOAT16\"}", "network.precision"),
                network("standardize a string", "{\"standardize\": \"yes\"}", "network.standardize"),
                network("unknown activation", "{\"activation\": \"softplus\"}", "network.activation",
                        "sigmoid, tanh, relu, leakyRelu, identity"),
                network("activation in capitals", "{\"activation\": \"ReLU\"}", "network.activation"),
                network("activation a number", "{\"activation\": 3}", "network.activation"),
                network("activation an object", "{\"activation\": {\"name\": \"relu\"}}", "network.activation"),
                network("fewer activations than layers", "{\"hiddenLayers\": [8, 3], \"activation\": [\"relu\"]}",
                        "network.activation", "one per hidden layer (2)"),
                network("more activations than layers", "{\"hiddenLayers\": [8], \"activation\": [\"relu\", \"tanh\"]}",
                        "network.activation"),
                network("unknown activation in a list", "{\"hiddenLayers\": [8, 3], \"activation\": [\"relu\", \"swish\"]}",
                        "network.activation[1]"),
                network("null activation in a list", "{\"hiddenLayers\": [8, 3], \"activation\": [\"relu\", null]}",
                        "network.activation[1]"),
                network("unknown initialization", "{\"initialization\": \"glorot\"}", "network.initialization",
                        "normal, xavier, he"),
                network("initialization a number", "{\"initialization\": 1}", "network.initialization"),
                network("unknown optimizer", "{\"optimizer\": {\"type\": \"rmsprop\"}}", "network.optimizer.type",
                        "gd, momentum, nesterov, adam"),
                network("optimizer a string", "{\"optimizer\": \"adam\"}", "network.optimizer"),
                network("unknown optimizer field", "{\"optimizer\": {\"type\": \"adam\", \"beta3\": 1}}",
                        "network.optimizer.beta3: unknown field"),
                network("momentum one", "{\"optimizer\": {\"type\": \"momentum\", \"momentum\": 1}}",
                        "network.optimizer.momentum"),
                network("momentum zero", "{\"optimizer\": {\"type\": \"nesterov\", \"momentum\": 0}}",
                        "network.optimizer.momentum"),
                network("momentum for adam", "{\"optimizer\": {\"type\": \"adam\", \"momentum\": 0.9}}",
                        "network.optimizer.momentum", "momentum and nesterov only"),
                network("beta1 for gd", "{\"optimizer\": {\"beta1\": 0.9}}", "network.optimizer.beta1", "adam only"),
                network("beta1 one", "{\"optimizer\": {\"type\": \"adam\", \"beta1\": 1}}", "network.optimizer.beta1"),
                network("beta2 negative", "{\"optimizer\": {\"type\": \"adam\", \"beta2\": -0.1}}",
                        "network.optimizer.beta2"),
                network("epsilon zero", "{\"optimizer\": {\"type\": \"adam\", \"epsilon\": 0}}",
                        "network.optimizer.epsilon"),
                network("epsilon a string", "{\"optimizer\": {\"type\": \"adam\", \"epsilon\": \"tiny\"}}",
                        "network.optimizer.epsilon"),
                network("negative batch size", "{\"batchSize\": -1}", "network.batchSize"),
                network("fractional batch size", "{\"batchSize\": 1.5}", "network.batchSize"),
                network("batch size beyond int", "{\"batchSize\": 3000000000}", "network.batchSize"),
                network("negative l2", "{\"l2\": -0.1}", "network.l2"),
                network("huge l2", "{\"l2\": 1e9}", "network.l2"),
                network("l2 a string", "{\"l2\": \"some\"}", "network.l2"),
                network("early stopping a boolean", "{\"earlyStopping\": true}", "network.earlyStopping"),
                network("validation fraction one", "{\"earlyStopping\": {\"validationFraction\": 1}}",
                        "network.earlyStopping.validationFraction"),
                network("validation fraction zero", "{\"earlyStopping\": {\"validationFraction\": 0}}",
                        "network.earlyStopping.validationFraction"),
                network("zero patience", "{\"earlyStopping\": {\"patience\": 0}}", "network.earlyStopping.patience"),
                network("fractional patience", "{\"earlyStopping\": {\"patience\": 2.5}}",
                        "network.earlyStopping.patience"),
                network("negative min delta", "{\"earlyStopping\": {\"minDelta\": -1}}", "network.earlyStopping.minDelta"),
                network("unknown early stopping field", "{\"earlyStopping\": {\"monitor\": \"loss\"}}",
                        "network.earlyStopping.monitor: unknown field"),
                network("class weights of an unknown mode", "{\"classWeights\": \"auto\"}", "network.classWeights",
                        "balanced"),
                network("class weights of an unknown label", "{\"classWeights\": {\"2\": 1.5}}",
                        "network.classWeights.2", "its classes are 0, 1"),
                network("zero class weight", "{\"classWeights\": {\"1\": 0}}", "network.classWeights.1"),
                network("negative class weight", "{\"classWeights\": {\"0\": -2}}", "network.classWeights.0"),
                network("class weight a string", "{\"classWeights\": {\"0\": \"heavy\"}}", "network.classWeights.0"),
                network("empty class weights", "{\"classWeights\": {}}", "network.classWeights"),
                network("class weights an array", "{\"classWeights\": [1, 2]}", "network.classWeights"),
                new Case("text body", "POST", "/models", "text/plain", "hello", 415, "text/plain"),
                // a model is also taken by name: a text that is no id is a name nobody registered
                new Case("unregistered model name", "GET", "/models/not-a-uuid", null, null, 404,
                        "no SUCCEEDED model is named 'not-a-uuid'"),
                new Case("malformed model id", "GET", "/models/1-2-3-4-5", null, null, 400, "not a valid id"),
                new Case("unknown model", "GET", "/models/00000000-0000-0000-0000-000000000003", null, null, 404,
                        "model 00000000-0000-0000-0000-000000000003 does not exist"),
                new Case("unknown status filter", "GET", "/models?status=DONE", null, null, 400, "status"),
                new Case("zero limit", "GET", "/models?limit=0", null, null, 400, "limit"),
                new Case("cancel unknown model", "POST", "/models/00000000-0000-0000-0000-000000000004/cancel", null,
                        null, 404, "does not exist"),
                new Case("delete unregistered name", "DELETE", "/models/123", null, null, 404, "named '123'"),
                new Case("unknown path", "GET", "/nothing-here", null, null, 404, ""),
                new Case("wrong method", "PUT", "/models", "application/json", "{}", 405, ""),
                predict("predict wrong width", "{\"rows\": [" + row(19, "1") + "]}", 400,
                        "rows[0]: expected 20 values"),
                predict("predict second row too wide", "{\"rows\": [" + row(20, "1") + "," + row(21, "1") + "]}", 400,
                        "rows[1]: expected 20 values"),
                predict("predict string value", "{\"rows\": [[\"a\"" + ",1".repeat(19) + "]]}", 400, "rows[0][0]"),
                predict("predict NaN string", "{\"rows\": [[\"NaN\"" + ",1".repeat(19) + "]]}", 400, "rows[0][0]"),
                predict("predict boolean value", "{\"rows\": [[true" + ",1".repeat(19) + "]]}", 400,
                        "rows[0][0]: must be a number (or null when missing), got true"),
                predict("predict overflowing number", "{\"rows\": [[1e999" + ",1".repeat(19) + "]]}", 400, "rows[0]"),
                predict("predict empty list", "{\"rows\": []}", 400, "rows: must contain at least one row"),
                predict("predict neither", "{}", 400, "exactly one of"),
                predict("predict both", "{\"rows\": [], \"instances\": []}", 400, "exactly one of"),
                predict("predict too many rows", "{\"rows\": [" + String.join(",",
                        java.util.Collections.nCopies(101, row(20, "0"))) + "]}", 413, "limit of 100"),
                predict("predict missing name", "{\"instances\": [{\"x0\": 1}]}", 400, "instances[0]: missing feature"),
                predict("predict unknown name", "{\"instances\": [{" + names(20) + ", \"x99\": 1}]}", 400,
                        "unknown feature 'x99'"),
                predict("predict string by name", "{\"instances\": [{\"x0\": \"big\"}]}", 400, "instances[0].x0"),
                predict("predict rows not arrays", "{\"rows\": [1, 2]}", 400, "rows[0]"),
                predict("predict unknown field", "{\"rows\": [" + row(20, "1") + "], \"extra\": 1}", 400,
                        "extra: unknown field"),
                new Case("predict unknown model", "POST", "/models/00000000-0000-0000-0000-000000000005/predict",
                        "application/json", "{\"rows\": [" + row(20, "1") + "]}", 404, "does not exist"),
                new Case("predict as plain text", "POST", "/models/{model}/predict", "text/plain", "1,2", 415, ""),
                new Case("predict a CSV without the features", "POST", "/models/{model}/predict", "text/csv", "1,2", 400,
                        "no column 'x0'"));
    }

    static String names(int count) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < count; i++) {
            out.append(i == 0 ? "" : ", ").append("\"x").append(i).append("\": 1");
        }
        return out.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersBadRequestsWithAProblemNamingTheField(Case c) {
        String path = c.path().replace("{dataset}", dataset).replace("{model}", model);
        Http.Response response = switch (c.method()) {
            case "GET" -> http.get(path);
            case "DELETE" -> http.delete(path);
            default -> http.send(c.method(), path, c.contentType(),
                    c.body() == null ? new byte[0] : c.body().replace("{dataset}", dataset).getBytes(StandardCharsets.UTF_8));
        };
        response.assertProblem(c.status(), c.detail());
    }
}
