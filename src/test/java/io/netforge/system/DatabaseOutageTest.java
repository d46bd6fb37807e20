package io.netforge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.CuttableProxy;
import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

/**
 * The database goes away (a proxy between the service and PostgreSQL is cut) and comes back: /predict of a loaded
 * model goes on without an error; what needs the database gets 503 problem+json with Retry-After within a bounded
 * time, never a 500 or a hang; readiness goes DOWN while liveness stays UP; after the database is back, readiness
 * is UP again and everything works, training included.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DatabaseOutageTest {

    static CuttableProxy proxy;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) throws Exception {
        TestDatabases.Db db = TestDatabases.postgres();
        URI jdbc = URI.create(db.url().substring("jdbc:".length()));
        proxy = new CuttableProxy(jdbc.getHost(), jdbc.getPort() < 0 ? 5432 : jdbc.getPort());
        String viaProxy = db.url().replaceFirst("//[^/]+/", "//127.0.0.1:" + proxy.port() + "/");
        new TestDatabases.Db(viaProxy, db.username(), db.password(), db.schema()).register(registry);
        registry.add("spring.datasource.hikari.connection-timeout", () -> "2000");
    }

    @AfterAll
    static void closeProxy() {
        proxy.close();
    }

    @LocalServerPort
    int port;

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String status(HttpResponse<String> health) {
        return Http.parse(health.body()).get("status").asString();
    }

    @Test
    void whileTheDatabaseIsAwayPredictionsGoOnAndTheRestIsA503() throws Exception {
        Http http = new Http(port);
        String dataset = http.postJson("/datasets/synthetic", "{\"generator\": \"moons\", \"samples\": 200}").json()
                .get("id").asString();
        String model = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"network\": {\"hiddenLayers\":"
                + " [4], \"maxIterations\": 50}}").json().get("id").asString();
        assertThat(http.awaitModel(model, Duration.ofMinutes(1)).get("status").asString()).isEqualTo("SUCCEEDED");
        String predict = "/models/" + model + "/predict";
        JsonNode before = http.postJson(predict, "{\"rows\": [[0.5, 0.25]]}").json().get("predictions");

        proxy.cut();
        try {
            for (int i = 0; i < 20; i++) {
                Http.Response answer = http.postJson(predict, "{\"rows\": [[0.5, 0.25]]}");
                assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
                assertThat(answer.json().get("predictions")).isEqualTo(before);
            }
            long start = System.nanoTime();
            HttpResponse<String> view = get("/models/" + model);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(view.statusCode()).as(view.body()).isEqualTo(503);
            assertThat(view.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(view.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(Http.parse(view.body()).get("detail").asString()).contains("database is unavailable");
            assertThat(seconds).as("answered within the connection timeout and some").isLessThan(10);
            Http.Response upload = http.postJson("/datasets/synthetic", "{\"samples\": 20}");
            assertThat(upload.status()).as(upload.toString()).isEqualTo(503);
            // a retry-safe request: its Idempotency-Key is kept in the database too
            HttpResponse<String> keyed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/datasets/synthetic")).header("Idempotency-Key", "k-1")
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"samples\": 20}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(keyed.statusCode()).as(keyed.body()).isEqualTo(503);
            assertThat(keyed.headers().firstValue("Retry-After")).hasValue("5");

            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            HttpResponse<String> readiness = get("/actuator/health/readiness");
            while (readiness.statusCode() == 200 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                readiness = get("/actuator/health/readiness");
            }
            assertThat(readiness.statusCode()).as("readiness without the database").isEqualTo(503);
            assertThat(status(readiness)).isIn("DOWN", "OUT_OF_SERVICE");
            assertThat(get("/actuator/health/liveness").statusCode()).as("liveness does not need it").isEqualTo(200);
        } finally {
            proxy.restore();
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        HttpResponse<String> readiness = get("/actuator/health/readiness");
        while (readiness.statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            readiness = get("/actuator/health/readiness");
        }
        assertThat(readiness.statusCode()).as("readiness once the database is back").isEqualTo(200);
        assertThat(get("/models/" + model).statusCode()).isEqualTo(200);
        String again = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"network\": {\"hiddenLayers\":"
                + " [4], \"maxIterations\": 50}}").json().get("id").asString();
        assertThat(http.awaitModel(again, Duration.ofMinutes(1)).get("status").asString()).isEqualTo("SUCCEEDED");
    }

    /**
     * A job that finishes training while the database is away keeps its model: the final write is retried until the
     * database is back (within the lease), and the job SUCCEEDS on its first attempt instead of failing or running
     * again.
     */
    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void aJobFinishingDuringTheOutageKeepsItsModel(org.springframework.boot.test.system.CapturedOutput output)
            throws Exception {
        Http http = new Http(port);
        String dataset = http.postJson("/datasets/synthetic", "{\"generator\": \"moons\", \"samples\": 400}").json()
                .get("id").asString();
        // how fast this machine trains it, for a job of about 4 s
        String probe = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"network\": {\"hiddenLayers\":"
                + " [4], \"maxIterations\": 20000}}").json().get("id").asString();
        double seconds = http.awaitModel(probe, Duration.ofMinutes(1)).get("timings").get("trainingSeconds").asDouble();
        int iterations = (int) Math.min(1_000_000, Math.max(20_000, 20_000 * 4 / Math.max(seconds, 1e-3)));
        String model = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"network\": {\"hiddenLayers\":"
                + " [4], \"maxIterations\": " + iterations + "}}").json().get("id").asString();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode view = http.get("/models/" + model).json();
        while (view.get("progress").get("iteration").asInt() < iterations / 10 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            view = http.get("/models/" + model).json();
        }
        assertThat(view.get("status").asString()).as("still training when the database goes").isEqualTo("RUNNING");
        proxy.cut();
        try {
            // the rest of the training (about 3.6 s) and some, within the 15 s lease
            Thread.sleep(8000);
        } finally {
            proxy.restore();
        }
        JsonNode done = http.awaitModel(model, Duration.ofMinutes(1));
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.get("attempts").asInt()).as("not run again").isEqualTo(1);
        assertThat(output.getOut() + output.getErr())
                .contains("Job " + model + ": the database is unavailable for its final write; retrying");
    }
}
