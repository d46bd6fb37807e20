package io.netforge.plot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.w3c.dom.Document;

import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

/**
 * Plots over HTTP: SVG by default and PNG on request at the size asked, the ROC curve's points as JSON (their area
 * is the model's AUC), the figure of an experiment, and 4xx problems for what cannot be drawn.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlotTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @LocalServerPort
    int port;

    Http http;
    String binary;
    String multiclass;
    String regression;

    @BeforeAll
    void models() {
        http = new Http(port);
        JsonNode moons = http.postJson("/datasets/synthetic",
                "{\"generator\": \"moons\", \"samples\": 400, \"noise\": 0.2, \"testFraction\": 0.25}").json();
        binary = train("""
                {"datasetId": "%s", "testDatasetId": "%s", "name": "moons",
                 "network": {"hiddenLayers": [8], "maxIterations": 300, "earlyStopping": {"patience": 1000}}}
                """.formatted(moons.get("train").get("id").asString(), moons.get("test").get("id").asString()));
        String three = http.postJson("/datasets/synthetic", "{\"samples\": 300, \"features\": 5, \"informative\": 3,"
                + " \"classes\": 3, \"clustersPerClass\": 1}").json().get("id").asString();
        multiclass = train("{\"datasetId\": \"" + three + "\", \"testFraction\": 0.3, \"network\": {\"maxIterations\": 100}}");
        String houses;
        try {
            houses = http.uploadCsv("houses", java.nio.file.Files.readAllBytes(java.nio.file.Path.of(
                    "examples/data/houses-train.csv")));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        regression = train("{\"datasetId\": \"" + houses + "\", \"network\": {\"maxIterations\": 20}}");
    }

    private String train(String body) {
        Http.Response accepted = http.postJson("/models", body);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(202);
        JsonNode model = http.awaitModel(accepted.json().get("id").asString(), Duration.ofMinutes(2));
        assertThat(model.get("status").asString()).as(model.toString()).isEqualTo("SUCCEEDED");
        return model.get("id").asString();
    }

    private HttpResponse<byte[]> get(String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Document svg(byte[] body) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        // the SVG 1.0 doctype names a DTD on w3.org: no need to fetch it to read the document
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
    }

    @Test
    void drawsTheRocCurveWithTheDiagonalAndTheAucAsSvgByDefault() throws Exception {
        HttpResponse<byte[]> response = get("/models/" + binary + "/plots/roc", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("image/svg+xml");
        assertThat(response.headers().firstValue("Cache-Control").orElseThrow()).contains("max-age=3600");
        Document document = svg(response.body());
        assertThat(document.getDocumentElement().getTagName()).isEqualTo("svg");
        assertThat(document.getDocumentElement().getAttribute("width")).isEqualTo("800");
        String text = document.getDocumentElement().getTextContent();
        double auc = http.get("/models/" + binary).json().get("metrics").get("test").get("auc").asDouble();
        assertThat(text).contains("moons (AUC " + Charts.format(auc) + ")").contains("chance (AUC 0.5)")
                .contains("false positive rate");
        // the same bytes again, from the cache
        assertThat(get("/models/" + binary + "/plots/roc", null).body()).isEqualTo(response.body());
    }

    @Test
    void answersPngForAcceptImagePngAtTheSizeAsked() throws Exception {
        for (String path : new String[] {"/models/" + binary + "/plots/loss?width=640&height=480",
                "/models/" + multiclass + "/plots/confusion?width=640&height=480",
                "/models/" + multiclass + "/plots/roc?width=640&height=480&format=png"}) {
            HttpResponse<byte[]> response = get(path, path.contains("format=") ? "image/svg+xml" : "image/png");
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElseThrow()).isEqualTo("image/png");
            ByteBuffer png = ByteBuffer.wrap(response.body());
            assertThat(png.getLong(0)).as("PNG signature").isEqualTo(0x89504E470D0A1A0AL);
            assertThat(png.getInt(16)).as("width").isEqualTo(640);
            assertThat(png.getInt(20)).as("height").isEqualTo(480);
        }
        String confusion = new String(get("/models/" + multiclass + "/plots/confusion", "image/*").body(),
                java.nio.charset.StandardCharsets.UTF_8);
        // the (rotated) "actual" axis label is drawn as glyph outlines, not text
        assertThat(confusion).contains("<svg").contains("predicted").contains(">2<");
    }

    @Test
    void givesTheRocPointsAsJsonWhoseAreaIsTheModelsAuc() {
        JsonNode roc = http.get("/models/" + binary + "/roc").json();
        assertThat(roc.get("rows").asString()).isEqualTo("test");
        JsonNode points = roc.get("curves").get(0).get("points");
        assertThat(points.get(0).get("falsePositiveRate").asDouble()).isZero();
        assertThat(points.get(0).get("threshold").isNull()).isTrue();
        JsonNode last = points.get(points.size() - 1);
        assertThat(last.get("falsePositiveRate").asDouble()).isEqualTo(1.0);
        assertThat(last.get("truePositiveRate").asDouble()).isEqualTo(1.0);
        double area = 0;
        for (int i = 1; i < points.size(); i++) {
            area += (points.get(i).get("falsePositiveRate").asDouble() - points.get(i - 1).get("falsePositiveRate").asDouble())
                    * (points.get(i).get("truePositiveRate").asDouble() + points.get(i - 1).get("truePositiveRate").asDouble()) / 2;
        }
        double auc = http.get("/models/" + binary).json().get("metrics").get("test").get("auc").asDouble();
        assertThat(area).isCloseTo(auc, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(roc.get("curves").get(0).get("auc").asDouble()).isEqualTo(auc);
        assertThat(http.get("/models/" + multiclass + "/roc").json().get("curves").size()).isEqualTo(3);
    }

    @Test
    void refusesWhatCannotBeDrawnWithProblems() throws Exception {
        http.get("/models/" + regression + "/plots/roc").assertProblem(404, "regression");
        http.get("/models/" + regression + "/roc").assertProblem(404, "regression");
        http.get("/models/" + regression + "/plots/confusion").assertProblem(404, "regression");
        assertThat(get("/models/" + regression + "/plots/loss", null).statusCode()).isEqualTo(200);
        http.get("/models/" + binary + "/plots/histogram").assertProblem(404, "roc, loss, confusion and calibration");
        http.get("/models/" + binary + "/plots/roc?width=50").assertProblem(400, "width");
        http.get("/models/" + binary + "/plots/roc?format=gif").assertProblem(400, "format");
        http.get("/models/00000000-0000-0000-0000-000000000009/plots/roc").assertProblem(404, "does not exist");
        HttpResponse<byte[]> json = get("/models/" + binary + "/plots/roc", "application/json");
        assertThat(json.statusCode()).isEqualTo(406);
        assertThat(json.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        String dataset = http.postJson("/datasets/synthetic", "{\"samples\": 200}").json().get("id").asString();
        String running = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"network\": {\"maxIterations\": 1000000}}")
                .json().get("id").asString();
        http.get("/models/" + running + "/plots/loss").assertProblem(409, "SUCCEEDED");
        http.postJson("/models/" + running + "/cancel", "{}");
    }

    @Test
    void drawsAnExperimentsMetricAgainstHiddenNodesWithErrorBars() throws Exception {
        String dataset = http.postJson("/datasets/synthetic", "{\"samples\": 300, \"features\": 6, \"informative\": 4}")
                .json().get("id").asString();
        String id = http.postJson("/experiments", """
                {"name": "figure", "folds": 3, "request": {"datasetId": "%s", "network": {"maxIterations": 100}},
                 "grid": {"hiddenLayers": [[1], [4]], "learningRate": [0.5, 1.0]}}
                """.formatted(dataset)).json().get("id").asString();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!http.get("/experiments/" + id).json().get("status").asString().equals("SUCCEEDED")) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(50);
        }
        HttpResponse<byte[]> response = get("/experiments/" + id + "/plots/auc", null);
        assertThat(response.statusCode()).isEqualTo(200);
        String text = svg(response.body()).getDocumentElement().getTextContent();
        assertThat(text).contains("total hidden nodes").contains("learningRate=0.5").contains("learningRate=1.0");
        assertThat(get("/experiments/" + id + "/plots/accuracy", "image/png").headers().firstValue("Content-Type"))
                .contains("image/png");
        http.get("/experiments/" + id + "/plots/rmse").assertProblem(404, "auc");
    }
}
