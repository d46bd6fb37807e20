package io.netforge.prediction;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
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
 * Calibration and thresholds fitted on held-out rows, over HTTP, against the independent reference:
 * {@code reference/inspection/calibration.json} holds what {@code ../shared/bench/inspection_reference.py calibration}
 * and {@code threshold} computed (scikit-learn's sigmoid and isotonic calibration, scipy's bounded minimiser for the
 * temperature, scikit-learn's curves for the thresholds) from the service's own {@code /predict} of the same networks
 * trained without calibration (the command is in the file; calibration never changes the weights). The parameters
 * agree to 1e-6, the Brier scores, ECEs and the calibrated probabilities to 1e-9, the thresholds exactly; the model's
 * ONNX export and an npz round trip answer what its {@code /predict} answers. Three tables: the article's (binary),
 * the customers table (a categorical feature, missing values; three classes) and the same with a binary label.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "netforge.training.workers=1")
class CalibrationTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @LocalServerPort
    int port;

    private Http http;

    private static final Path SEED_TRAIN = Path.of("src/test/resources/article/seed_train.csv");
    private static final Path SEED_TEST = Path.of("src/test/resources/article/seed_test.csv");
    private static final Path CUSTOMERS_TRAIN = Path.of("examples/data/customers-train.csv");
    private static final Path CUSTOMERS_TEST = Path.of("examples/data/customers-test.csv");

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    private static JsonNode fixture() throws IOException {
        try (InputStream in = CalibrationTest.class.getResourceAsStream("/reference/inspection/calibration.json")) {
            return JsonMapper.builder().build().readTree(in);
        }
    }

    private String upload(Path csv, String name, String ignore) throws IOException {
        Http.Response dataset = http.post("/datasets?name=" + name + (ignore == null ? "" : "&ignore=" + ignore),
                "text/csv", Files.readAllBytes(csv));
        assertThat(dataset.status()).as(dataset.toString()).isEqualTo(201);
        return dataset.json().get("id").asString();
    }

    private JsonNode train(String body) throws InterruptedException {
        Http.Response model = http.postJson("/models", body);
        assertThat(model.status()).as(model.toString()).isEqualTo(202);
        String id = model.json().get("id").asString();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            JsonNode view = http.get("/models/" + id).json();
            String status = view.get("status").asString();
            if (status.equals("SUCCEEDED")) {
                return view;
            }
            assertThat(status).as(view.toString()).isIn("QUEUED", "RUNNING");
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** The article's [8, 3] at 300 iterations, calibrated or thresholded on seed_test.csv. */
    private JsonNode article(String train, String heldOut, String network) throws InterruptedException {
        return train("""
                {"datasetId": "%s", "heldOutDatasetId": "%s", "network": {"maxIterations": 300, %s}}
                """.formatted(train, heldOut, network));
    }

    /** The first 20 rows of a CSV, header included. */
    private static byte[] head(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        return (String.join("\n", lines.subList(0, 21)) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private JsonNode predictions(String model, Path csv) throws IOException {
        return http.send("POST", "/models/" + model + "/predict", "text/csv", head(csv), "application/json").json()
                .get("predictions");
    }

    private static void close(double actual, double expected, double relative, String what) {
        assertThat(Math.abs(actual - expected)).as(what + ": " + actual + " vs " + expected)
                .isLessThanOrEqualTo(relative * Math.max(1, Math.abs(expected)));
    }

    @Test
    void plattIsotonicAndTemperatureOnTheArticleAreTheReferences() throws Exception {
        JsonNode fixture = fixture().get("article");
        JsonNode reference = fixture.get("reference");
        JsonNode rows = fixture.get("rows");
        String train = upload(SEED_TRAIN, "seed-train", null);
        String heldOut = upload(SEED_TEST, "seed-test", null);

        JsonNode platt = article(train, heldOut, "\"calibration\": {\"method\": \"platt\"}");
        JsonNode c = platt.get("calibration");
        assertThat(c.get("fitted").get("method").asString()).isEqualTo("platt");
        assertThat(c.get("heldOut").asString()).isEqualTo("heldOutDataset");
        assertThat(c.get("heldOutRows").asLong()).isEqualTo(1000);
        assertThat(c.get("reportedOn").asString()).isEqualTo("heldOut");
        close(c.get("fitted").get("a").asDouble(), reference.get("platt").get("a").asDouble(), 1e-6, "a");
        close(c.get("fitted").get("b").asDouble(), reference.get("platt").get("b").asDouble(), 1e-6, "b");
        close(c.get("before").get("brier").asDouble(), reference.get("before").get("brier").asDouble(), 1e-9, "brier");
        close(c.get("before").get("ece").asDouble(), reference.get("before").get("ece").asDouble(), 1e-9, "ece");
        close(c.get("after").get("brier").asDouble(), reference.get("platt").get("brier").asDouble(), 1e-9,
                "platt brier");
        close(c.get("after").get("ece").asDouble(), reference.get("platt").get("ece").asDouble(), 1e-9, "platt ece");
        String plattId = platt.get("id").asString();
        JsonNode answers = predictions(plattId, SEED_TEST);
        for (int r = 0; r < 20; r++) {
            // the reference's parameters are where BFGS stops (gradient 1e-5), 1e-8 from the optimum: its
            // probabilities agree to that; the optimum's (Newton's method in the fixture script) to 1e-9
            close(answers.get(r).get("probability").asDouble(), rows.get("platt").get(r).asDouble(), 1e-6, "platt " + r);
            close(answers.get(r).get("probability").asDouble(), rows.get("plattExactRows").get(r).asDouble(), 1e-9,
                    "platt " + r);
        }
        close(c.get("fitted").get("a").asDouble(), rows.get("plattExact").get("a").asDouble(), 1e-9, "exact a");
        close(c.get("fitted").get("b").asDouble(), rows.get("plattExact").get("b").asDouble(), 1e-9, "exact b");
        exportsAnswerAsPredict(plattId, SEED_TEST, List.of("x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9",
                "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19"));
        // the reliability diagram, drawn
        assertThat(http.get("/models/" + plattId + "/plots/calibration?format=svg").body()).startsWith("<?xml")
                .contains("platt (Brier 0.1565", "held-out rows");

        JsonNode isotonic = article(train, heldOut, "\"calibration\": {\"method\": \"isotonic\"}");
        JsonNode fitted = isotonic.get("calibration").get("fitted");
        JsonNode points = rows.get("isotonicPoints");
        assertThat(fitted.get("x").size()).isEqualTo(points.get("x").size());
        for (int k = 0; k < points.get("x").size(); k++) {
            // the probabilities training computed (ND4J's forward pass) and /predict's (the serving kernel) may differ
            // in the last bit
            close(fitted.get("x").get(k).asDouble(), points.get("x").get(k).asDouble(), 1e-15, "isotonic x " + k);
            close(fitted.get("y").get(k).asDouble(), points.get("y").get(k).asDouble(), 1e-12, "isotonic y " + k);
        }
        JsonNode after = isotonic.get("calibration").get("after");
        close(after.get("brier").asDouble(), reference.get("isotonic").get("brier").asDouble(), 1e-9, "isotonic brier");
        close(after.get("ece").asDouble(), reference.get("isotonic").get("ece").asDouble(), 1e-9, "isotonic ece");
        answers = predictions(isotonic.get("id").asString(), SEED_TEST);
        for (int r = 0; r < 20; r++) {
            close(answers.get(r).get("probability").asDouble(), rows.get("isotonic").get(r).asDouble(), 1e-9,
                    "isotonic " + r);
        }
        exportsAnswerAsPredict(isotonic.get("id").asString(), SEED_TEST, List.of("x0", "x1", "x2", "x3", "x4", "x5",
                "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19"));

        JsonNode temperature = article(train, heldOut, "\"calibration\": {\"method\": \"temperature\"}");
        // scipy's bounded minimiser stops within 1.5e-8 of t (its tolerance is relative); Newton's method in the
        // fixture script refines it, and the calibrated probabilities are the refined t's
        double t = temperature.get("calibration").get("fitted").get("t").asDouble();
        close(t, reference.get("temperature").get("t").asDouble(), 1e-6, "t");
        close(t, rows.get("temperatureExact").asDouble(), 1e-9, "exact t");
        close(temperature.get("calibration").get("after").get("ece").asDouble(),
                reference.get("temperature").get("ece").asDouble(), 1e-8, "temperature ece");
        answers = predictions(temperature.get("id").asString(), SEED_TEST);
        for (int r = 0; r < 20; r++) {
            close(answers.get(r).get("probability").asDouble(), rows.get("temperature").get(r).get(1).asDouble(), 1e-7,
                    "temperature " + r);
            close(answers.get(r).get("probability").asDouble(),
                    rows.get("temperatureExactRows").get(r).get(1).asDouble(), 1e-9, "temperature " + r);
        }
        exportsAnswerAsPredict(temperature.get("id").asString(), SEED_TEST, List.of("x0", "x1", "x2", "x3", "x4", "x5",
                "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19"));
    }

    @Test
    void thresholdsChosenOnHeldOutRowsAreTheReferences() throws Exception {
        JsonNode reference = fixture().get("article").get("thresholds");
        String train = upload(SEED_TRAIN, "seed-train", null);
        String heldOut = upload(SEED_TEST, "seed-test", null);
        for (String rule : List.of("maxF1", "youden")) {
            JsonNode model = article(train, heldOut, "\"thresholdRule\": {\"by\": \"" + rule + "\"}");
            JsonNode choice = model.get("thresholdChoice").get("choice");
            assertThat(choice.get("threshold").asDouble()).as(rule)
                    .isEqualTo(reference.get(rule).get("threshold").asDouble());
            assertThat(model.get("threshold").asDouble()).isEqualTo(choice.get("threshold").asDouble());
            if (rule.equals("maxF1")) {
                close(choice.get("f1").asDouble(), reference.get("maxF1").get("f1").asDouble(), 1e-15, "f1");
            }
            // /predict labels by it, and says so
            JsonNode answer = http.send("POST", "/models/" + model.get("id").asString() + "/predict", "text/csv",
                    head(SEED_TEST), "application/json").json();
            assertThat(answer.get("threshold").asDouble()).isEqualTo(choice.get("threshold").asDouble());
            for (JsonNode p : answer.get("predictions")) {
                assertThat(p.get("label").asInt()).isEqualTo(p.get("probability").asDouble()
                        >= choice.get("threshold").asDouble() ? 1 : 0);
            }
            // the threshold plot marks it
            assertThat(http.get("/models/" + model.get("id").asString() + "/thresholds/plot?format=svg&datasetId="
                    + heldOut).body()).contains("model = " + (rule.equals("maxF1") ? "max F1 " : "Youden ")
                            + String.format(java.util.Locale.ROOT, "%.4f", choice.get("threshold").asDouble()));
        }
        // a bound: the largest recall at precision 0.8, then a cost that prices a missed positive at 5 false alarms
        JsonNode precise = article(train, heldOut, "\"thresholdRule\": {\"by\": \"precisionAtLeast\", \"value\": 0.8}")
                .get("thresholdChoice").get("choice");
        assertThat(precise.get("precision").asDouble()).isGreaterThanOrEqualTo(0.8);
        assertThat(precise.get("met").asBoolean()).isTrue();
        JsonNode recall = article(train, heldOut, "\"thresholdRule\": {\"by\": \"recallAtLeast\", \"value\": 0.95}")
                .get("thresholdChoice").get("choice");
        assertThat(recall.get("recall").asDouble()).isGreaterThanOrEqualTo(0.95);
        JsonNode costly = article(train, heldOut, "\"thresholdRule\": {\"by\": \"cost\", \"costs\": {\"falsePositive\": 1,"
                + " \"falseNegative\": 5}}").get("thresholdChoice").get("choice");
        JsonNode cheap = article(train, heldOut, "\"thresholdRule\": {\"by\": \"cost\", \"costs\": {\"falsePositive\": 5,"
                + " \"falseNegative\": 1}}").get("thresholdChoice").get("choice");
        assertThat(costly.get("threshold").asDouble()).isLessThan(cheap.get("threshold").asDouble());

        // early stopping's validation rows are the default held-out rows
        JsonNode validated = train("""
                {"datasetId": "%s", "network": {"maxIterations": 300, "earlyStopping": {}, "thresholdRule": {"by": "maxF1"},
                 "calibration": {"method": "platt"}}}""".formatted(train));
        assertThat(validated.get("thresholdChoice").get("heldOut").asString()).isEqualTo("validation");
        assertThat(validated.get("calibration").get("heldOutRows").asLong()).isEqualTo(
                validated.get("training").get("validationRows").asLong());
    }

    @Test
    void temperatureCalibratesAThreeClassModelWithCategoriesAndMissingValues() throws Exception {
        JsonNode fixture = fixture().get("customers");
        String train = upload(CUSTOMERS_TRAIN, "customers", "customer_id");
        String heldOut = upload(CUSTOMERS_TEST, "customers-test", "customer_id");
        JsonNode model = train("""
                {"datasetId": "%s", "heldOutDatasetId": "%s", "network": {"hiddenLayers": [8], "activation": "tanh",
                 "optimizer": {"type": "adam"}, "learningRate": 0.01, "batchSize": 64, "maxIterations": 30,
                 "calibration": "temperature"}}""".formatted(train, heldOut));
        JsonNode c = model.get("calibration");
        close(c.get("fitted").get("t").asDouble(), fixture.get("reference").get("temperature").get("t").asDouble(), 1e-6,
                "t");
        close(c.get("fitted").get("t").asDouble(), fixture.get("rows").get("temperatureExact").asDouble(), 1e-9,
                "exact t");
        close(c.get("before").get("ece").asDouble(), fixture.get("reference").get("before").get("ece").asDouble(), 1e-9,
                "ece before");
        close(c.get("after").get("ece").asDouble(), fixture.get("reference").get("temperature").get("ece").asDouble(),
                1e-8, "ece after");
        JsonNode answers = predictions(model.get("id").asString(), CUSTOMERS_TEST);
        List<String> classes = List.of("basic", "plus", "pro");
        for (int r = 0; r < 20; r++) {
            for (int k = 0; k < 3; k++) {
                close(answers.get(r).get("probabilities").get(classes.get(k)).asDouble(),
                        fixture.get("rows").get("temperatureExactRows").get(r).get(k).asDouble(), 1e-9,
                        "row " + r + " " + k);
            }
        }
        exportsAnswerAsPredict(model.get("id").asString(), CUSTOMERS_TEST, List.of("age", "income", "country",
                "visits"));
        assertThat(http.get("/models/" + model.get("id").asString() + "/plots/calibration?format=svg").body())
                .contains("temperature", "top class");
    }

    /** The customers tables with the label "pro" or "other", as the fixture script writes them. */
    private static Path pro(Path source, Path dir) throws IOException {
        List<String> lines = Files.readAllLines(source);
        StringBuilder out = new StringBuilder(lines.get(0)).append('\n');
        for (String line : lines.subList(1, lines.size())) {
            out.append(line, 0, line.lastIndexOf(',') + 1).append(line.endsWith(",pro") ? "pro" : "other").append('\n');
        }
        Path path = dir.resolve(source.getFileName().toString().replace("customers", "customers-pro"));
        Files.writeString(path, out);
        return path;
    }

    @Test
    void aBinaryTableWithCategoriesAndMissingValuesCalibratesAndChoosesAsTheReferenceDoes() throws Exception {
        JsonNode fixture = fixture().get("customersPro");
        JsonNode reference = fixture.get("reference");
        JsonNode rows = fixture.get("rows");
        Path dir = Files.createTempDirectory("customers-pro");
        Path trainCsv = pro(CUSTOMERS_TRAIN, dir);
        Path heldOutCsv = pro(CUSTOMERS_TEST, dir);
        String train = upload(trainCsv, "customers-pro", "customer_id");
        String heldOut = upload(heldOutCsv, "customers-pro-test", "customer_id");
        String network = "\"hiddenLayers\": [8], \"activation\": \"tanh\", \"optimizer\": {\"type\": \"adam\"},"
                + " \"learningRate\": 0.01, \"batchSize\": 64, \"maxIterations\": 30";
        String body = "{\"datasetId\": \"" + train + "\", \"heldOutDatasetId\": \"" + heldOut + "\", \"network\": {"
                + network + ", %s}}";
        List<String> features = List.of("age", "income", "country", "visits");
        for (String rule : List.of("maxF1", "youden")) {
            JsonNode model = train(body.formatted("\"thresholdRule\": {\"by\": \"" + rule + "\"}"));
            assertThat(model.get("threshold").asDouble()).as(rule)
                    .isEqualTo(fixture.get("thresholds").get(rule).get("threshold").asDouble());
        }
        JsonNode platt = train(body.formatted("\"calibration\": \"platt\""));
        JsonNode c = platt.get("calibration");
        close(c.get("fitted").get("a").asDouble(), reference.get("platt").get("a").asDouble(), 1e-6, "a");
        close(c.get("fitted").get("b").asDouble(), reference.get("platt").get("b").asDouble(), 1e-6, "b");
        close(c.get("fitted").get("a").asDouble(), rows.get("plattExact").get("a").asDouble(), 1e-9, "exact a");
        close(c.get("fitted").get("b").asDouble(), rows.get("plattExact").get("b").asDouble(), 1e-9, "exact b");
        close(c.get("before").get("brier").asDouble(), reference.get("before").get("brier").asDouble(), 1e-9, "brier");
        close(c.get("after").get("brier").asDouble(), reference.get("platt").get("brier").asDouble(), 1e-9,
                "platt brier");
        close(c.get("after").get("ece").asDouble(), reference.get("platt").get("ece").asDouble(), 1e-9, "platt ece");
        JsonNode answers = predictions(platt.get("id").asString(), heldOutCsv);
        for (int r = 0; r < 20; r++) {
            close(answers.get(r).get("probability").asDouble(), rows.get("plattExactRows").get(r).asDouble(), 1e-9,
                    "platt " + r);
        }
        exportsAnswerAsPredict(platt.get("id").asString(), heldOutCsv, features);

        JsonNode isotonic = train(body.formatted("\"calibration\": \"isotonic\""));
        JsonNode fitted = isotonic.get("calibration").get("fitted");
        assertThat(fitted.get("x").size()).isEqualTo(rows.get("isotonicPoints").get("x").size());
        close(isotonic.get("calibration").get("after").get("brier").asDouble(),
                reference.get("isotonic").get("brier").asDouble(), 1e-9, "isotonic brier");
        answers = predictions(isotonic.get("id").asString(), heldOutCsv);
        for (int r = 0; r < 20; r++) {
            close(answers.get(r).get("probability").asDouble(), rows.get("isotonic").get(r).asDouble(), 1e-9,
                    "isotonic " + r);
        }
        exportsAnswerAsPredict(isotonic.get("id").asString(), heldOutCsv, features);
    }

    @Test
    void refusesWhatCannotBeCalibratedNamingTheField() throws Exception {
        String train = upload(SEED_TRAIN, "seed-train", null);
        String heldOut = upload(SEED_TEST, "seed-test", null);
        String customers = upload(CUSTOMERS_TRAIN, "customers", "customer_id");
        String base = "{\"datasetId\": \"" + train + "\", ";
        http.postJson("/models", base + "\"network\": {\"calibration\": {\"method\": \"platt\"}}}")
                .assertProblem(400, "network.calibration", "heldOutDatasetId", "earlyStopping");
        http.postJson("/models", base + "\"heldOutDatasetId\": \"" + heldOut + "\"}")
                .assertProblem(400, "heldOutDatasetId", "nothing uses");
        http.postJson("/models", base + "\"heldOutDatasetId\": \"" + train + "\", \"network\": {\"calibration\":"
                + " \"platt\"}}").assertProblem(400, "heldOutDatasetId", "training dataset");
        http.postJson("/models", base + "\"testDatasetId\": \"" + heldOut + "\", \"heldOutDatasetId\": \"" + heldOut
                + "\", \"network\": {\"calibration\": \"platt\"}}").assertProblem(400, "heldOutDatasetId", "test");
        http.postJson("/models", base + "\"network\": {\"calibration\": {\"method\": \"beta\"}}}")
                .assertProblem(400, "network.calibration.method", "platt, isotonic, temperature");
        http.postJson("/models", base + "\"network\": {\"threshold\": 0.3, \"thresholdRule\": {\"by\": \"maxF1\"},"
                + " \"earlyStopping\": {}}}").assertProblem(400, "network.threshold", "not both");
        http.postJson("/models", base + "\"network\": {\"thresholdRule\": {\"by\": \"precisionAtLeast\"},"
                + " \"earlyStopping\": {}}}").assertProblem(400, "network.thresholdRule.value");
        http.postJson("/models", base + "\"network\": {\"thresholdRule\": {\"by\": \"cost\", \"costs\":"
                + " {\"falsePositive\": -1, \"falseNegative\": 1}}, \"earlyStopping\": {}}}")
                .assertProblem(400, "network.thresholdRule.costs.falsePositive");
        http.postJson("/models", base + "\"network\": {\"thresholdRule\": {\"by\": \"best\"}, \"earlyStopping\": {}}}")
                .assertProblem(400, "network.thresholdRule.by", "maxF1");
        String other = "{\"datasetId\": \"" + customers + "\", \"network\": {\"earlyStopping\": {}, ";
        http.postJson("/models", other + "\"calibration\": {\"method\": \"isotonic\"}}}")
                .assertProblem(400, "network.calibration.method", "temperature");
        http.postJson("/models", other + "\"thresholdRule\": {\"by\": \"maxF1\"}}}")
                .assertProblem(400, "network.thresholdRule", "binary");
        // a held-out dataset must have the model's columns
        http.postJson("/models", "{\"datasetId\": \"" + customers + "\", \"heldOutDatasetId\": \"" + heldOut
                + "\", \"network\": {\"calibration\": \"temperature\"}}")
                .assertProblem(422, "heldOutDatasetId", "held-out dataset");
        // an uncalibrated model has no reliability diagram
        JsonNode plain = train(base + "\"network\": {\"maxIterations\": 10}}");
        http.get("/models/" + plain.get("id").asString() + "/plots/calibration").assertProblem(404, "not calibrated");
    }

    /**
     * The model's ONNX export (run by ONNX Runtime) and an npz export imported back answer the first 20 rows of the
     * CSV as the model's {@code /predict} does.
     */
    private void exportsAnswerAsPredict(String id, Path csv, List<String> features) throws Exception {
        JsonNode expected = predictions(id, csv);
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.get(0).split(","));
        ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        byte[] onnx = http.getBytes("/models/" + id + "/export?format=onnx");
        try (ai.onnxruntime.OrtSession session = env.createSession(onnx, new ai.onnxruntime.OrtSession.SessionOptions())) {
            Map<String, ai.onnxruntime.OnnxTensor> inputs = new LinkedHashMap<>();
            try {
                for (String feature : features) {
                    int column = header.indexOf(feature);
                    ai.onnxruntime.OnnxTensor tensor;
                    if (session.getInputInfo().get(feature).getInfo().toString().contains("STRING")) {
                        String[] values = new String[20];
                        for (int r = 0; r < 20; r++) {
                            values[r] = lines.get(r + 1).split(",", -1)[column];
                        }
                        tensor = ai.onnxruntime.OnnxTensor.createTensor(env, values, new long[] {20, 1});
                    } else {
                        double[] values = new double[20];
                        for (int r = 0; r < 20; r++) {
                            String cell = lines.get(r + 1).split(",", -1)[column];
                            values[r] = cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
                        }
                        tensor = ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.DoubleBuffer.wrap(values),
                                new long[] {20, 1});
                    }
                    inputs.put(feature, tensor);
                }
                try (ai.onnxruntime.OrtSession.Result result = session.run(inputs)) {
                    double[][] p = (double[][]) result.get("probabilities").orElseThrow().getValue();
                    String[] labels = (String[]) result.get("label").orElseThrow().getValue();
                    for (int r = 0; r < 20; r++) {
                        JsonNode answer = expected.get(r);
                        if (answer.has("probability")) {
                            close(p[r][1], answer.get("probability").asDouble(), 1e-12, "onnx row " + r);
                        } else {
                            int k = 0;
                            for (var entry : answer.get("probabilities").properties()) {
                                close(p[r][k++], entry.getValue().asDouble(), 1e-12, "onnx row " + r + " " + entry.getKey());
                            }
                        }
                        assertThat(labels[r]).as("onnx label " + r).isEqualTo(answer.get("label").asString());
                    }
                }
            } finally {
                inputs.values().forEach(ai.onnxruntime.OnnxTensor::close);
            }
        }
        byte[] npz = http.getBytes("/models/" + id + "/export?format=npz");
        Http.Response imported = http.post("/models/import", "application/octet-stream", npz);
        assertThat(imported.status()).as(imported.toString()).isEqualTo(201);
        assertThat(imported.json().get("calibration")).isEqualTo(http.get("/models/" + id).json().get("calibration"));
        assertThat(predictions(imported.json().get("id").asString(), csv)).isEqualTo(expected);
    }
}
