package io.netforge.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netforge.support.Http;
import tools.jackson.databind.JsonNode;

/**
 * A search survives its instances: three service processes take turns on one H2 file, the first two killed with
 * SIGKILL mid-search (one during the first rung, one during the second), and the third finishes it. Its leaderboard
 * comes out byte for byte as an undisturbed search's of the same request, and its refitted model has the same
 * weights: each rung queued once, each run trained once to the end (a killed run starts over, seeded), whichever
 * process did it.
 */
class SearchTakeoverTest {

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        processes.forEach(Process::destroyForcibly);
    }

    private record Instance(Process process, Http http) {
    }

    private Instance start() throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = dir.resolve("instance-" + processes.size() + ".log");
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-Xmx1g", "-Dnetforge.relaunch=false",
                "-cp", System.getProperty("java.class.path"), "io.netforge.NetforgeApplication",
                "--server.port=" + port,
                "--spring.datasource.url=jdbc:h2:file:" + dir.resolve("db").toAbsolutePath() + ";WRITE_DELAY=0",
                "--netforge.training.workers=2", "--netforge.training.lease=3s", "--netforge.training.heartbeat=200ms",
                "--netforge.training.warm-up=false", "--netforge.searches.poll=50"))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("OPENBLAS_CORETYPE", "Haswell");
        Process process = builder.start();
        processes.add(process);
        Http http = new Http(port);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            try {
                if (http.get("/actuator/health/readiness").status() == 200) {
                    return new Instance(process, http);
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            assertThat(process.isAlive()).as(Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("instance not ready: " + Files.readString(log)).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    private static JsonNode until(Http http, String path, Predicate<JsonNode> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (true) {
            JsonNode view = http.get(path).json();
            if (done.test(view)) {
                return view;
            }
            assertThat(System.nanoTime()).as(path + ": " + view).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static boolean finished(JsonNode view) {
        return List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(view.get("status").asString());
    }

    private static final String SEARCH = """
            {"name": "survivor", "seed": 11, "minResources": 2, "maxResources": 18, "candidates": 9,
             "space": {"depth": [1, 2], "widths": [32, 64, 128], "batchSize": [32], "optimizer": ["adam"]},
             "request": {"datasetId": "%s", "testFraction": 0.2}}
            """;

    @Test
    void aSearchKilledTwiceEndsAsAnUndisturbedOne() throws Exception {
        Instance first = start();
        Http.Response made = first.http().postJson("/datasets/synthetic", """
                {"samples": 12000, "features": 20, "informative": 8, "redundant": 2, "flipY": 0.05, "seed": 3}""");
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        String dataset = made.json().get("id").asString();
        String id = first.http().postJson("/searches", SEARCH.formatted(dataset)).json().get("id").asString();
        String path = "/searches/" + id;

        // killed while the first rung trains: some of its runs done, others not
        until(first.http(), path, v -> v.get("rungs").get(0).get("succeeded").asInt() >= 2);
        first.process().destroyForcibly().waitFor();

        Instance second = start();
        JsonNode during = until(second.http(), path, v -> v.get("rungs").get(1).get("succeeded").asInt() >= 1
                || finished(v));
        assertThat(finished(during)).as("the second instance was to be killed mid-search").isFalse();
        second.process().destroyForcibly().waitFor();

        Instance third = start();
        JsonNode survived = until(third.http(), path, SearchTakeoverTest::finished);
        assertThat(survived.get("status").asString()).as(survived.toString()).isEqualTo("SUCCEEDED");
        assertThat(survived.get("attempts").asInt()).isEqualTo(3);
        // every rung's runs trained once each: 9 + 3 + 1
        assertThat(survived.get("rungs").findValues("runs").stream().map(JsonNode::asInt)).containsExactly(9, 3, 1);
        assertThat(survived.get("rungs").findValues("succeeded").stream().map(JsonNode::asInt)).containsExactly(9, 3, 1);
        JsonNode model = until(third.http(), "/models/" + survived.get("model").asString(), SearchTakeoverTest::finished);

        String again = third.http().postJson("/searches", SEARCH.formatted(dataset)).json().get("id").asString();
        JsonNode undisturbed = until(third.http(), "/searches/" + again, SearchTakeoverTest::finished);
        assertThat(undisturbed.get("attempts").asInt()).isEqualTo(1);
        assertThat(survived.get("leaderboard").toString()).isEqualTo(undisturbed.get("leaderboard").toString());
        JsonNode reference = until(third.http(), "/models/" + undisturbed.get("model").asString(),
                SearchTakeoverTest::finished);
        assertThat(third.http().get("/models/" + model.get("id").asString() + "/export?format=json").json().get("arrays"))
                .isEqualTo(third.http().get("/models/" + reference.get("id").asString() + "/export?format=json").json()
                        .get("arrays"));
    }
}
