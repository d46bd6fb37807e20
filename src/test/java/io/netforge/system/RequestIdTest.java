package io.netforge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

/** Every request has an id: answered as X-Request-Id, in every problem+json body, and in its log lines. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "netforge.training.workers=0")
@ExtendWith(OutputCaptureExtension.class)
class RequestIdTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @LocalServerPort
    int port;

    private HttpResponse<String> send(String method, String path, String requestId, String type, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (requestId != null) {
            request.header("X-Request-Id", requestId);
        }
        if (type != null) {
            request.header("Content-Type", type);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aProblemNamesItsRequestAndTheHeaderSaysTheSame() throws Exception {
        HttpResponse<String> notFound = send("GET", "/models/00000000-0000-0000-0000-00000000000a", null, null, null);
        String id = notFound.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(Http.parse(notFound.body()).get("requestId").asString()).isEqualTo(id);

        HttpResponse<String> mine = send("POST", "/models", "client-42.a", "application/json", "{}");
        assertThat(mine.statusCode()).isEqualTo(400);
        assertThat(mine.headers().firstValue("X-Request-Id")).contains("client-42.a");
        assertThat(Http.parse(mine.body()).get("requestId").asString()).isEqualTo("client-42.a");

        // not a plain token: replaced, not echoed into logs and headers
        HttpResponse<String> odd = send("GET", "/models/abc", "a b<script>", null, null);
        assertThat(odd.headers().firstValue("X-Request-Id").orElseThrow()).doesNotContain("<").hasSize(36);
        // Spring's own refusals (415) and the container's carry one too
        JsonNode unsupported = Http.parse(send("POST", "/models", null, "text/plain", "x").body());
        assertThat(unsupported.get("requestId").asString()).hasSize(36);
    }

    @Test
    void theRequestsLogLinesCarryItsId(CapturedOutput output) throws Exception {
        String dataset = new Http(port).uploadCsv("tiny", "a,y\n1,0\n2,1\n3,0\n4,1\n".getBytes());
        HttpResponse<String> queued = send("POST", "/models", "trace-7", "application/json",
                "{\"datasetId\": \"" + dataset + "\"}");
        assertThat(queued.statusCode()).isEqualTo(202);
        String id = Http.parse(queued.body()).get("id").asString();
        assertThat(output.getOut()).containsPattern("\\[trace-7\\] .*Queued model " + id);
    }
}
