package io.netforge.prediction;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

/**
 * Batch scoring of a stored dataset as a job: its CSV is the CSV {@code /predict} answers for the same file, bit for
 * bit (plain, and gzip on the wire when asked), for a multi-class model of categorical data with missing values and
 * a regression; and bad requests or unusable datasets say what is wrong.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ScoringTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.postgres().register(registry);
    }

    @LocalServerPort
    int port;

    private String upload(Http http, String query, String file) throws Exception {
        Http.Response r = http.post("/datasets" + query, "text/csv", Files.readAllBytes(Path.of(file)));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    private String train(Http http, String dataset, String name) {
        String id = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"name\": \"" + name + "\","
                + " \"network\": {\"hiddenLayers\": [6], \"maxIterations\": 60}}").json().get("id").asString();
        assertThat(http.awaitModel(id, Duration.ofMinutes(2)).get("status").asString()).isEqualTo("SUCCEEDED");
        return id;
    }

    private JsonNode awaitScoring(Http http, String location) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        JsonNode view;
        do {
            Thread.sleep(100);
            view = http.get(location).json();
        } while (!java.util.Set.of("SUCCEEDED", "FAILED").contains(view.get("status").asString()) && System.nanoTime() < deadline);
        return view;
    }

    /**
     * Classes that a spreadsheet would run as formulas (OWASP's CSV injection) are written with a leading ' in both
     * CSV answers, /predict's and a scoring's; numbers, and the JSON answers, are left as they are.
     */
    @Test
    void classesThatLookLikeFormulasAreWrittenAsTextInCsvAnswers() throws Exception {
        Http http = new Http(port);
        String[] classes = {"=HYPERLINK(\"http://evil.example\")", "@SUM(A1)", "+1+cmd", "-2+3", "safe"};
        StringBuilder csv = new StringBuilder("x,y\n");
        for (int i = 0; i < 200; i++) {
            int c = i % classes.length;
            csv.append(c * 10 + (i % 7) * 0.1).append(",\"").append(classes[c].replace("\"", "\"\"")).append("\"\n");
        }
        Http.Response uploaded = http.post("/datasets", "text/csv", csv.toString().getBytes());
        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(201);
        String data = uploaded.json().get("id").asString();
        String name = "formulas-" + System.nanoTime();
        String id = http.postJson("/models", "{\"datasetId\": \"" + data + "\", \"name\": \"" + name + "\","
                + " \"network\": {\"hiddenLayers\": [16], \"maxIterations\": 1500, \"optimizer\": {\"type\": \"adam\"},"
                + " \"learningRate\": 0.05}}").json().get("id").asString();
        assertThat(http.awaitModel(id, Duration.ofMinutes(2)).get("status").asString()).isEqualTo("SUCCEEDED");

        byte[] rows = "x\n0\n10\n20\n30\n40\n".getBytes();
        String predicted = http.send("POST", "/models/" + id + "/predict", "text/csv", rows).body();
        assertThat(predicted.lines().skip(1)).allSatisfy(line -> assertThat(line).doesNotStartWith("=")
                .doesNotStartWith("\"=").doesNotStartWith("@").doesNotStartWith("+").doesNotStartWith("-"));
        assertThat(predicted).contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\"", "'@SUM(A1)", "'+1+cmd", "'-2+3",
                "\nsafe,");
        // the JSON answer gives the classes as they were uploaded
        assertThat(http.send("POST", "/models/" + id + "/predict", "text/csv", rows, "application/json").body())
                .contains("\"label\":\"@SUM(A1)\"");

        String test = http.post("/datasets", "text/csv", "x,y\n0,a\n10,b\n20,a\n30,b\n40,a\n".getBytes()).json()
                .get("id").asString();
        Http.Response accepted = http.postJson("/models/" + id + "/scorings", "{\"datasetId\": \"" + test + "\"}");
        JsonNode done = awaitScoring(http, accepted.location().replaceFirst("^https?://[^/]+", ""));
        assertThat(http.get(done.get("result").asString()).body()).isEqualTo(predicted);
    }

    @Test
    void aScoringsCsvIsPredictsCsvForTheSameRows() throws Exception {
        Http http = new Http(port);
        String[][] cases = {{"?ignore=customer_id", "examples/data/customers-train.csv", "examples/data/customers-test.csv"},
                {"", "examples/data/houses-train.csv", "examples/data/houses-test.csv"}};
        for (String[] c : cases) {
            String name = "scorer-" + System.nanoTime();
            String model = train(http, upload(http, c[0], c[1]), name);
            String test = upload(http, "", c[2]);
            Http.Response accepted = http.postJson("/models/" + name + "/scorings", "{\"datasetId\": \"" + test + "\"}");
            assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
            assertThat(accepted.json().get("status").asString()).isIn("QUEUED", "RUNNING", "SUCCEEDED");
            JsonNode done = awaitScoring(http, accepted.location().replaceFirst("^https?://[^/]+", ""));
            assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
            assertThat(done.get("modelId").asString()).isEqualTo(model);

            String expected = http.send("POST", "/models/" + model + "/predict", "text/csv",
                    Files.readAllBytes(Path.of(c[2]))).body();
            assertThat(done.get("rows").asLong()).isEqualTo(expected.lines().count() - 1);
            Http.Response plain = http.get(done.get("result").asString());
            assertThat(plain.status()).isEqualTo(200);
            assertThat(plain.contentType()).startsWith("text/csv");
            assertThat(plain.body()).isEqualTo(expected);
            HttpResponse<byte[]> gzip = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + done.get("result").asString()))
                    .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(gzip.headers().firstValue("Content-Encoding")).hasValue("gzip");
            assertThat(new String(new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzip.body()))
                    .readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(expected);
            assertThat(http.get("/models/" + model + "/scorings").json().size()).isEqualTo(1);
        }
    }

    @Test
    void refusesBadRequestsAndFailsOnUnusableDatasetsNamingTheColumn() throws Exception {
        Http http = new Http(port);
        String houses = upload(http, "", "examples/data/houses-train.csv");
        String model = train(http, houses, "scorer-errors-" + System.nanoTime());
        String path = "/models/" + model + "/scorings";
        http.postJson(path, "{}").assertProblem(400, "datasetId", "required");
        http.postJson(path, "{\"datasetId\": \"00000000-0000-0000-0000-000000000001\"}").assertProblem(404, "does not exist");
        http.postJson(path, "{\"datasetId\": \"nope\"}").assertProblem(400);
        String other = http.postJson("/datasets/synthetic", "{\"samples\": 50}").json().get("id").asString();
        Http.Response accepted = http.postJson(path, "{\"datasetId\": \"" + other + "\"}");
        assertThat(accepted.status()).isEqualTo(202);
        JsonNode failed = awaitScoring(http, accepted.location().replaceFirst("^https?://[^/]+", ""));
        assertThat(failed.get("status").asString()).isEqualTo("FAILED");
        assertThat(failed.get("error").asString()).contains("has no column 'area'");
        http.get(path + "/" + failed.get("id").asString() + "/result").assertProblem(409, "FAILED", "no column 'area'");
        http.get(path + "/00000000-0000-0000-0000-000000000002").assertProblem(404, "does not exist");
        assertThat(http.delete(path + "/" + failed.get("id").asString()).status()).isEqualTo(204);

        String running = http.postJson("/models", "{\"datasetId\": \"" + houses + "\", \"network\": {\"maxIterations\":"
                + " 1000000}}").json().get("id").asString();
        http.postJson("/models/" + running + "/scorings", "{\"datasetId\": \"" + houses + "\"}")
                .assertProblem(409, "SUCCEEDED");
        http.postJson("/models/" + running + "/cancel", "{}");
    }
}
