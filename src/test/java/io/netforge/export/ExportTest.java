package io.netforge.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

/**
 * Exports that runtimes no one here wrote can run: the npz read back by ND4J (every array equal to the JSON export's)
 * and by numpy, whose examples/npz_predict.py reproduces /predict to 1e-12 for a binary, a multi-class and a
 * regression model (categorical features, missing values and all).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExportTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @LocalServerPort
    int port;

    @TempDir
    static Path directory;

    Http http;
    final Map<String, String[]> models = new java.util.LinkedHashMap<>();

    @BeforeAll
    void train() throws IOException {
        http = new Http(port);
        String moons = http.postJson("/datasets/synthetic", "{\"generator\": \"moons\", \"samples\": 300, \"noise\": 0.2,"
                + " \"seed\": 2}").json().get("id").asString();
        String customers = upload("?ignore=customer_id", "examples/data/customers-train.csv");
        String houses = upload("", "examples/data/houses-train.csv");
        Path moonsRows = directory.resolve("moons.csv");
        StringBuilder csv = new StringBuilder("x0,x1\n");
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 100; i++) {
            csv.append(-1.5 + 4 * random.nextDouble()).append(',').append(-1 + 2.5 * random.nextDouble()).append('\n');
        }
        Files.writeString(moonsRows, csv);
        models.put("binary", new String[] {train(moons, "{\"hiddenLayers\": [6, 4], \"activation\": [\"relu\","
                + " \"tanh\"], \"maxIterations\": 300}"), moonsRows.toString()});
        models.put("multiclass", new String[] {train(customers, "{\"hiddenLayers\": [8], \"activation\": \"leakyRelu\","
                + " \"maxIterations\": 100}, \"preprocessing\": {\"missingIndicators\": true}"),
                "examples/data/customers-test.csv"});
        models.put("regression", new String[] {train(houses, "{\"hiddenLayers\": [8], \"maxIterations\": 100},"
                + " \"preprocessing\": {\"imputation\": \"median\"}"), "examples/data/houses-test.csv"});
    }

    private String upload(String query, String file) throws IOException {
        Http.Response r = http.post("/datasets" + query, "text/csv", Files.readAllBytes(Path.of(file)));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    /** @param rest the network object, possibly followed by more request fields */
    private String train(String dataset, String rest) {
        Http.Response accepted = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"network\": " + rest + "}");
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        JsonNode model = http.awaitModel(accepted.json().get("id").asString(), Duration.ofMinutes(2));
        assertThat(model.get("status").asString()).as(model.toString()).isEqualTo("SUCCEEDED");
        return model.get("id").asString();
    }

    private byte[] download(String path) throws Exception {
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"binary", "multiclass", "regression"})
    void numpyOnTheNpzReproducesPredict(String task) throws Exception {
        String id = models.get(task)[0];
        Path rows = Path.of(models.get(task)[1]);
        Path npz = directory.resolve(task + ".npz");
        Files.write(npz, download("/models/" + id + "/export?format=npz"));

        Process python = new ProcessBuilder("python3", "examples/npz_predict.py", npz.toString(), rows.toString())
                .redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(python.exitValue()).as(output).isZero();
        List<JsonNode> numpy = output.lines().map(Http::parse).toList();

        JsonNode reference = http.send("POST", "/models/" + id + "/predict", "text/csv", Files.readAllBytes(rows),
                "application/json").json().get("predictions");
        assertThat(numpy).hasSize(reference.size());
        double worst = 0;
        for (int r = 0; r < numpy.size(); r++) {
            JsonNode expected = reference.get(r);
            JsonNode got = numpy.get(r);
            switch (task) {
                case "binary" -> worst = Math.max(worst, relative(got.get("probability").asDouble(),
                        expected.get("probability").asDouble()));
                case "multiclass" -> {
                    for (String c : expected.get("probabilities").propertyNames()) {
                        worst = Math.max(worst, relative(got.get("probabilities").get(c).asDouble(),
                                expected.get("probabilities").get(c).asDouble()));
                    }
                    assertThat(got.get("label")).isEqualTo(expected.get("label"));
                }
                default -> worst = Math.max(worst, relative(got.get("value").asDouble(), expected.get("value").asDouble()));
            }
        }
        System.out.printf("npz export, %s: numpy against /predict over %d rows, worst relative difference %.2e%n",
                task, numpy.size(), worst);
        assertThat(worst).isLessThan(1e-12);
    }

    private static double relative(double a, double b) {
        return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
    }

    @Test
    void nd4jReadsTheNpzBackAsTheJsonExportsArrays() throws Exception {
        String id = models.get("multiclass")[0];
        Path npz = directory.resolve("read-back.npz");
        Files.write(npz, download("/models/" + id + "/export?format=npz"));
        JsonNode json = Http.parse(new String(download("/models/" + id + "/export?format=json"), StandardCharsets.UTF_8));
        JsonNode header = json.get("header");
        assertThat(header.get("format").asString()).isEqualTo("netforge-export");
        assertThat(header.get("task").asString()).isEqualTo("multiclass");
        assertThat(header.get("layers").get(0).get("activation").asString()).isEqualTo("leakyRelu");
        assertThat(header.get("layers").get(1).get("activation").asString()).isEqualTo("softmax");
        assertThat(header.get("inputs").toString()).contains("country=");

        Map<String, INDArray> arrays = Nd4j.createFromNpzFile(npz.toFile());
        List<String> names = new ArrayList<>();
        arrays.keySet().forEach(k -> names.add(k.replace(".npy", "")));
        assertThat(names).containsExactlyInAnyOrder("header", "W0", "b0", "W1", "b1", "mean", "sd");
        for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
            String name = e.getKey().replace(".npy", "");
            if (name.equals("header")) {
                byte[] bytes = new byte[(int) e.getValue().length()];
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) e.getValue().getInt(i);
                }
                assertThat(Http.parse(new String(bytes, StandardCharsets.UTF_8))).isEqualTo(header);
                continue;
            }
            JsonNode expected = json.get("arrays").get(name);
            double[] flat = e.getValue().dup().data().asDouble();
            List<Double> want = new ArrayList<>();
            if (expected.get(0).isArray()) {
                expected.forEach(row -> row.forEach(v -> want.add(v.asDouble())));
            } else {
                expected.forEach(v -> want.add(v.asDouble()));
            }
            assertThat(flat).as(name).containsExactly(want.stream().mapToDouble(Double::doubleValue).toArray());
        }
    }

    @Test
    void refusesWhatCannotBeExported() {
        String id = models.get("binary")[0];
        http.get("/models/" + id + "/export?format=pickle").assertProblem(400, "format");
        http.get("/models/00000000-0000-0000-0000-000000000007/export").assertProblem(404, "does not exist");
        String dataset = http.postJson("/datasets/synthetic", "{\"samples\": 100}").json().get("id").asString();
        String running = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"network\": {\"maxIterations\": 1000000}}")
                .json().get("id").asString();
        http.get("/models/" + running + "/export").assertProblem(409, "SUCCEEDED");
        http.postJson("/models/" + running + "/cancel", "{}");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"binary", "multiclass", "regression"})
    void anImportedNpzPredictsTheExportedModelsNumbersBitForBit(String task) throws Exception {
        String id = models.get(task)[0];
        byte[] npz = download("/models/" + id + "/export?format=npz");
        Http.Response imported = http.post("/models/import?name=imported-" + task, "application/octet-stream", npz);
        assertThat(imported.status()).as(imported.toString()).isEqualTo(201);
        String copy = imported.json().get("id").asString();
        assertThat(imported.location()).endsWith("/models/" + copy);
        assertThat(imported.json().get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(imported.json().get("version").asInt()).isEqualTo(1);
        JsonNode original = http.get("/models/" + id).json();
        assertThat(imported.json().get("metrics")).isEqualTo(original.get("metrics"));
        assertThat(imported.json().get("network")).isEqualTo(original.get("network"));
        assertThat(imported.json().get("provenance")).isEqualTo(original.get("provenance"));

        byte[] rows = Files.readAllBytes(Path.of(models.get(task)[1]));
        JsonNode expected = http.send("POST", "/models/" + id + "/predict", "text/csv", rows, "application/json").json();
        JsonNode got = http.send("POST", "/models/imported-" + task + "/predict", "text/csv", rows, "application/json")
                .json();
        assertThat(got.get("modelId").asString()).isEqualTo(copy);
        assertThat(got.get("predictions")).isEqualTo(expected.get("predictions"));
        // and it exports as the same model
        JsonNode again = Http.parse(new String(download("/models/" + copy + "/export?format=json"), StandardCharsets.UTF_8));
        JsonNode first = Http.parse(new String(download("/models/" + id + "/export?format=json"), StandardCharsets.UTF_8));
        assertThat(again.get("arrays")).isEqualTo(first.get("arrays"));
        ((tools.jackson.databind.node.ObjectNode) again.get("header")).remove(List.of("modelId", "name"));
        ((tools.jackson.databind.node.ObjectNode) first.get("header")).remove(List.of("modelId", "name"));
        assertThat(again.get("header")).isEqualTo(first.get("header"));
    }

    @Test
    void refusesNpzFilesItDidNotExportNamingWhatIsWrong() throws Exception {
        String id = models.get("binary")[0];
        byte[] npz = download("/models/" + id + "/export?format=npz");
        String path = "/models/import";
        http.post(path, "application/octet-stream", "not a zip".getBytes(StandardCharsets.UTF_8))
                .assertProblem(400, "not an npz");
        http.post(path, "application/octet-stream", new byte[0]).assertProblem(400, "empty");
        http.post(path, "application/json", "{}".getBytes(StandardCharsets.UTF_8)).assertProblem(415);
        Map<String, byte[]> members = members(npz);
        Map<String, byte[]> noHeader = new java.util.LinkedHashMap<>(members);
        noHeader.remove("header.npy");
        http.post(path, "application/octet-stream", zip(noHeader)).assertProblem(400, "no 'header' array");
        Map<String, byte[]> badShape = new java.util.LinkedHashMap<>(members);
        badShape.put("W0.npy", npy("<f8", new long[] {3, 6}, new double[18]));
        http.post(path, "application/octet-stream", zip(badShape)).assertProblem(400, "header.layers[0].weights",
                "must be 2 x 6");
        Map<String, byte[]> notFinite = new java.util.LinkedHashMap<>(members);
        double[] weights = new double[12];
        weights[5] = Double.NaN;
        notFinite.put("W0.npy", npy("<f8", new long[] {2, 6}, weights));
        http.post(path, "application/octet-stream", zip(notFinite)).assertProblem(400, "W0", "must be finite");
        Map<String, byte[]> truncated = new java.util.LinkedHashMap<>(members);
        byte[] w = members.get("W0.npy");
        truncated.put("W0.npy", java.util.Arrays.copyOf(w, w.length - 8));
        http.post(path, "application/octet-stream", zip(truncated)).assertProblem(400, "W0.npy", "needs 96 bytes");
        Map<String, byte[]> pickled = new java.util.LinkedHashMap<>(members);
        pickled.put("W0.npy", npy("|O", new long[] {1}, new double[0]));
        http.post(path, "application/octet-stream", zip(pickled)).assertProblem(400, "dtype '|O'");
        Map<String, byte[]> otherHeader = new java.util.LinkedHashMap<>(members);
        byte[] text = "{\"format\": \"sklearn\"}".getBytes(StandardCharsets.UTF_8);
        double[] codes = new double[text.length];
        for (int i = 0; i < text.length; i++) {
            codes[i] = text[i];
        }
        otherHeader.put("header.npy", npy("<i4", new long[] {text.length}, codes));
        http.post(path, "application/octet-stream", zip(otherHeader)).assertProblem(400, "header.format");
    }

    /**
     * A calibration or a chosen threshold in an imported header is what the service could have fitted: a method of
     * the model's task, finite parameters, an increasing isotonic map, a threshold in [0, 1]; each else a 400 naming it.
     */
    @Test
    void refusesACalibrationOrThresholdItCouldNotHaveFitted() throws Exception {
        String id = models.get("binary")[0];
        Map<String, byte[]> members = members(download("/models/" + id + "/export?format=npz"));
        JsonNode header = Http.parse(new String(download("/models/" + id + "/export?format=json"), StandardCharsets.UTF_8))
                .get("header");
        String[][] cases = {
            {"calibration", "{\"fitted\": {\"method\": \"isotonic\", \"x\": [0.2, 0.1], \"y\": [0, 1]},"
                    + " \"heldOut\": \"validation\", \"heldOutRows\": 2, \"reportedOn\": \"heldOut\"}",
                "header.calibration.fitted", "x must increase"},
            {"calibration", "{\"fitted\": {\"method\": \"temperature\", \"t\": 0}, \"heldOut\": \"validation\","
                    + " \"heldOutRows\": 2, \"reportedOn\": \"heldOut\"}", "header.calibration.fitted.t", "above 0"},
            {"calibration", "{\"fitted\": {\"method\": \"beta\"}, \"heldOut\": \"validation\", \"heldOutRows\": 2,"
                    + " \"reportedOn\": \"heldOut\"}", "header.calibration", "beta"},
            {"thresholdChoice", "{\"heldOut\": \"validation\", \"choice\": {\"rule\": {\"by\": \"maxF1\"},"
                    + " \"threshold\": 2, \"rows\": 2, \"positives\": 1, \"precision\": 1, \"recall\": 1, \"f1\": 1,"
                    + " \"met\": true}}", "header.thresholdChoice", "[0, 1]"},
        };
        for (String[] c : cases) {
            tools.jackson.databind.node.ObjectNode changed = (tools.jackson.databind.node.ObjectNode) header.deepCopy();
            changed.set(c[0], Http.parse(c[1]));
            byte[] text = Http.write(changed).getBytes(StandardCharsets.UTF_8);
            double[] codes = new double[text.length];
            for (int i = 0; i < text.length; i++) {
                codes[i] = text[i] & 0xff;
            }
            Map<String, byte[]> tampered = new java.util.LinkedHashMap<>(members);
            tampered.put("header.npy", npy("<i4", new long[] {text.length}, codes));
            http.post("/models/import", "application/octet-stream", zip(tampered)).assertProblem(400, c[2], c[3]);
        }
    }

    /**
     * An import never unpacks or holds more than the header's layers need, and its header is checked as a training
     * request and a stored model are: each of these is a 4xx naming what is wrong, answered at once.
     */
    @Test
    void refusesHostileImportsBeforeUnpackingThem() throws Exception {
        String id = models.get("binary")[0];
        Map<String, byte[]> members = members(download("/models/" + id + "/export?format=npz"));
        String path = "/models/import";
        // a member no layer names, that unpacks to 64 MiB (a 65 KB zip): refused without unpacking it
        Map<String, byte[]> bomb = new java.util.LinkedHashMap<>(members);
        bomb.put("junk.npy", new byte[64 * 1024 * 1024]);
        byte[] zipped = zip(bomb);
        assertThat(zipped.length).isLessThan(200_000);
        long start = System.nanoTime();
        http.post(path, "application/octet-stream", zipped).assertProblem(400, "junk.npy", "not an array the header names");
        // a layer's member that unpacks to far more than its shape: refused at the bytes the shape needs
        Map<String, byte[]> inflated = new java.util.LinkedHashMap<>(members);
        byte[] big = java.util.Arrays.copyOf(npy("<f8", new long[] {2, 6}, new double[12]), 64 * 1024 * 1024);
        inflated.put("W0.npy", big);
        http.post(path, "application/octet-stream", zip(inflated)).assertProblem(413, "W0.npy", "unpacks to more than");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));

        http.post(path, "application/octet-stream", zip(withHeader(members, h -> ((tools.jackson.databind.node.ObjectNode)
                h.get("network")).put("threshold", 5)))).assertProblem(400, "header.network.threshold", "between 0 and 1");
        http.post(path, "application/octet-stream", zip(withHeader(members, h -> ((tools.jackson.databind.node.ObjectNode)
                h.get("network")).put("threshold", -1)))).assertProblem(400, "header.network.threshold");
        http.post(path, "application/octet-stream", zip(withHeader(members, h -> {
            var features = (tools.jackson.databind.node.ArrayNode) h.get("features");
            features.set(1, features.get(0));
        }))).assertProblem(400, "header.features", "appears twice");
        http.post(path, "application/octet-stream", zip(withHeader(members, h -> ((tools.jackson.databind.node.ArrayNode)
                h.get("classes")).set(1, h.get("classes").get(0))))).assertProblem(400, "header.classes", "appears twice");
        http.post(path, "application/octet-stream", zip(withHeader(members, h -> ((tools.jackson.databind.node.ObjectNode)
                h.get("network")).putArray("hiddenLayers").add(0)))).assertProblem(400, "header.network.hiddenLayers[0]");
        http.post(path, "application/octet-stream", zip(withHeader(members, h -> ((tools.jackson.databind.node.ObjectNode)
                h.get("network")).putArray("hiddenLayers").add(60000).add(60000))))
                .assertProblem(400, "header.network.hiddenLayers", "the limit is");
        http.post(path, "application/octet-stream", zip(withHeader(members, h -> ((tools.jackson.databind.node.ObjectNode)
                h.get("metrics").get("train")).put("accuracy", 7)))).assertProblem(400, "header.metrics.train", "accuracy");
        http.post(path, "application/octet-stream", zip(withHeader(members, h -> ((tools.jackson.databind.node.ObjectNode)
                h.get("metrics").get("train")).put("rmse", 1)))).assertProblem(400, "header.metrics", "rmse");
    }

    /** The members with their header's JSON changed by {@code change}. */
    private static Map<String, byte[]> withHeader(Map<String, byte[]> members,
            java.util.function.Consumer<JsonNode> change) {
        byte[] npy = members.get("header.npy");
        int headerLength = (npy[8] & 0xff) | (npy[9] & 0xff) << 8;
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(npy, 10 + headerLength, npy.length - 10 - headerLength)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        byte[] text = new byte[in.remaining() / 4];
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) in.getInt();
        }
        JsonNode header = Http.parse(new String(text, StandardCharsets.UTF_8));
        change.accept(header);
        byte[] changed = header.toString().getBytes(StandardCharsets.UTF_8);
        double[] codes = new double[changed.length];
        for (int i = 0; i < changed.length; i++) {
            codes[i] = changed[i] & 0xff;
        }
        Map<String, byte[]> out = new java.util.LinkedHashMap<>(members);
        out.put("header.npy", npy("<i4", new long[] {codes.length}, codes));
        return out;
    }

    private static Map<String, byte[]> members(byte[] npz) throws IOException {
        Map<String, byte[]> members = new java.util.LinkedHashMap<>();
        try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(npz))) {
            for (java.util.zip.ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                members.put(e.getName(), zip.readAllBytes());
            }
        }
        return members;
    }

    private static byte[] zip(Map<String, byte[]> members) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : members.entrySet()) {
                zip.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A .npy file of version 1.0, as numpy writes one. */
    private static byte[] npy(String descr, long[] shape, double[] values) {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        header = header + " ".repeat(63 - (10 + header.length()) % 64) + "\n";
        int size = descr.endsWith("8") ? 8 : 4;
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(10 + header.length() + values.length * size)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
                .putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (double v : values) {
            if (size == 8) {
                out.putDouble(v);
            } else {
                out.putInt((int) v);
            }
        }
        return out.array();
    }
}
