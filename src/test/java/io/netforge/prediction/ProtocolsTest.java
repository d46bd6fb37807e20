package io.netforge.prediction;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

/**
 * The same rows give the same numbers, bit for bit, through {@code /predict} (JSON and CSV, CSV answered as CSV or
 * JSON), MLflow's {@code /invocations} (every JSON format and CSV) and KServe V2 {@code infer}, for a binary, a
 * multi-class and a regression model; runtimes no one here wrote, ONNX Runtime on the ONNX export and numpy on the
 * npz export, give /predict's numbers to 1e-12 (float64) or 1e-6 (a float32 network) over thousands of rows with
 * missing values and unseen categories; and bad input to each is a 4xx naming the row, column or field.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "netforge.prediction.max-rows=500")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtocolsTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @LocalServerPort
    int port;

    Http http;
    final Map<String, Model> models = new LinkedHashMap<>();

    /** A trained model, a CSV of rows for it (with columns it does not use), and which of its features are text. */
    record Model(String id, byte[] csv, Set<String> categorical) {
    }

    @BeforeAll
    void train() throws IOException {
        http = new Http(port);
        byte[] customers = Files.readAllBytes(Path.of("examples/data/customers-train.csv"));
        byte[] houses = Files.readAllBytes(Path.of("examples/data/houses-train.csv"));
        String c = upload("?ignore=customer_id", customers);
        String h = upload("", houses);
        String moons = http.postJson("/datasets/synthetic", "{\"generator\": \"moons\", \"samples\": 300, \"noise\": 0.2}")
                .json().get("id").asString();
        models.put("binary", new Model(train(moons, "{\"hiddenLayers\": [6], \"maxIterations\": 200}", "moons"),
                moonsCsv(), Set.of()));
        // a second version of the name, which V2 serves as the newest
        models.put("binary v2", new Model(train(moons, "{\"hiddenLayers\": [6], \"maxIterations\": 200, \"seed\": 1}",
                "moons"), moonsCsv(), Set.of()));
        models.put("binary float32", new Model(train(moons, "{\"hiddenLayers\": [6, 4], \"activation\": \"tanh\","
                + " \"precision\": \"FLOAT32\", \"maxIterations\": 200}"), moonsCsv(), Set.of()));
        models.put("multiclass", new Model(train(c, "{\"hiddenLayers\": [8], \"maxIterations\": 100}"),
                Files.readAllBytes(Path.of("examples/data/customers-test.csv")), Set.of("country")));
        models.put("regression", new Model(train(h, "{\"hiddenLayers\": [8], \"maxIterations\": 100}"),
                Files.readAllBytes(Path.of("examples/data/houses-test.csv")), Set.of("city")));
    }

    private String upload(String query, byte[] csv) {
        Http.Response r = http.post("/datasets" + query, "text/csv", csv);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    private String train(String dataset, String network) {
        return train(dataset, network, null);
    }

    private String train(String dataset, String network, String name) {
        Http.Response accepted = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"network\": " + network
                + (name == null ? "" : ", \"name\": \"" + name + "\"") + "}");
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        JsonNode model = http.awaitModel(accepted.json().get("id").asString(), Duration.ofMinutes(2));
        assertThat(model.get("status").asString()).as(model.toString()).isEqualTo("SUCCEEDED");
        return model.get("id").asString();
    }

    /** 200 rows of the moons in [-1.5, 2.5] x [-1, 1.5], an id column first. */
    private static byte[] moonsCsv() {
        StringBuilder csv = new StringBuilder("id,x0,x1\n");
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 200; i++) {
            csv.append("r").append(i).append(',').append(-1.5 + 4 * random.nextDouble()).append(',')
                    .append(-1 + 2.5 * random.nextDouble()).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The CSV's rows as /predict instances of the model's features: numbers, strings, null for empty or NA. */
    private List<Map<String, Object>> instances(Model model) throws IOException {
        List<String> features = new ArrayList<>();
        http.get("/models/" + model.id()).json().get("features").forEach(f -> features.add(f.asString()));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (CSVRecord record : CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(new String(model.csv(), StandardCharsets.UTF_8)))) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (String f : features) {
                String cell = record.get(f);
                row.put(f, cell.isEmpty() || Set.of("NA", "N/A", "null", "NaN", "?").contains(cell) ? null
                        : model.categorical().contains(f) ? cell : (Object) Double.parseDouble(cell));
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * A regression's residuals on a dataset: each point is the row's /predict answer against its label, and the RMSE
     * is theirs over every row; a classifier has none.
     */
    @Test
    void residualsAreThePredictionsAgainstTheLabels() throws Exception {
        Model model = models.get("regression");
        String test = upload("?name=houses-test", model.csv());
        JsonNode residuals = http.get("/models/" + model.id() + "/residuals?datasetId=" + test).json();
        List<Map<String, Object>> rows = instances(model);
        assertThat(residuals.get("rows").asInt()).isEqualTo(rows.size());
        JsonNode answers = http.postJson("/models/" + model.id() + "/predict", Map.of("instances", rows)).json()
                .get("predictions");
        List<String> lines = new String(model.csv(), StandardCharsets.UTF_8).lines().skip(1).toList();
        double squares = 0;
        for (int r = 0; r < rows.size(); r++) {
            String[] cells = lines.get(r).split(",");
            double actual = Double.parseDouble(cells[cells.length - 1]);
            double predicted = answers.get(r).get("value").asDouble();
            squares += (predicted - actual) * (predicted - actual);
            JsonNode point = residuals.get("points").get(r);
            assertThat(point.get("row").asInt()).isEqualTo(r);
            assertThat(point.get("actual").asDouble()).isEqualTo(actual);
            assertThat(point.get("predicted").asDouble()).isCloseTo(predicted, org.assertj.core.data.Offset.offset(
                    1e-9 * Math.abs(predicted)));
        }
        assertThat(residuals.get("rmse").asDouble()).isCloseTo(Math.sqrt(squares / rows.size()),
                org.assertj.core.data.Offset.offset(1e-6));
        http.get("/models/" + models.get("binary").id() + "/residuals").assertProblem(422, "regression");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"binary", "multiclass", "regression"})
    void everyProtocolGivesPredictsNumbersBitForBit(String task) throws IOException {
        Model model = models.get(task);
        List<Map<String, Object>> instances = instances(model);
        JsonNode reference = http.postJson("/models/" + model.id() + "/predict", Map.of("instances", instances))
                .json().get("predictions");
        assertThat(reference.size()).isEqualTo(instances.size());

        // CSV in, CSV out
        Http.Response csv = http.send("POST", "/models/" + model.id() + "/predict", "text/csv", model.csv());
        assertThat(csv.status()).as(csv.toString()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        List<CSVRecord> out = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(csv.body())).getRecords();
        assertThat(out).hasSize(instances.size());
        for (int r = 0; r < out.size(); r++) {
            JsonNode expected = reference.get(r);
            CSVRecord row = out.get(r);
            switch (task) {
                case "binary" -> {
                    assertThat(Double.parseDouble(row.get("probability"))).isEqualTo(expected.get("probability").asDouble());
                    assertThat(row.get("label")).isEqualTo(expected.get("label").asString());
                }
                case "multiclass" -> {
                    assertThat(row.get("label")).isEqualTo(expected.get("label").asString());
                    for (String c : expected.get("probabilities").propertyNames()) {
                        assertThat(Double.parseDouble(row.get("probability_" + c)))
                                .isEqualTo(expected.get("probabilities").get(c).asDouble());
                    }
                }
                default -> assertThat(Double.parseDouble(row.get("value"))).isEqualTo(expected.get("value").asDouble());
            }
        }
        // CSV in, JSON out
        Http.Response asJson = http.send("POST", "/models/" + model.id() + "/predict", "text/csv", model.csv(),
                "application/json");
        assertThat(asJson.json().get("predictions")).isEqualTo(reference);

        // MLflow: every JSON format, and CSV
        List<String> features = new ArrayList<>(instances.get(0).keySet());
        List<List<Object>> data = instances.stream().map(m -> (List<Object>) new ArrayList<>(m.values())).toList();
        // columns in another order than the model's, and one it does not use
        List<String> columns = new ArrayList<>(features);
        java.util.Collections.reverse(columns);
        columns.add("note");
        List<List<Object>> reordered = instances.stream().map(m -> {
            List<Object> row = new ArrayList<>();
            for (String c : columns) {
                row.add(c.equals("note") ? "ignored" : m.get(c));
            }
            return row;
        }).toList();
        Map<String, List<Object>> columnar = new LinkedHashMap<>();
        for (String f : features) {
            columnar.put(f, instances.stream().map(m -> m.get(f)).toList());
        }
        List<Object> bodies = List.of(
                Map.of("dataframe_split", Map.of("columns", columns, "data", reordered)),
                Map.of("dataframe_records", instances),
                Map.of("instances", data),
                Map.of("instances", instances),
                Map.of("inputs", columnar));
        for (Object body : bodies) {
            Http.Response r = http.postJson("/models/" + model.id() + "/invocations", body);
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.json().get("predictions")).as(Http.write(body).substring(0, 40)).isEqualTo(reference);
        }
        Http.Response mlflowCsv = http.send("POST", "/models/" + model.id() + "/invocations", "text/csv", model.csv());
        assertThat(mlflowCsv.json().get("predictions")).isEqualTo(reference);

        // KServe V2: a tensor per feature (BYTES for categories), and for all-numeric models one [N, F] tensor
        List<Map<String, Object>> tensors = new ArrayList<>();
        for (String f : features) {
            boolean text = model.categorical().contains(f);
            tensors.add(Map.of("name", f, "datatype", text ? "BYTES" : "FP64", "shape", List.of(instances.size()),
                    "data", instances.stream().map(m -> m.get(f)).toList()));
        }
        List<Object> requests = new ArrayList<>(List.of(Map.of("id", "r1", "inputs", tensors)));
        if (model.categorical().isEmpty() && !hasMissing(instances)) {
            requests.add(Map.of("inputs", List.of(Map.of("name", "input", "datatype", "FP64",
                    "shape", List.of(instances.size(), features.size()),
                    "data", data.stream().flatMap(List::stream).toList()))));
        }
        for (Object body : requests) {
            Http.Response v2 = http.postJson("/v2/models/" + model.id() + "/infer", body);
            assertThat(v2.status()).as(v2.toString()).isEqualTo(200);
            JsonNode outputs = v2.json().get("outputs");
            for (int r = 0; r < reference.size(); r++) {
                JsonNode expected = reference.get(r);
                switch (task) {
                    case "binary" -> {
                        assertThat(outputs.get(0).get("data").get(2 * r + 1).asDouble())
                                .isEqualTo(expected.get("probability").asDouble());
                        assertThat(outputs.get(1).get("data").get(r).asString()).isEqualTo(expected.get("label").asString());
                    }
                    case "multiclass" -> {
                        int k = 0;
                        for (String c : expected.get("probabilities").propertyNames()) {
                            assertThat(outputs.get(0).get("data").get(r * 3 + k++).asDouble())
                                    .isEqualTo(expected.get("probabilities").get(c).asDouble());
                        }
                        assertThat(outputs.get(1).get("data").get(r).asString()).isEqualTo(expected.get("label").asString());
                    }
                    default -> assertThat(outputs.get(0).get("data").get(r).asDouble())
                            .isEqualTo(expected.get("value").asDouble());
                }
            }
        }
    }

    private static boolean hasMissing(List<Map<String, Object>> instances) {
        return instances.stream().anyMatch(m -> m.containsValue(null));
    }

    @Test
    void openInferenceServesMetadataReadinessAndVersionsByName() throws IOException {
        assertThat(http.get("/v2/health/live").json().get("live").asBoolean()).isTrue();
        assertThat(http.get("/v2/health/ready").json().get("ready").asBoolean()).isTrue();
        JsonNode metadata = http.get("/v2/models/moons").json();
        assertThat(metadata.get("versions").toString()).isEqualTo("[\"1\",\"2\"]");
        assertThat(metadata.get("inputs").toString()).isEqualTo("[{\"name\":\"x0\",\"datatype\":\"FP64\",\"shape\":[-1]},"
                + "{\"name\":\"x1\",\"datatype\":\"FP64\",\"shape\":[-1]}]");
        assertThat(metadata.get("outputs").get(0).get("shape").toString()).isEqualTo("[-1,2]");
        JsonNode customers = http.get("/v2/models/" + models.get("multiclass").id()).json();
        assertThat(customers.get("inputs").toString()).contains("{\"name\":\"country\",\"datatype\":\"BYTES\"");
        assertThat(http.get("/v2/models/moons/ready").json().get("ready").asBoolean()).isTrue();
        assertThat(http.get("/v2/models/moons/versions/1/ready").json().get("ready").asBoolean()).isTrue();

        // the name is its newest version; versions/1 the first model
        Map<String, Object> body = Map.of("inputs", List.of(Map.of("name", "input", "datatype", "FP64",
                "shape", List.of(1, 2), "data", List.of(0.5, 0.25))));
        for (String[] version : new String[][] {{"/v2/models/moons", "binary v2", "2"},
                {"/v2/models/moons/versions/2", "binary v2", "2"}, {"/v2/models/moons/versions/1", "binary", "1"}}) {
            JsonNode answer = http.postJson(version[0] + "/infer", body).json();
            double expected = http.postJson("/models/" + models.get(version[1]).id() + "/predict", "{\"rows\": [[0.5, 0.25]]}")
                    .json().get("predictions").get(0).get("probability").asDouble();
            assertThat(answer.get("model_version").asString()).isEqualTo(version[2]);
            assertThat(answer.get("model_name").asString()).isEqualTo("moons");
            assertThat(answer.get("outputs").get(0).get("data").get(1).asDouble()).isEqualTo(expected);
        }
        // only the outputs asked for
        JsonNode labelOnly = http.postJson("/v2/models/moons/infer", Map.of("inputs", body.get("inputs"),
                "outputs", List.of(Map.of("name", "label")))).json();
        assertThat(labelOnly.get("outputs").size()).isEqualTo(1);
        assertThat(labelOnly.get("outputs").get(0).get("name").asString()).isEqualTo("label");
    }

    @Test
    void openInferenceErrorsAreTheProtocolsShape() {
        String infer = "/v2/models/moons/infer";
        for (String[] c : new String[][] {
                {infer, "{}", "400", "inputs"},
                {infer, "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP64\", \"shape\": [1, 3], \"data\": [1, 2, 3]}]}", "400", "[N, 2]"},
                {infer, "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP64\", \"shape\": [2, 2], \"data\": [1, 2, 3]}]}", "400", "needs 4"},
                {infer, "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"BYTES\", \"shape\": [1, 2], \"data\": [\"a\", \"b\"]}]}", "400", "FP64"},
                {infer, "{\"inputs\": [{\"name\": \"x0\", \"datatype\": \"FP64\", \"shape\": [1], \"data\": [1]},"
                        + " {\"name\": \"x9\", \"datatype\": \"FP64\", \"shape\": [1], \"data\": [1]}]}", "400", "'x9' is not a feature"},
                {infer, "{\"inputs\": [{\"name\": \"x0\", \"datatype\": \"FP64\", \"shape\": [1], \"data\": [1]}]}", "400", "no column 'x1'"},
                {infer, "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP64\", \"shape\": [1, 2], \"data\": [1, \"x\"]}]}", "400", "must be a number"},
                {infer, "{\"inputs\": [{\"name\": \"input\", \"datatype\": \"FP64\", \"shape\": [1, 2], \"data\": [1, 2]}],"
                        + " \"outputs\": [{\"name\": \"logits\"}]}", "400", "'logits' is not an output"},
                {infer, "{\"inputs\": ", "400", "JSON"},
                {"/v2/models/no-such-model/infer", "{}", "404", "no SUCCEEDED model is named"},
                {"/v2/models/moons/versions/3/infer", "{}", "404", "its versions are 1, 2"}}) {
            Http.Response r = http.postJson(c[0], c[1]);
            assertThat(r.status()).as(c[1] + " " + r).isEqualTo(Integer.parseInt(c[2]));
            assertThat(r.contentType()).startsWith("application/json");
            assertThat(r.json().get("error").asString()).as(c[1]).contains(c[3]);
            assertThat(r.json().size()).isEqualTo(1);
        }
        Http.Response missing = http.get("/v2/models/no-such-model");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("error").asString()).contains("no SUCCEEDED model");
    }

    @Test
    void refusesBadRowsColumnsAndFormatsNamingThem() {
        Model model = models.get("multiclass");
        String predict = "/models/" + model.id() + "/predict";
        String invocations = "/models/" + model.id() + "/invocations";
        http.send("POST", predict, "text/csv", "age,income,country\n1,2,Spain\n".getBytes(StandardCharsets.UTF_8))
                .assertProblem(400, "no column 'visits'");
        http.send("POST", predict, "text/csv", "age,income,country,visits\n1,2,Spain,3\n4,x,Spain,3\n"
                .getBytes(StandardCharsets.UTF_8)).assertProblem(400, "row 3", "income", "must be a number");
        http.send("POST", predict, "text/csv", "age,income,country,visits\n1,2,Spain\n"
                .getBytes(StandardCharsets.UTF_8)).assertProblem(400, "row 2: expected 4 columns, found 3");
        http.send("POST", predict, "text/csv", "age,income,country,visits\n".getBytes(StandardCharsets.UTF_8))
                .assertProblem(400, "no rows");
        http.send("POST", predict, "text/csv", new byte[0]).assertProblem(400, "empty");
        // one endless cell (a quote never closed) is refused at the record bound, not read into the heap
        String endless = "x".repeat(CsvScoring.MAX_RECORD_CHARS + 100_000);
        http.send("POST", predict, "text/csv", ("age,income,country,visits\n1,2,Spain,3\n1,2,\"" + endless)
                .getBytes(StandardCharsets.UTF_8)).assertProblem(400, "row 3: longer than 4194304 characters");
        http.send("POST", predict, "text/csv", ("age,income,\"" + endless).getBytes(StandardCharsets.UTF_8))
                .assertProblem(400, "header: longer than");
        http.send("POST", predict, "text/csv", new byte[] {'a', ',', (byte) 0xff, '\n'}).assertProblem(400, "UTF-8");
        http.postJson(invocations, "{}").assertProblem(400, "exactly one of");
        http.postJson(invocations, "{\"instances\": [], \"inputs\": []}").assertProblem(400, "exactly one of");
        http.postJson(invocations, "{\"rows\": []}").assertProblem(400, "rows: unknown field");
        http.postJson(invocations, "{\"dataframe_split\": {\"columns\": [\"age\"], \"data\": [[1]]}}")
                .assertProblem(400, "dataframe_split.columns", "no column 'income'");
        http.postJson(invocations, "{\"dataframe_records\": [{\"age\": 1, \"income\": 2, \"country\": \"Spain\","
                + " \"visits\": \"many\"}]}").assertProblem(400, "dataframe_records[0].visits");
        http.postJson(invocations, "{\"instances\": [[1, 2, \"Spain\"]]}").assertProblem(400, "instances[0]");
        http.postJson(invocations, "{\"inputs\": {\"age\": [1, 2], \"income\": [1], \"country\": [\"a\", \"b\"],"
                + " \"visits\": [1, 2]}}").assertProblem(400, "inputs.income");
        List<List<Object>> many = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            many.add(List.of(30, 1000, "Spain", 2));
        }
        http.postJson(invocations, Map.of("instances", many)).assertProblem(413, "max-rows");
        http.postJson("/models/00000000-0000-0000-0000-000000000004/invocations", "{\"instances\": [[1]]}")
                .assertProblem(404, "does not exist");
    }

    /**
     * About 3,000 rows for a model: its CSV's rows again and again, from the second pass on with one cell in ten
     * empty and, for categorical features, one value in twenty a level no training row had.
     */
    private static List<Map<String, String>> manyRows(Model model, List<String> features) throws IOException {
        List<CSVRecord> records = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(new String(model.csv(), StandardCharsets.UTF_8))).getRecords();
        java.util.Random random = new java.util.Random(11);
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 0; rows.size() < 3000; i++) {
            CSVRecord record = records.get(i % records.size());
            Map<String, String> row = new LinkedHashMap<>();
            for (String f : features) {
                String cell = record.get(f);
                if (i >= records.size()) {
                    double u = random.nextDouble();
                    cell = u < 0.1 ? "" : model.categorical().contains(f) && u < 0.15 ? "Atlantis" : cell;
                }
                row.put(f, Set.of("NA", "N/A", "null", "NaN", "?").contains(cell) ? "" : cell);
            }
            rows.add(row);
        }
        return rows;
    }

    private static byte[] csv(List<String> features, List<Map<String, String>> rows) {
        StringBuilder csv = new StringBuilder(String.join(",", features)).append('\n');
        for (Map<String, String> row : rows) {
            csv.append(String.join(",", row.values())).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] download(String path) throws IOException {
        try {
            java.net.http.HttpResponse<byte[]> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + path)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"binary", "binary float32", "multiclass", "regression"})
    void onnxRuntimeAndNumpyOnTheExportsGivePredictsNumbers(String key, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Model model = models.get(key);
        String task = key.split(" ")[0];
        boolean float32 = key.endsWith("float32");
        List<String> features = new ArrayList<>();
        http.get("/models/" + model.id()).json().get("features").forEach(f -> features.add(f.asString()));
        List<Map<String, String>> rows = manyRows(model, features);
        Path csvFile = dir.resolve("rows.csv");
        Files.write(csvFile, csv(features, rows));
        // /predict answers CSV: beyond the JSON row limit
        Http.Response predicted = http.send("POST", "/models/" + model.id() + "/predict", "text/csv",
                Files.readAllBytes(csvFile));
        assertThat(predicted.status()).as(predicted.toString()).isEqualTo(200);
        org.apache.commons.csv.CSVParser answers = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
                .get().parse(new StringReader(predicted.body()));
        List<String> classColumns = answers.getHeaderNames().stream().filter(h -> h.startsWith("probability_")).toList();
        List<CSVRecord> reference = answers.getRecords();
        assertThat(reference).hasSize(rows.size());
        double tolerance = float32 ? 1e-6 : 1e-12;

        // ONNX Runtime on the ONNX export: one [N, 1] input per feature, double (NaN missing) or string ("" missing)
        byte[] onnx = download("/models/" + model.id() + "/export?format=onnx");
        double worstOnnx = 0;
        ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        try (ai.onnxruntime.OrtSession session = env.createSession(onnx, new ai.onnxruntime.OrtSession.SessionOptions())) {
            assertThat(session.getMetadata().getCustomMetadata().get("netforge.modelId")).isEqualTo(model.id());
            assertThat(session.getMetadata().getCustomMetadata().get("netforge.provenance")).contains("datasetSha256");
            Map<String, ai.onnxruntime.OnnxTensor> inputs = new LinkedHashMap<>();
            long[] shape = {rows.size(), 1};
            for (String f : features) {
                if (model.categorical().contains(f)) {
                    inputs.put(f, ai.onnxruntime.OnnxTensor.createTensor(env,
                            rows.stream().map(r -> r.get(f)).toArray(String[]::new), shape));
                } else {
                    double[] column = rows.stream().mapToDouble(r -> r.get(f).isEmpty() ? Double.NaN
                            : Double.parseDouble(r.get(f))).toArray();
                    inputs.put(f, ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.DoubleBuffer.wrap(column), shape));
                }
            }
            try (ai.onnxruntime.OrtSession.Result result = session.run(inputs)) {
                if (task.equals("regression")) {
                    double[][] value = (double[][]) result.get("value").orElseThrow().getValue();
                    for (int r = 0; r < rows.size(); r++) {
                        worstOnnx = Math.max(worstOnnx, relative(value[r][0], number(reference.get(r), "value")));
                    }
                } else {
                    Object raw = result.get("probabilities").orElseThrow().getValue();
                    String[] labels = (String[]) result.get("label").orElseThrow().getValue();
                    for (int r = 0; r < rows.size(); r++) {
                        double[] p = raw instanceof float[][] f ? toDoubles(f[r]) : ((double[][]) raw)[r];
                        CSVRecord expected = reference.get(r);
                        if (task.equals("binary")) {
                            worstOnnx = Math.max(worstOnnx, relative(p[1], number(expected, "probability")));
                        } else {
                            for (int k = 0; k < classColumns.size(); k++) {
                                worstOnnx = Math.max(worstOnnx, relative(p[k], number(expected, classColumns.get(k))));
                            }
                        }
                        assertThat(labels[r]).as("row %d", r).isEqualTo(expected.get("label"));
                    }
                }
            } finally {
                inputs.values().forEach(ai.onnxruntime.OnnxTensor::close);
            }
        }
        System.out.printf("ONNX Runtime on the ONNX export, %s: %d rows, worst relative difference from /predict %.2e%n",
                key, rows.size(), worstOnnx);
        assertThat(worstOnnx).isLessThanOrEqualTo(tolerance);

        if (float32) {
            return; // examples/npz_predict.py computes in float64; the float64 models pin it
        }
        // numpy on the npz export, through the README's script
        Path npz = dir.resolve("model.npz");
        Files.write(npz, download("/models/" + model.id() + "/export?format=npz"));
        Process python = new ProcessBuilder("python3", "examples/npz_predict.py", npz.toString(), csvFile.toString())
                .redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as(output).isZero();
        List<JsonNode> numpy = output.lines().map(Http::parse).toList();
        assertThat(numpy).hasSize(rows.size());
        double worstNumpy = 0;
        for (int r = 0; r < numpy.size(); r++) {
            CSVRecord expected = reference.get(r);
            JsonNode got = numpy.get(r);
            switch (task) {
                case "binary" -> worstNumpy = Math.max(worstNumpy, relative(got.get("probability").asDouble(),
                        number(expected, "probability")));
                case "multiclass" -> {
                    for (String c : classColumns) {
                        worstNumpy = Math.max(worstNumpy, relative(got.get("probabilities")
                                .get(c.substring("probability_".length())).asDouble(), number(expected, c)));
                    }
                }
                default -> worstNumpy = Math.max(worstNumpy, relative(got.get("value").asDouble(),
                        number(expected, "value")));
            }
            if (!task.equals("regression")) {
                assertThat(got.get("label").asString()).isEqualTo(expected.get("label"));
            }
        }
        System.out.printf("numpy on the npz export, %s: %d rows, worst relative difference from /predict %.2e%n",
                key, rows.size(), worstNumpy);
        assertThat(worstNumpy).isLessThanOrEqualTo(1e-12);
    }

    private static double number(CSVRecord record, String column) {
        return Double.parseDouble(record.get(column));
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static double relative(double a, double b) {
        return a == b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
    }
}
