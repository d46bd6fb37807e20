package io.netforge.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.TestDatabases;

/**
 * Event streams are capped per client (its API key, else its address: 429 past it) and per instance (503 past it),
 * before a stream is opened; a closed stream makes room again.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "netforge.training.workers=0", "netforge.events.max-streams=4", "netforge.events.max-streams-per-client=3",
        "netforge.events.keep-alive=1s",
        "netforge.security.enabled=true", "netforge.security.api-keys=key-a,key-b"})
class EventStreamLimitsTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @LocalServerPort
    int port;

    final HttpClient client = HttpClient.newHttpClient();

    @Test
    void streamsAreCappedPerClientAndPerInstance() throws Exception {
        HttpResponse<String> dataset = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/datasets")).header("X-API-Key", "key-a").header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("a,y\n1,0\n2,1\n3,0\n")).build(),
                HttpResponse.BodyHandlers.ofString());
        String datasetId = io.netforge.support.Http.parse(dataset.body()).get("id").asString();
        HttpResponse<String> model = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/models")).header("X-API-Key", "key-a").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"datasetId\": \"" + datasetId + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String events = "/models/" + io.netforge.support.Http.parse(model.body()).get("id").asString() + "/events";

        List<HttpResponse<InputStream>> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(stream(events, "key-a"));
                assertThat(open.get(i).statusCode()).isEqualTo(200);
            }
            HttpResponse<InputStream> fourth = stream(events, "key-a");
            assertThat(fourth.statusCode()).isEqualTo(429);
            assertThat(new String(fourth.body().readAllBytes())).contains("max-streams-per-client");
            open.add(stream(events, "key-b"));
            assertThat(open.get(3).statusCode()).isEqualTo(200);
            HttpResponse<InputStream> full = stream(events, "key-b");
            assertThat(full.statusCode()).isEqualTo(503);
            assertThat(full.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(new String(full.body().readAllBytes())).contains("netforge.events.max-streams");

            open.remove(0).body().close();
            long deadline = System.nanoTime() + 10_000_000_000L;
            HttpResponse<InputStream> again;
            do {
                Thread.sleep(200);
                again = stream(events, "key-b");
                if (again.statusCode() != 200) {
                    again.body().close();
                }
            } while (again.statusCode() != 200 && System.nanoTime() < deadline);
            assertThat(again.statusCode()).as("a closed stream makes room").isEqualTo(200);
            open.add(again);
        } finally {
            for (HttpResponse<InputStream> s : open) {
                s.body().close();
            }
        }
    }

    private HttpResponse<InputStream> stream(String path, String key) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("X-API-Key", key)
                .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    }
}
