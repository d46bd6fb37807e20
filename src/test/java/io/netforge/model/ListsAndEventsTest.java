package io.netforge.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.NetforgeApplication;
import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

/**
 * Lists page with a cursor ({@code limit}, {@code after}, the next page in {@code Link}) and leave out loss curves;
 * event streams send a keep-alive comment when idle, end with a {@code deleted} event when their model is deleted,
 * and end at once when the service shuts down. No workers here: models stay QUEUED, so nothing else moves.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"netforge.training.workers=0", "netforge.events.keep-alive=1s"})
class ListsAndEventsTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @LocalServerPort
    int port;

    /** Follows Link rel="next" from {@code first} to the end; every page at most {@code limit} items. */
    private List<String> walk(Http http, String first, int limit) throws Exception {
        List<String> ids = new ArrayList<>();
        String next = first;
        HttpClient client = HttpClient.newHttpClient();
        while (next != null) {
            HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(next.startsWith("http") ? next
                    : "http://localhost:" + port + next)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            JsonNode items = Http.parse(page.body());
            assertThat(items.size()).isLessThanOrEqualTo(limit);
            items.forEach(item -> {
                ids.add(item.get("id").asString());
                assertThat(item.has("lossCurve")).as("a list item has no loss curve").isFalse();
            });
            next = page.headers().firstValue("Link").map(link -> {
                assertThat(link).endsWith("; rel=\"next\"");
                return link.substring(1, link.indexOf('>'));
            }).orElse(null);
        }
        return ids;
    }

    @Test
    void listsPageWithACursorToTheEndWithoutRepeatsOrGaps() throws Exception {
        Http http = new Http(port);
        List<String> datasets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            datasets.add(0, http.postJson("/datasets/synthetic", "{\"samples\": 20, \"seed\": " + i + "}").json()
                    .get("id").asString());
        }
        List<String> models = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            models.add(0, http.postJson("/models", "{\"datasetId\": \"" + datasets.get(0) + "\"}").json()
                    .get("id").asString());
        }
        List<String> allDatasets = walk(http, "/datasets?limit=1000", 1000);
        assertThat(walk(http, "/datasets?limit=2", 2)).isEqualTo(allDatasets).containsSubsequence(datasets);
        List<String> pagedModels = walk(http, "/models?limit=2&status=QUEUED", 2);
        assertThat(pagedModels).isEqualTo(walk(http, "/models?status=QUEUED", 100)).containsSubsequence(models);
        assertThat(pagedModels).doesNotHaveDuplicates();
        assertThat(http.get("/models/" + models.get(0)).json().has("lossCurve")).isTrue();

        http.get("/datasets?after=bm9wZQ").assertProblem(400, "after", "not a cursor of this list");
        // a model list's cursor is not a dataset list's
        String modelCursor = io.netforge.web.Cursors.encode("models", 5);
        http.get("/datasets?after=" + modelCursor).assertProblem(400, "after");
        http.get("/models?after=%25%25").assertProblem(400, "after");
        http.get("/datasets?limit=0").assertProblem(400, "limit");
    }

    /** The lines of an event stream, as they come. */
    private static BlockingQueue<String> follow(String url) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> {
                    response.body().forEach(lines::add);
                    lines.add("<end>");
                });
        return lines;
    }

    private static String await(BlockingQueue<String> lines, String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(prefix)) {
                return line;
            }
        }
        return null;
    }

    @Test
    void anIdleStreamGetsKeepAlivesAndADeletedModelsStreamEndsWithAnEvent() throws Exception {
        Http http = new Http(port);
        String dataset = http.postJson("/datasets/synthetic", "{\"samples\": 20}").json().get("id").asString();
        String model = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\"}").json().get("id").asString();
        BlockingQueue<String> first = follow("http://localhost:" + port + "/models/" + model + "/events");
        BlockingQueue<String> second = follow("http://localhost:" + port + "/models/" + model + "/events");
        assertThat(await(first, "event:progress", Duration.ofSeconds(10))).isNotNull();
        assertThat(await(first, ":keep-alive", Duration.ofSeconds(5))).as("a comment after 1 s idle").isNotNull();
        assertThat(await(second, ":keep-alive", Duration.ofSeconds(5))).isNotNull();

        assertThat(http.delete("/models/" + model).status()).isEqualTo(204);
        assertThat(await(first, "event:deleted", Duration.ofSeconds(5))).isNotNull();
        String data = await(first, "data:", Duration.ofSeconds(5));
        assertThat(data).contains("\"status\":\"DELETED\"").contains(model);
        assertThat(await(first, "<end>", Duration.ofSeconds(5))).as("the stream ends").isNotNull();
        assertThat(await(second, "<end>", Duration.ofSeconds(5))).isNotNull();
    }

    @Test
    void streamsEndAtOnceWhenTheServiceShutsDown() throws Exception {
        TestDatabases.Db database = TestDatabases.h2();
        List<String> arguments = new ArrayList<>(List.of("--spring.datasource.url=" + database.url(),
                "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password()));
        arguments.addAll(List.of("--server.port=0", "--netforge.training.workers=0", "--server.shutdown=graceful",
                "--spring.lifecycle.timeout-per-shutdown-phase=30s"));
        ConfigurableApplicationContext service = new SpringApplicationBuilder(NetforgeApplication.class)
                .run(arguments.toArray(String[]::new));
        int servicePort = Integer.parseInt(service.getEnvironment().getProperty("local.server.port"));
        Http http = new Http(servicePort);
        String dataset = http.postJson("/datasets/synthetic", "{\"samples\": 20}").json().get("id").asString();
        String model = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\"}").json().get("id").asString();
        BlockingQueue<String> stream = follow("http://localhost:" + servicePort + "/models/" + model + "/events");
        assertThat(await(stream, "event:progress", Duration.ofSeconds(10))).isNotNull();
        long start = System.nanoTime();
        service.close();
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(await(stream, "<end>", Duration.ofSeconds(5))).isNotNull();
        assertThat(seconds).as("shutdown with an open stream, seconds").isLessThan(10);
    }
}
