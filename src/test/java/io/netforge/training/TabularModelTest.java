package io.netforge.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
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

/**
 * Real tabular data end to end over HTTP, on the README's example files (examples/data): a three-class string
 * label with a categorical column and missing cells, and a regression; trained, evaluated and predicted by name
 * with strings and nulls. And the bad input of such data, each a 4xx naming the column or field.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class TabularModelTest {

    static final Path DATA = Path.of("examples/data");

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

    static byte[] file(String name) {
        try {
            return Files.readAllBytes(DATA.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode upload(String query, byte[] csv) {
        Http.Response response = http.post("/datasets" + query, "text/csv", csv);
        assertThat(response.status()).as(response.toString()).isEqualTo(201);
        return response.json();
    }

    private JsonNode train(String body) {
        Http.Response accepted = http.postJson("/models", body);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        JsonNode model = http.awaitModel(accepted.json().get("id").asString(), Duration.ofMinutes(2));
        assertThat(model.get("status").asString()).as(model.toString()).isEqualTo("SUCCEEDED");
        return model;
    }

    /** A catalogue with a unique title column: uploaded as it is, trained without the title, which provenance names. */
    @Test
    void trainsATableWithATitleColumnWithoutItAndSaysSo() {
        StringBuilder csv = new StringBuilder("title,year,minutes,liked\n");
        java.util.Random random = new java.util.Random(21);
        for (int r = 0; r < 1200; r++) {
            int year = 1950 + random.nextInt(70);
            int minutes = 80 + random.nextInt(80);
            csv.append("\"Film ").append(r).append(", part ").append(r % 7).append("\",").append(year).append(',')
                    .append(minutes).append(',').append(year + minutes / 2 > 2040 ? "yes" : "no").append('\n');
        }
        JsonNode dataset = upload("?name=catalogue", csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(dataset.get("columns").get(0).get("type").asString()).isEqualTo("text");
        assertThat(dataset.get("features").toString()).isEqualTo("[\"year\",\"minutes\"]");
        String id = dataset.get("id").asString();

        JsonNode model = train("{\"datasetId\": \"" + id + "\", \"network\": {\"maxIterations\": 200}}");
        assertThat(model.get("features").toString()).isEqualTo("[\"year\",\"minutes\"]");
        JsonNode excluded = model.get("provenance").get("excludedColumns");
        assertThat(excluded.size()).isEqualTo(1);
        assertThat(excluded.get(0).get("name").asString()).isEqualTo("title");
        assertThat(excluded.get(0).get("reason").asString()).contains("1200 distinct values", "an id");

        http.postJson("/models", "{\"datasetId\": \"" + id + "\", \"features\": [\"year\", \"title\"]}")
                .assertProblem(422, "features[1]", "column 'title' is text", "leave it out");
        http.postJson("/models", "{\"datasetId\": \"" + id + "\", \"label\": \"title\"}")
                .assertProblem(422, "label", "column 'title' is text", "cannot be a label");
    }

    /** An incident log whose damage class has one row: the split keeps it in training, the model warns. */
    @Test
    void trainsWithAClassOfOneRowAndWarnsAboutIt() {
        StringBuilder csv = new StringBuilder("speed,hour,damage\n");
        java.util.Random random = new java.util.Random(7);
        for (int r = 0; r < 300; r++) {
            double speed = Math.round(random.nextDouble() * 1000) / 10.0;
            csv.append(speed).append(',').append(random.nextInt(24)).append(',')
                    .append(r == 150 ? "destroyed" : speed > 60 ? "major" : speed > 30 ? "minor" : "none").append('\n');
        }
        String id = upload("?name=incidents", csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .get("id").asString();

        JsonNode model = train("{\"datasetId\": \"" + id + "\", \"testFraction\": 0.25, \"network\": {"
                + "\"hiddenLayers\": [8], \"activation\": \"relu\", \"optimizer\": {\"type\": \"adam\"},"
                + " \"learningRate\": 0.01, \"maxIterations\": 300}}");
        JsonNode warnings = model.get("warnings");
        assertThat(warnings.findValuesAsString("code")).containsExactly("few-rows-class", "class-not-in-test");
        assertThat(warnings.get(0).get("message").asString()).contains("class 'destroyed' (1 row)");
        assertThat(warnings.get(1).get("message").asString()).contains("class 'destroyed' has no test rows");
        JsonNode test = model.get("metrics").get("test");
        int destroyed = model.get("classes").values().stream().map(JsonNode::asString).toList().indexOf("destroyed");
        assertThat(destroyed).isGreaterThanOrEqualTo(0);
        JsonNode perClass = test.get("perClass").get(destroyed);
        assertThat(perClass.get("label").asString()).isEqualTo("destroyed");
        assertThat(perClass.get("support").asLong()).isZero();
        assertThat(test.get("auc").asDouble()).isBetween(0.5, 1.0); // over the three classes the test rows have
        assertThat(model.get("provenance").get("trainRows").asLong() + model.get("provenance").get("testRows").asLong())
                .isEqualTo(300);

        // a binary label whose positive class has one row: the test rows have one class, the AUC is left out
        StringBuilder binary = new StringBuilder("x,y\n");
        for (int r = 0; r < 60; r++) {
            binary.append(r).append(',').append(r == 30 ? 1 : 0).append('\n');
        }
        String rare = upload("?name=one-positive", binary.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .get("id").asString();
        JsonNode one = train("{\"datasetId\": \"" + rare + "\", \"testFraction\": 0.2, \"network\": {"
                + "\"maxIterations\": 50}}");
        // 59 negatives and one positive, 50 epochs: its log-loss on the (all negative) test rows is also worse than
        // the class shares'
        assertThat(one.get("warnings").findValuesAsString("code")).containsExactly("worse-than-trivial",
                "few-rows-class", "class-not-in-test");
    }

    /** yes/no, True/false, Y/N columns: boolean, one 0/1 input each; a boolean label is binary, true positive. */
    @Test
    void trainsOnBooleanColumnsAndPredictsFromBooleanValues() throws Exception {
        StringBuilder csv = new StringBuilder("member,promo,visits,bought\n");
        java.util.Random random = new java.util.Random(3);
        for (int r = 0; r < 400; r++) {
            boolean member = random.nextBoolean();
            boolean promo = random.nextBoolean();
            int visits = random.nextInt(10);
            boolean bought = (member ? 2 : 0) + (promo ? 1 : 0) + visits / 3.0 + random.nextGaussian() > 2.5;
            csv.append(r == 7 ? "" : member ? "yes" : "No").append(',').append(promo ? "Y" : "n").append(',')
                    .append(visits).append(',').append(bought ? "True" : "false").append('\n');
        }
        JsonNode dataset = upload("?name=shop", csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        JsonNode columns = dataset.get("columns");
        assertThat(columns.findValuesAsString("type")).containsExactly("boolean", "boolean", "numeric", "boolean");
        assertThat(columns.get(0).get("missing").asLong()).isEqualTo(1);
        assertThat(dataset.get("task").asString()).isEqualTo("binary");
        // false before true, whatever the case: "True" is the positive class
        assertThat(dataset.get("classes").findValuesAsString("value")).containsExactly("false", "True");
        String id = dataset.get("id").asString();

        JsonNode model = train("{\"datasetId\": \"" + id + "\", \"network\": {\"hiddenLayers\": [4],"
                + " \"maxIterations\": 300}}");
        assertThat(model.get("inputs").toString()).isEqualTo("[\"member\",\"promo\",\"visits\"]");
        assertThat(model.get("classes").toString()).isEqualTo("[\"false\",\"True\"]");
        assertThat(model.get("metrics").get("train").get("accuracy").asDouble()).isGreaterThan(0.75);

        String path = "/models/" + model.get("id").asString() + "/predict";
        JsonNode answers = http.postJson(path, "{\"instances\": [{\"member\": true, \"promo\": \"y\", \"visits\": 9},"
                + " {\"member\": \"NO\", \"promo\": 0, \"visits\": 0}, {\"member\": null, \"promo\": false,"
                + " \"visits\": 3}]}").json().get("predictions");
        assertThat(answers.get(0).get("probability").asDouble()).isGreaterThan(answers.get(1).get("probability").asDouble());
        assertThat(answers.get(0).get("label").asString()).isEqualTo("True");
        http.postJson(path, "{\"instances\": [{\"member\": \"maybe\", \"promo\": 1, \"visits\": 1}]}")
                .assertProblem(400, "member", "must be a boolean", "\"maybe\"");

        // the ONNX export takes a boolean as a double 0/1 (NaN when missing) and answers what /predict does
        byte[] onnx = http.getBytes("/models/" + model.get("id").asString() + "/export?format=onnx");
        ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
        try (ai.onnxruntime.OrtSession session = env.createSession(onnx, new ai.onnxruntime.OrtSession.SessionOptions())) {
            double[][] columnsOf = {{1, 0, Double.NaN}, {1, 0, 0}, {9, 0, 3}};
            String[] names = {"member", "promo", "visits"};
            java.util.Map<String, ai.onnxruntime.OnnxTensor> inputs = new java.util.LinkedHashMap<>();
            for (int f = 0; f < 3; f++) {
                inputs.put(names[f], ai.onnxruntime.OnnxTensor.createTensor(env,
                        java.nio.DoubleBuffer.wrap(columnsOf[f]), new long[] {3, 1}));
            }
            try (ai.onnxruntime.OrtSession.Result result = session.run(inputs)) {
                double[][] p = (double[][]) result.get("probabilities").orElseThrow().getValue();
                for (int r = 0; r < 3; r++) {
                    assertThat(p[r][1]).isCloseTo(answers.get(r).get("probability").asDouble(),
                            org.assertj.core.data.Offset.offset(1e-12));
                }
            } finally {
                inputs.values().forEach(ai.onnxruntime.OnnxTensor::close);
            }
        }
    }

    /** A daily weather record: 1500 distinct dates are a date column (not text), its parts the model's inputs. */
    @Test
    void trainsOnADateColumnAndPredictsFromDateText() throws Exception {
        StringBuilder csv = new StringBuilder("date,humidity,rain\n");
        java.util.Random random = new java.util.Random(11);
        java.time.LocalDate day = java.time.LocalDate.of(2010, 1, 1);
        for (int r = 0; r < 1500; r++, day = day.plusDays(1)) {
            int humidity = 40 + random.nextInt(60);
            boolean winter = day.getMonthValue() <= 3 || day.getMonthValue() >= 11;
            csv.append(r == 9 ? "NA" : day.toString()).append(',').append(humidity).append(',')
                    .append((winter ? 1.5 : 0) + humidity / 40.0 + random.nextGaussian() * 0.5 > 2.6 ? 1 : 0)
                    .append('\n');
        }
        JsonNode dataset = upload("?name=weather", csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        JsonNode date = dataset.get("columns").get(0);
        assertThat(date.get("type").asString()).isEqualTo("datetime");
        assertThat(date.get("format").asString()).isEqualTo("iso");
        assertThat(date.get("missing").asLong()).isEqualTo(1);
        assertThat(date.get("distinctExact").asBoolean()).isFalse(); // counted as numbers are: up to 1000
        assertThat(date.get("distinct").asLong()).isEqualTo(1001);
        assertThat(date.get("earliest").asString()).isEqualTo("2010-01-01T00:00:00Z");
        assertThat(date.get("latest").asString()).isEqualTo("2014-02-08T00:00:00Z");
        String id = dataset.get("id").asString();

        JsonNode model = train("{\"datasetId\": \"" + id + "\", \"testFraction\": 0.2, \"network\": {"
                + "\"hiddenLayers\": [16], \"activation\": \"relu\", \"optimizer\": {\"type\": \"adam\"},"
                + " \"learningRate\": 0.01, \"maxIterations\": 400}}");
        assertThat(model.get("inputs").toString()).isEqualTo("[\"date.year\",\"date.month\",\"date.day\","
                + "\"date.weekday\",\"date.dayOfYear\",\"date.monthSin\",\"date.monthCos\",\"date.weekdaySin\","
                + "\"date.weekdayCos\",\"date.elapsedDays\",\"humidity\"]");
        assertThat(model.get("metrics").get("test").get("auc").asDouble()).isGreaterThan(0.75);
        String modelId = model.get("id").asString();

        JsonNode answers = http.postJson("/models/" + modelId + "/predict", "{\"instances\": ["
                + "{\"date\": \"2015-01-15\", \"humidity\": 70}, {\"date\": \"Jul 15 2015\", \"humidity\": 70},"
                + " {\"date\": null, \"humidity\": 70}]}").json().get("predictions");
        assertThat(answers.get(0).get("probability").asDouble())
                .isGreaterThan(answers.get(1).get("probability").asDouble()); // winter rains more
        // examples/npz_predict.py takes the dates' parts with Python's datetime: the same answers as /predict
        String[] days = {"2015-01-15", "Jul 15 2015", "", "2013/06/30", "2011-02-28T00:00:00Z", "12 Mar 2016"};
        StringBuilder rows = new StringBuilder("date,humidity\n");
        StringBuilder instances = new StringBuilder();
        for (int r = 0; r < days.length; r++) {
            rows.append(days[r]).append(',').append(50 + 7 * r).append('\n');
            instances.append(r == 0 ? "" : ", ").append("{\"date\": ").append(days[r].isEmpty() ? "null"
                    : "\"" + days[r] + "\"").append(", \"humidity\": ").append(50 + 7 * r).append('}');
        }
        JsonNode expected = http.postJson("/models/" + modelId + "/predict", "{\"instances\": [" + instances + "]}")
                .json().get("predictions");
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("dates");
        java.nio.file.Files.write(dir.resolve("model.npz"), http.getBytes("/models/" + modelId + "/export?format=npz"));
        java.nio.file.Files.writeString(dir.resolve("rows.csv"), rows);
        Process python = new ProcessBuilder("python3", "examples/npz_predict.py", dir.resolve("model.npz").toString(),
                dir.resolve("rows.csv").toString()).redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(python.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as(output).isZero();
        List<JsonNode> numpy = output.lines().map(Http::parse).toList();
        assertThat(numpy).hasSize(days.length);
        for (int r = 0; r < days.length; r++) {
            assertThat(numpy.get(r).get("probability").asDouble()).as(days[r])
                    .isCloseTo(expected.get(r).get("probability").asDouble(), org.assertj.core.data.Offset.offset(1e-12));
        }

        // partial dependence moves a date by its parts: each row's own date set to each month (the day kept as far
        // as the month has it), averaged over the rows - recomputed here through /predict (to 1e-10: the job's forward
        // passes and /predict's have agreed to 1e-12 on some months, 2e-12 on others)
        Http.Response queued = http.postJson("/models/" + modelId + "/explanations", "{\"datasetId\": \"" + id
                + "\", \"repeats\": 1}");
        assertThat(queued.status()).as(queued.toString()).isEqualTo(202);
        String explanation = queued.location().replaceFirst("^https?://[^/]+", "");
        JsonNode done = http.get(explanation).json();
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(2).toNanos();
        while (!done.get("status").asString().equals("SUCCEEDED")) {
            assertThat(done.get("status").asString()).as(done.toString()).isIn("QUEUED", "RUNNING");
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(50);
            done = http.get(explanation).json();
        }
        JsonNode dependence = done.get("result").get("partialDependence");
        assertThat(dependence.propertyNames()).containsExactly("date.year", "date.month", "date.weekday", "humidity");
        JsonNode month = dependence.get("date.month");
        assertThat(month.get("kind").asString()).isEqualTo("date:month");
        assertThat(month.get("grid").toString()).isEqualTo("[1,2,3,4,5,6,7,8,9,10,11,12]");
        assertThat(dependence.get("date.year").get("grid").toString()).isEqualTo("[2010,2011,2012,2013,2014]");
        assertThat(dependence.get("date.weekday").get("grid").toString()).isEqualTo("[1,2,3,4,5,6,7]");
        double fill = Http.parse(new String(http.getBytes("/models/" + modelId + "/export?format=json"),
                java.nio.charset.StandardCharsets.UTF_8)).get("header").get("preprocessing").get("features").get(0)
                .get("fill").asDouble();
        List<String> lines = csv.toString().lines().skip(1).toList();
        for (int m : new int[] {1, 7}) {
            StringBuilder moved = new StringBuilder("{\"instances\": [");
            for (int r = 0; r < lines.size(); r++) {
                String[] cells = lines.get(r).split(",");
                // a missing date is its fill's (the training dates' median: it may be noon)
                java.time.LocalDateTime own = cells[0].equals("NA")
                        ? java.time.LocalDateTime.ofEpochSecond((long) fill, 0, java.time.ZoneOffset.UTC)
                        : java.time.LocalDate.parse(cells[0]).atStartOfDay();
                moved.append(r == 0 ? "" : ",").append("{\"date\": \"").append(own.withMonth(m))
                        .append("\", \"humidity\": ").append(cells[1]).append('}');
            }
            JsonNode predicted = http.postJson("/models/" + modelId + "/predict", moved.append("]}").toString()).json()
                    .get("predictions");
            double sum = 0;
            for (JsonNode p : predicted) {
                sum += p.get("probability").asDouble();
            }
            assertThat(month.get("average").get(0).get(m - 1).asDouble()).as("month " + m)
                    .isCloseTo(sum / lines.size(), org.assertj.core.data.Offset.offset(1e-10));
        }
        // winter rains more
        assertThat(month.get("average").get(0).get(0).asDouble()).isGreaterThan(month.get("average").get(0).get(6)
                .asDouble());
        assertThat(http.get(explanation + "/plots/dependence?feature=date.month&format=svg").body()).startsWith("<?xml");

        http.postJson("/models/" + modelId + "/predict", "{\"instances\": [{\"date\": \"15/01/2015\","
                + " \"humidity\": 70}]}").assertProblem(400, "date", "must be a date as text");
        http.postJson("/models", "{\"datasetId\": \"" + id + "\", \"label\": \"date\"}")
                .assertProblem(422, "label", "column 'date' holds datetime values");
        http.get("/models/" + modelId + "/export?format=onnx").assertProblem(422, "feature 'date' is a date");

        // a day-first format named at upload; a value that is not a date in it names row and column
        String dayFirst = "day,x,y\n31/01/2012,1,0\n01/02/2012,2,1\n15/02/2012,3,0\n";
        JsonNode named = upload("?dates=day:dd/MM/yyyy", dayFirst.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(named.get("columns").get(0).get("format").asString()).isEqualTo("pattern:dd/MM/yyyy");
        assertThat(named.get("columns").get(0).get("earliest").asString()).isEqualTo("2012-01-31T00:00:00Z");
        http.post("/datasets?dates=day:dd/MM/yyyy", "text/csv", (dayFirst + "2012-02-16,4,1\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)).assertProblem(400, "row 4", "column 'day'",
                "'2012-02-16' is not a date in the column's format (pattern:dd/MM/yyyy");
        http.post("/datasets?dates=day:dd/bb", "text/csv", dayFirst.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .assertProblem(400, "dates", "not a date pattern");
    }

    /** One table as CSV, gzip CSV and Parquet (written by DuckDB with its own types): the same stored table and model. */
    @Test
    void aParquetFileAndAGzipCsvOfTheSameTableGiveTheSameDatasetAndModel() throws Exception {
        StringBuilder csv = new StringBuilder("day,city,member,amount,visits,y\n");
        java.util.Random random = new java.util.Random(5);
        String[] cities = {"Paris", "Lyon", "Nantes", "Lille"};
        java.time.LocalDate day = java.time.LocalDate.of(2019, 12, 20);
        for (int r = 0; r < 500; r++, day = day.plusDays(1)) {
            boolean member = random.nextBoolean();
            double amount = Math.round(random.nextDouble() * 10_000) / 100.0;
            int visits = random.nextInt(12);
            csv.append(day).append(',').append(r % 50 == 3 ? "" : cities[random.nextInt(4)]).append(',')
                    .append(member).append(',').append(amount).append(',').append(visits).append(',')
                    .append(amount / 25 + visits / 3.0 + (member ? 2 : 0) + random.nextGaussian() > 5 ? 1 : 0)
                    .append('\n');
        }
        Path dir = Files.createTempDirectory("parquet");
        Path csvFile = dir.resolve("table.csv");
        Files.writeString(csvFile, csv);
        Path parquet = dir.resolve("table.parquet");
        try (java.sql.Connection duck = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                java.sql.Statement sql = duck.createStatement()) {
            sql.execute("COPY (SELECT * FROM read_csv('" + csvFile + "', header = true, columns = {'day': 'DATE',"
                    + " 'city': 'VARCHAR', 'member': 'BOOLEAN', 'amount': 'DOUBLE', 'visits': 'BIGINT', 'y': 'BIGINT'}))"
                    + " TO '" + parquet + "' (FORMAT parquet)");
        }
        JsonNode fromCsv = upload("?name=table-csv", Files.readAllBytes(csvFile));
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(gz)) {
            zip.write(Files.readAllBytes(csvFile));
        }
        java.io.ByteArrayOutputStream part = new java.io.ByteArrayOutputStream();
        part.write(("--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"table.csv.gz\"\r\n"
                + "Content-Type: application/gzip\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        part.write(gz.toByteArray());
        part.write("\r\n--b0undary--\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Http.Response gzipped = http.post("/datasets", "multipart/form-data; boundary=b0undary", part.toByteArray());
        assertThat(gzipped.status()).as(gzipped.toString()).isEqualTo(201);
        Http.Response fromParquet = http.post("/datasets?name=table-parquet", "application/vnd.apache.parquet",
                Files.readAllBytes(parquet));
        assertThat(fromParquet.status()).as(fromParquet.toString()).isEqualTo(201);

        assertThat(fromCsv.get("columns").findValuesAsString("type"))
                .containsExactly("datetime", "categorical", "boolean", "numeric", "numeric", "numeric");
        for (JsonNode other : List.of(gzipped.json(), fromParquet.json())) {
            assertThat(other.get("columns")).isEqualTo(fromCsv.get("columns"));
            assertThat(other.get("contentSha256")).isEqualTo(fromCsv.get("contentSha256"));
            assertThat(other.get("rows").asLong()).isEqualTo(500);
        }
        assertThat(fromParquet.json().get("sha256")).isNotEqualTo(fromCsv.get("sha256"));

        String spec = ", \"testFraction\": 0.2, \"network\": {\"hiddenLayers\": [8], \"activation\": \"relu\","
                + " \"optimizer\": {\"type\": \"adam\"}, \"learningRate\": 0.01, \"maxIterations\": 100}}";
        List<JsonNode> arrays = new java.util.ArrayList<>();
        for (JsonNode dataset : List.of(fromCsv, fromParquet.json())) {
            JsonNode model = train("{\"datasetId\": \"" + dataset.get("id").asString() + "\"" + spec);
            arrays.add(Http.parse(new String(http.getBytes("/models/" + model.get("id").asString()
                    + "/export?format=json"), java.nio.charset.StandardCharsets.UTF_8)).get("arrays"));
        }
        assertThat(arrays.get(1)).isEqualTo(arrays.get(0));

        // Parquet strings are never numbers, but dates and boolean words in them are recognised as in a CSV
        Path strings = dir.resolve("strings.parquet");
        try (java.sql.Connection duck = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                java.sql.Statement sql = duck.createStatement()) {
            sql.execute("COPY (SELECT '007' AS zip, 'yes' AS ok, '2012-01-01' AS day, 1.5 AS x, 0 AS y UNION ALL"
                    + " SELECT '012', 'No', '2012-03-01', 2.5, 1) TO '" + strings + "' (FORMAT parquet)");
        }
        JsonNode typed = http.post("/datasets", "application/vnd.apache.parquet", Files.readAllBytes(strings)).json();
        assertThat(typed.get("columns").findValuesAsString("type"))
                .containsExactly("categorical", "boolean", "datetime", "numeric", "numeric");
        assertThat(typed.get("columns").get(0).get("topLevels").findValuesAsString("value"))
                .containsExactlyInAnyOrder("007", "012");

        // not Parquet, and a column of a type that is no table cell
        http.post("/datasets", "application/vnd.apache.parquet", Files.readAllBytes(csvFile))
                .assertProblem(400, "not a Parquet file");
        Path nested = dir.resolve("nested.parquet");
        try (java.sql.Connection duck = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                java.sql.Statement sql = duck.createStatement()) {
            sql.execute("COPY (SELECT [1, 2] AS tags, 1.5 AS x, 0 AS y UNION ALL SELECT [3], 2.5, 1) TO '" + nested
                    + "' (FORMAT parquet)");
        }
        http.post("/datasets", "application/vnd.apache.parquet", Files.readAllBytes(nested))
                .assertProblem(422, "column 'tags'", "ignore=tags");
        assertThat(http.post("/datasets?ignore=tags", "application/vnd.apache.parquet", Files.readAllBytes(nested))
                .status()).isEqualTo(201);
    }

    /**
     * The article's defaults (sigmoid [8, 3], learning rate 1.0, full batch) on a regression of house prices: the
     * model SUCCEEDS but is no better than the mean, and says so; the article's own run says nothing.
     */
    @Test
    void aModelNoBetterThanTheMeanSaysSoAndTheArticlesDoesNot() {
        String houses = upload("?name=houses", file("houses-train.csv")).get("id").asString();
        String housesTest = upload("?name=houses-test", file("houses-test.csv")).get("id").asString();
        JsonNode model = train("{\"datasetId\": \"" + houses + "\", \"testDatasetId\": \"" + housesTest
                + "\", \"network\": {\"maxIterations\": 300}}");
        // as the issue found: the loss climbs from ~1 to 70 and R² is far below 0
        assertThat(model.get("metrics").get("test").get("r2").asDouble()).isLessThan(0);
        assertThat(model.get("warnings").findValuesAsString("code")).containsExactly("loss-diverged",
                "loss-oscillates", "worse-than-trivial");
        assertThat(model.get("warnings").get(0).get("message").asString()).contains("the training loss ended at",
                "above its start");
        assertThat(model.get("warnings").get(2).get("message").asString()).contains("on the test rows", "R² -");

        String article = upload("?name=seed", io.netforge.support.ArticleData.trainCsv()).get("id").asString();
        String articleTest = upload("?name=seed-test", io.netforge.support.ArticleData.testCsv()).get("id").asString();
        JsonNode articles = train("{\"datasetId\": \"" + article + "\", \"testDatasetId\": \"" + articleTest + "\"}");
        assertThat(articles.get("warnings").toString()).isEqualTo("[]");
        // the article's logistic regression at learning rate 1.0 on its raw features bounces: it says so
        JsonNode logistic = train("{\"datasetId\": \"" + article + "\", \"testDatasetId\": \"" + articleTest
                + "\", \"network\": {\"hiddenLayers\": [], \"standardize\": false}}");
        assertThat(logistic.get("warnings").findValuesAsString("code")).contains("loss-oscillates");
        assertThat(logistic.get("warnings").findValues("message").stream().map(JsonNode::asString)
                .filter(m -> m.startsWith("the training loss rose from one epoch to the next"))).hasSize(1);
        // standardized (the default) it converges; its last steps differ by rounding only
        JsonNode standardized = train("{\"datasetId\": \"" + article + "\", \"testDatasetId\": \"" + articleTest
                + "\", \"network\": {\"hiddenLayers\": []}}");
        assertThat(standardized.get("warnings").findValuesAsString("code")).doesNotContain("loss-oscillates",
                "loss-diverged");
        assertThat(http.get("/actuator/prometheus").body())
                .contains("netforge_model_warnings_total{code=\"worse-than-trivial\"")
                .contains("netforge_model_warnings_total{code=\"loss-diverged\"");
    }

    /** A column of one value (a constant number, a category of one level) is a feature the model cannot use. */
    @Test
    void aConstantFeatureIsNamedInTheWarnings() {
        StringBuilder csv = new StringBuilder("x,version,site,y\n");
        for (int r = 0; r < 200; r++) {
            csv.append(r % 17).append(",3,north,").append(r % 17 > 8 ? 1 : 0).append('\n');
        }
        String id = upload("?name=constants", csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .get("id").asString();
        JsonNode model = train("{\"datasetId\": \"" + id + "\", \"network\": {\"maxIterations\": 200}}");
        // 200 epochs of the article's network are not enough here, and it says that too
        assertThat(model.get("warnings").findValuesAsString("code")).containsExactly("still-improving",
                "constant-feature");
        JsonNode constant = model.get("warnings").get(1);
        assertThat(constant.get("message").asString()).startsWith("features 'version', 'site' have one value in every"
                + " training row");
    }

    /** A loss that climbs ends with loss-diverged, from the losses alone. */
    @Test
    void aClimbingLossIsALossThatDiverged() {
        assertThat(ModelWarnings.ofLosses(new double[] {1.0, 0.5, 3.0}, 3)).extracting(w -> w.code())
                .containsExactly("loss-diverged");
        assertThat(ModelWarnings.ofLosses(new double[] {1.0, 0.2, 0.5}, 3).get(0).message())
                .contains("ended at 0.5000, 2.500 times its best 0.2000 (epoch 2 of 3)");
        assertThat(ModelWarnings.ofLosses(new double[] {1.0, 0.5, 0.4}, 3)).isEmpty();
        assertThat(ModelWarnings.ofLosses(new double[] {1.0, 1e-5, 3e-5}, 3)).isEmpty(); // tiny: noise
    }

    /** Oscillation, a run cut short while learning, and a gap between training and held-out rows, by hand. */
    @Test
    void bouncingLossesUnfinishedRunsAndGapsByHand() {
        double[] bouncing = new double[40];
        for (int e = 0; e < 40; e++) {
            bouncing[e] = 1.0 - 0.01 * e + (e % 4 == 0 ? 0.05 : 0); // rises every fourth epoch: 9 rises in 39 steps
        }
        assertThat(ModelWarnings.ofOscillation(bouncing, 40, false)).extracting(w -> w.code()).containsExactly("loss-oscillates");
        assertThat(ModelWarnings.ofOscillation(bouncing, 40, false).get(0).message()).contains("rose from one epoch to the next 9"
                + " times in 40 epochs");
        double[] rounding = new double[40];
        for (int e = 0; e < 40; e++) {
            rounding[e] = 0.5 + (e % 2 == 0 ? 1e-15 : 0); // converged: rises of one part in 1e15
        }
        assertThat(ModelWarnings.ofOscillation(rounding, 40, false)).isEmpty();
        // mini-batch epoch losses jitter as they fall: a bounce is a loss well above the best so far
        assertThat(ModelWarnings.ofOscillation(bouncing, 40, true)).isEmpty();
        double[] unstable = {1.0, 0.5, 0.3, 0.2, 0.15, 0.3, 0.25, 0.4, 0.35, 0.3, 0.2, 0.19};
        assertThat(ModelWarnings.ofOscillation(unstable, 12, true).get(0).message())
                .contains("more than 1.200 times its best so far in 7 of 12 epochs (up to 2.667 times)");

        double[] falling = new double[100];
        for (int e = 0; e < 100; e++) {
            falling[e] = 1.0 - 0.008 * e; // a straight line: the last tenth brings a tenth of the fall
        }
        assertThat(ModelWarnings.ofProgress(falling, 100, false, null)).extracting(w -> w.code())
                .containsExactly("still-improving");
        assertThat(ModelWarnings.ofProgress(falling, 100, false, null).get(0).message())
                .contains("the last 10 of its 100 epochs brought 10.10% of its whole fall");
        double[] flat = new double[100];
        for (int e = 0; e < 100; e++) {
            flat[e] = 0.2 + 0.8 * Math.exp(-e / 5.0); // converged long before the end
        }
        assertThat(ModelWarnings.ofProgress(flat, 100, false, null)).isEmpty();
        assertThat(ModelWarnings.ofProgress(flat, 100, true, 90)).isEmpty(); // early stopping ended it
        assertThat(ModelWarnings.ofProgress(flat, 100, false, 100).get(0).message())
                .contains("its validation loss was still falling at the last of its 100 epochs");
        assertThat(ModelWarnings.ofProgress(flat, 100, false, 60)).isEmpty();

        var train = new io.netforge.tabular.RegressionMetrics(100, 1, 1, 0.95);
        var test = new io.netforge.tabular.RegressionMetrics(40, 3, 2, 0.70);
        assertThat(ModelWarnings.ofGap(train, test, "test", 40)).extracting(w -> w.code()).containsExactly("overfitting");
        assertThat(ModelWarnings.ofGap(train, test, "test", 40).get(0).message()).contains("R² 0.9500 on the training"
                + " rows, 0.7000 on the test rows");
        assertThat(ModelWarnings.ofGap(train, test, "test", 19)).isEmpty(); // too few rows to judge
        assertThat(ModelWarnings.ofGap(train, new io.netforge.tabular.RegressionMetrics(40, 2, 1, 0.80), "test", 40))
                .isEmpty();
    }

    @Test
    void describesEveryColumnOfAnUpload() {
        JsonNode dataset = upload("?name=customers&ignore=customer_id", file("customers-train.csv"));

        assertThat(dataset.get("ignored").toString()).isEqualTo("[\"customer_id\"]");
        assertThat(dataset.get("label").asString()).isEqualTo("plan");
        assertThat(dataset.get("task").asString()).isEqualTo("multiclass");
        assertThat(dataset.get("classes").toString())
                .isEqualTo("[{\"value\":\"basic\",\"count\":438},{\"value\":\"plus\",\"count\":355},"
                        + "{\"value\":\"pro\",\"count\":407}]");
        JsonNode columns = dataset.get("columns");
        assertThat(columns.values().stream().map(c -> c.get("name").asString()))
                .containsExactly("age", "income", "country", "visits", "plan");
        JsonNode age = columns.get(0);
        assertThat(age.get("type").asString()).isEqualTo("numeric");
        // counted independently: awk -F, 'NR>1 && $2==""' customers-train.csv | wc -l
        assertThat(age.get("missing").asLong()).isEqualTo(count("customers-train.csv", 1, ""));
        assertThat(columns.get(1).get("missing").asLong()).isEqualTo(count("customers-train.csv", 2, "NA"));
        JsonNode country = columns.get(2);
        assertThat(country.get("type").asString()).isEqualTo("categorical");
        assertThat(country.get("distinct").asLong()).isEqualTo(4);
        assertThat(country.get("missing").asLong()).isEqualTo(count("customers-train.csv", 3, ""));
        assertThat(country.get("topLevels").size()).isEqualTo(4);
        assertThat(country.get("topLevels").get(0).get("count").asLong())
                .isGreaterThanOrEqualTo(country.get("topLevels").get(3).get("count").asLong());
        assertThat(columns.get(3).get("integers").asBoolean()).isTrue();
        assertThat(http.get("/datasets/" + dataset.get("id").asString()).json()).isEqualTo(dataset);
    }

    /** Rows of a CSV whose (0-based) column holds exactly {@code value}. */
    private static long count(String name, int column, String value) {
        String[] lines = new String(file(name), java.nio.charset.StandardCharsets.UTF_8).split("\n");
        return Arrays.stream(lines).skip(1).filter(l -> l.split(",", -1)[column].equals(value)).count();
    }

    @Test
    void trainsAThreeClassModelOnCategoricalAndMissingValuesAndPredictsByName() {
        String train = upload("?name=customers-train&ignore=customer_id", file("customers-train.csv")).get("id").asString();
        String test = upload("?name=customers-test&ignore=customer_id", file("customers-test.csv")).get("id").asString();

        JsonNode model = train("""
                {"datasetId": "%s", "testDatasetId": "%s",
                 "preprocessing": {"missingIndicators": true},
                 "network": {"hiddenLayers": [16], "activation": "relu", "optimizer": {"type": "adam"},
                             "learningRate": 0.01, "batchSize": 64, "maxIterations": 150}}
                """.formatted(train, test));

        assertThat(model.get("task").asString()).isEqualTo("multiclass");
        assertThat(model.get("label").asString()).isEqualTo("plan");
        assertThat(model.get("features").toString()).isEqualTo("[\"age\",\"income\",\"country\",\"visits\"]");
        assertThat(model.get("classes").toString()).isEqualTo("[\"basic\",\"plus\",\"pro\"]");
        // age and income had missing values: an indicator each; country: four levels and its missing level
        assertThat(model.get("inputs").toString()).isEqualTo("[\"age\",\"age=<missing>\",\"income\","
                + "\"income=<missing>\",\"country=France\",\"country=Germany\",\"country=Italy\",\"country=Spain\","
                + "\"country=<missing>\",\"visits\"]");
        JsonNode metrics = model.get("metrics").get("test");
        assertThat(metrics.get("rows").asLong()).isEqualTo(400);
        assertThat(metrics.get("accuracy").asDouble()).isGreaterThan(0.7);
        assertThat(metrics.get("auc").asDouble()).isGreaterThan(0.85);
        assertThat(metrics.get("macroF1").asDouble()).isBetween(0.5, 1.0);
        assertThat(metrics.get("perClass").size()).isEqualTo(3);
        assertThat(metrics.get("confusion").get("classes").toString()).isEqualTo("[\"basic\",\"plus\",\"pro\"]");
        long total = 0;
        for (JsonNode row : metrics.get("confusion").get("counts")) {
            for (JsonNode cell : row) {
                total += cell.asLong();
            }
        }
        assertThat(total).isEqualTo(400);
        assertThat(metrics.has("rmse")).isFalse();

        String id = model.get("id").asString();
        Map<String, Object> rich = new LinkedHashMap<>();
        rich.put("age", 30);
        rich.put("income", 90000.5);
        rich.put("country", "Germany");
        rich.put("visits", 12);
        Map<String, Object> sparse = new LinkedHashMap<>();
        sparse.put("age", null);
        sparse.put("income", null);
        sparse.put("country", null);
        sparse.put("visits", 1);
        Map<String, Object> unseen = new LinkedHashMap<>(rich);
        unseen.put("country", "Portugal");
        Http.Response predicted = http.postJson("/models/" + id + "/predict",
                Map.of("instances", List.of(rich, sparse, unseen)));
        assertThat(predicted.status()).as(predicted.toString()).isEqualTo(200);
        JsonNode predictions = predicted.json().get("predictions");
        for (JsonNode p : predictions) {
            double sum = 0;
            for (String c : List.of("basic", "plus", "pro")) {
                sum += p.get("probabilities").get(c).asDouble();
            }
            assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
            assertThat(p.get("label").asString()).isIn("basic", "plus", "pro");
            assertThat(p.has("probability")).isFalse();
        }
        assertThat(predictions.get(0).get("label").asString()).isEqualTo("pro"); // rich, frequent visitor

        // by position, in the dataset's column order, the same answer
        Http.Response byPosition = http.postJson("/models/" + id + "/predict",
                "{\"rows\": [[30, 90000.5, \"Germany\", 12]]}");
        assertThat(byPosition.json().get("predictions").get(0)).isEqualTo(predictions.get(0));

        http.postJson("/models/" + id + "/predict", "{\"instances\": [{\"age\": 30, \"income\": 1, \"country\": "
                + "\"Germany\", \"visits\": 1, \"shoe_size\": 42}]}").assertProblem(400, "unknown feature 'shoe_size'");
        http.postJson("/models/" + id + "/predict", "{\"rows\": [[\"thirty\", 1, \"Germany\", 1]]}")
                .assertProblem(400, "rows[0][0]", "must be a number");
    }

    @Test
    void trainsARegressionAndAnswersInTheTargetsUnits() {
        String train = upload("?name=houses-train", file("houses-train.csv")).get("id").asString();
        String test = upload("?name=houses-test", file("houses-test.csv")).get("id").asString();

        JsonNode model = train("""
                {"datasetId": "%s", "testDatasetId": "%s", "preprocessing": {"imputation": "median"},
                 "network": {"hiddenLayers": [], "optimizer": {"type": "adam"}, "learningRate": 0.05,
                             "batchSize": 50, "maxIterations": 200}}
                """.formatted(train, test));

        assertThat(model.get("task").asString()).isEqualTo("regression");
        assertThat(model.get("classes").size()).isZero();
        JsonNode metrics = model.get("metrics").get("test");
        assertThat(metrics.get("r2").asDouble()).isGreaterThan(0.9);
        assertThat(metrics.get("rmse").asDouble()).isBetween(10_000.0, 40_000.0); // the noise has sd 18000
        assertThat(metrics.get("mae").asDouble()).isLessThan(metrics.get("rmse").asDouble());
        assertThat(metrics.has("accuracy")).isFalse();

        Http.Response predicted = http.postJson("/models/" + model.get("id").asString() + "/predict",
                "{\"instances\": [{\"area\": 100, \"rooms\": 4, \"city\": \"north\", \"year_built\": null},"
                        + " {\"area\": 100, \"rooms\": 4, \"city\": \"east\", \"year_built\": 1990}]}");
        assertThat(predicted.status()).as(predicted.toString()).isEqualTo(200);
        double north = predicted.json().get("predictions").get(0).get("value").asDouble();
        double east = predicted.json().get("predictions").get(1).get("value").asDouble();
        assertThat(north).isBetween(250_000.0, 450_000.0);
        assertThat(north - east).isBetween(30_000.0, 100_000.0); // north is 65000 dearer, less 30 years' worth
    }

    @Test
    void splitsByClassAndStopsEarlyWithWeightedClasses() {
        String id = upload("?ignore=customer_id", file("customers-train.csv")).get("id").asString();

        JsonNode model = train("{\"datasetId\": \"" + id + "\", \"testFraction\": 0.25, \"network\": {"
                + "\"hiddenLayers\": [8], \"optimizer\": {\"type\": \"adam\"}, \"learningRate\": 0.01,"
                + " \"batchSize\": 100, \"maxIterations\": 300, \"classWeights\": \"balanced\","
                + " \"earlyStopping\": {\"patience\": 5}}}");

        // 438, 355 and 407 rows: round(0.25 n) of each class is held out
        assertThat(model.get("provenance").get("testRows").asLong()).isEqualTo(110 + 89 + 102);
        assertThat(model.get("metrics").get("test").get("perClass").get(0).get("support").asLong()).isEqualTo(110);
        JsonNode training = model.get("training");
        assertThat(training.get("classWeights").size()).isEqualTo(3);
        assertThat(training.get("classWeights").get("plus").asDouble())
                .isGreaterThan(training.get("classWeights").get("basic").asDouble()); // the smallest class weighs most
        assertThat(training.get("validationRows").asLong()).isPositive();
        assertThat(model.get("metrics").get("validation").get("macroF1").asDouble()).isPositive();

        String houses = upload("", file("houses-train.csv")).get("id").asString();
        JsonNode regression = train("{\"datasetId\": \"" + houses + "\", \"testFraction\": 0.2, \"network\": {"
                + "\"hiddenLayers\": [8], \"activation\": \"tanh\", \"optimizer\": {\"type\": \"adam\"},"
                + " \"learningRate\": 0.01, \"batchSize\": 64, \"maxIterations\": 200,"
                + " \"earlyStopping\": {\"patience\": 10}}}");
        assertThat(regression.get("provenance").get("testRows").asLong()).isEqualTo(200);
        assertThat(regression.get("metrics").get("test").get("r2").asDouble()).isGreaterThan(0.8);
        assertThat(regression.get("metrics").get("validation").get("rmse").asDouble()).isPositive();
    }

    @Test
    void treatsANumberForACategoricalFeatureAsItsText() {
        String id = upload("", "code,x,y\n1,0.5,a\n2,1.5,b\n1,0.7,a\n2,1.1,b\nx,0.2,a\n".getBytes())
                .get("id").asString();
        JsonNode model = train("{\"datasetId\": \"" + id + "\", \"network\": {\"hiddenLayers\": [], \"maxIterations\": 5}}");
        assertThat(model.get("task").asString()).isEqualTo("binary");

        Http.Response byNumber = http.postJson("/models/" + model.get("id").asString() + "/predict",
                "{\"rows\": [[2, 1.0], [\"2\", 1.0], [\"2.0\", 1.0]]}");
        assertThat(byNumber.status()).as(byNumber.toString()).isEqualTo(200);
        JsonNode p = byNumber.json().get("predictions");
        assertThat(p.get(1)).isEqualTo(p.get(0));
        assertThat(p.get(2)).isEqualTo(p.get(0));
    }

    @Test
    void refusesWhatCannotBeTrainedNamingTheColumnOrField() {
        String one = upload("", "a,b,y\n1,2,same\n3,4,same\n5,,same\n".getBytes()).get("id").asString();
        String customers = upload("?ignore=customer_id", file("customers-train.csv")).get("id").asString();
        String empty = upload("", "a,b,y\n1,,0\n2,,1\n3,NA,0\n".getBytes()).get("id").asString();
        String houses = upload("", file("houses-train.csv")).get("id").asString();

        expect(422, "{\"datasetId\": \"" + one + "\"}", "label column 'y' has a single value, 'same'");
        expect(422, "{\"datasetId\": \"" + customers + "\", \"task\": \"regression\"}",
                "task regression", "'plan' is not numeric", "row 1");
        expect(422, "{\"datasetId\": \"" + customers + "\", \"task\": \"binary\"}",
                "task binary", "3 distinct values", "multiclass");
        expect(400, "{\"datasetId\": \"" + one + "\", \"ignore\": [\"a\", \"b\"]}", "ignore", "leaves no feature");
        expect(422, "{\"datasetId\": \"" + empty + "\"}", "feature column 'b' has no values", "ignore");
        expect(400, "{\"datasetId\": \"" + customers + "\", \"features\": [\"age\", \"height\"]}",
                "features[1]", "'height' does not exist");
        expect(400, "{\"datasetId\": \"" + customers + "\", \"ignore\": [\"zip\"]}", "ignore[0]", "'zip' does not exist");
        expect(400, "{\"datasetId\": \"" + customers + "\", \"label\": \"nope\"}", "label", "'nope' does not exist");
        expect(400, "{\"datasetId\": \"" + customers + "\", \"features\": [\"plan\"]}", "features[0]", "label");
        expect(400, "{\"datasetId\": \"" + customers + "\", \"task\": \"ordinal\"}", "task", "'ordinal'");
        expect(400, "{\"datasetId\": \"" + customers + "\", \"preprocessing\": {\"imputation\": \"mode\"}}",
                "preprocessing.imputation");
        expect(400, "{\"datasetId\": \"" + customers + "\", \"preprocessing\": {\"unknownCategory\": \"drop\"}}",
                "preprocessing.unknownCategory");
        expect(400, "{\"datasetId\": \"" + houses + "\", \"network\": {\"classWeights\": \"balanced\"}}",
                "network.classWeights", "regression");
        expect(422, "{\"datasetId\": \"" + customers + "\", \"testDatasetId\": \"" + houses + "\"}",
                "testDatasetId", "no column 'plan'");
    }

    private void expect(int status, String body, String... mentions) {
        http.postJson("/models", body).assertProblem(status, mentions);
    }

    @Test
    void refusesAnUnknownCategoryAtPredictWhenAsked() {
        String train = upload("?ignore=customer_id", file("customers-train.csv")).get("id").asString();
        JsonNode model = train("{\"datasetId\": \"" + train + "\", \"ignore\": [\"visits\"],"
                + " \"preprocessing\": {\"unknownCategory\": \"error\"}, \"network\": {\"maxIterations\": 5}}");
        assertThat(model.get("features").toString()).isEqualTo("[\"age\",\"income\",\"country\"]");

        http.postJson("/models/" + model.get("id").asString() + "/predict",
                "{\"rows\": [[30, 50000, \"Portugal\"]]}")
                .assertProblem(400, "rows[0][2]", "'Portugal' is not a level of 'country'", "France");
        // the training rows had missing countries, so a missing country is a level, not unknown
        assertThat(http.postJson("/models/" + model.get("id").asString() + "/predict",
                "{\"rows\": [[30, null, null]]}").status()).isEqualTo(200);
    }

    @Test
    void leavesRowsWithoutALabelOutAndCountsThem() {
        String id = upload("", "a,y\n1,0\n2,1\n3,\n4,0\n5,NA\n6,1\n".getBytes()).get("id").asString();

        JsonNode model = train("{\"datasetId\": \"" + id + "\", \"network\": {\"hiddenLayers\": [], \"maxIterations\": 3}}");

        assertThat(model.get("provenance").get("rowsWithoutLabel").asLong()).isEqualTo(2);
        assertThat(model.get("provenance").get("trainRows").asLong()).isEqualTo(4);
        assertThat(model.get("metrics").get("train").get("rows").asLong()).isEqualTo(4);
    }
}
