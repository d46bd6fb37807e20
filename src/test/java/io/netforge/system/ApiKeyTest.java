package io.netforge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.Http;
import io.netforge.support.TestDatabases;

/** Optional API keys: writes and training need one, reads and health never do, /predict only if asked. */
class ApiKeyTest {

    static final String CSV = "a,b,y\n1,2,0\n3,4,1\n";
    static final String UNKNOWN_MODEL = "/models/00000000-0000-0000-0000-0000000000aa/predict";
    static final String UNKNOWN_INVOCATIONS = "/models/00000000-0000-0000-0000-0000000000aa/invocations";

    static HttpResponse<String> send(int port, String method, String path, String key, String contentType, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("X-API-Key", key);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
            "netforge.security.enabled=true", "netforge.security.api-keys=first-key,second-key",
            "netforge.training.workers=0"})
    class WithKeys {

        @DynamicPropertySource
        static void database(DynamicPropertyRegistry registry) {
            TestDatabases.h2().register(registry);
        }

        @LocalServerPort
        int port;

        @Test
        void writesNeedAValidKey() throws Exception {
            HttpResponse<String> missing = send(port, "POST", "/datasets", null, "text/csv", CSV);
            assertThat(missing.statusCode()).isEqualTo(401);
            assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(Http.parse(missing.body()).get("detail").asString()).contains("X-API-Key: missing");
            assertThat(missing.headers().firstValue("WWW-Authenticate")).isPresent();

            HttpResponse<String> wrong = send(port, "POST", "/datasets", "first-keyX", "text/csv", CSV);
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(Http.parse(wrong.body()).get("detail").asString()).contains("not a valid API key");

            HttpResponse<String> created = send(port, "POST", "/datasets", "second-key", "text/csv", CSV);
            assertThat(created.statusCode()).isEqualTo(201);
            String dataset = Http.parse(created.body()).get("id").asString();

            String train = "{\"datasetId\": \"" + dataset + "\"}";
            assertThat(send(port, "POST", "/models", null, "application/json", train).statusCode()).isEqualTo(401);
            assertThat(send(port, "POST", "/models", "first-key", "application/json", train).statusCode()).isEqualTo(202);
            assertThat(send(port, "DELETE", "/datasets/" + dataset, null, null, null).statusCode()).isEqualTo(401);
            // the writes of the protocols issue: import, reproduce, batch scoring
            String model = "/models/00000000-0000-0000-0000-0000000000aa";
            assertThat(send(port, "POST", "/models/import", null, "application/octet-stream", "x").statusCode())
                    .isEqualTo(401);
            assertThat(send(port, "POST", model + "/reproduce", null, "application/json", "{}").statusCode())
                    .isEqualTo(401);
            assertThat(send(port, "POST", model + "/scorings", null, "application/json", train).statusCode())
                    .isEqualTo(401);
            assertThat(send(port, "POST", model + "/scorings", "first-key", "application/json", train).statusCode())
                    .isEqualTo(404);
            assertThat(send(port, "GET", model + "/scorings", null, null, null).statusCode()).isEqualTo(404);
        }

        @Test
        void readsHealthAndPredictStayOpen() throws Exception {
            assertThat(send(port, "GET", "/datasets", null, null, null).statusCode()).isEqualTo(200);
            assertThat(send(port, "GET", "/models", null, null, null).statusCode()).isEqualTo(200);
            assertThat(send(port, "GET", "/actuator/health", null, null, null).statusCode()).isEqualTo(200);
            // Not 401: the key is not needed, so the request reaches the handler and the model is unknown.
            assertThat(send(port, "POST", UNKNOWN_MODEL, null, "application/json", "{\"rows\": [[1, 2]]}").statusCode())
                    .isEqualTo(404);
            assertThat(send(port, "POST", UNKNOWN_INVOCATIONS, null, "application/json", "{\"instances\": [[1, 2]]}")
                    .statusCode()).isEqualTo(404);
            assertThat(send(port, "POST", UNKNOWN_MODEL, null, "text/csv", "x0,x1\n1,2\n").statusCode()).isEqualTo(404);
            assertThat(send(port, "POST", "/v2/models/nobody/versions/1/infer", null, "application/json", "{}")
                    .statusCode()).isEqualTo(404);
            assertThat(send(port, "GET", "/v2/health/ready", null, null, null).statusCode()).isEqualTo(200);
        }

        @Test
        void exposesNoActuatorEndpointButHealthAndPrometheus() throws Exception {
            assertThat(send(port, "GET", "/actuator/prometheus", null, null, null).statusCode()).isEqualTo(200);
            for (String endpoint : new String[] {"/actuator/env", "/actuator/beans", "/actuator/configprops",
                    "/actuator/heapdump", "/actuator/metrics"}) {
                assertThat(send(port, "GET", endpoint, null, null, null).statusCode()).as(endpoint).isEqualTo(404);
            }
        }
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
            "netforge.security.enabled=true", "netforge.security.api-keys=only-key",
            "netforge.security.protect-predict=true", "netforge.security.protect-metrics=true",
            "netforge.training.workers=0"})
    class WithProtectedPredict {

        @DynamicPropertySource
        static void database(DynamicPropertyRegistry registry) {
            TestDatabases.h2().register(registry);
        }

        @LocalServerPort
        int port;

        @Test
        void predictNeedsAKeyToo() throws Exception {
            String body = "{\"rows\": [[1, 2]]}";
            assertThat(send(port, "POST", UNKNOWN_MODEL, null, "application/json", body).statusCode()).isEqualTo(401);
            assertThat(send(port, "POST", UNKNOWN_MODEL, "only-key", "application/json", body).statusCode())
                    .isEqualTo(404);
            assertThat(send(port, "POST", UNKNOWN_INVOCATIONS, null, "application/json", "{\"instances\": [[1]]}")
                    .statusCode()).isEqualTo(401);
            assertThat(send(port, "POST", UNKNOWN_INVOCATIONS, "only-key", "application/json", "{\"instances\": [[1]]}")
                    .statusCode()).isEqualTo(404);
            assertThat(send(port, "POST", "/v2/models/nobody/infer", null, "application/json", "{}").statusCode())
                    .isEqualTo(401);
            assertThat(send(port, "GET", "/actuator/prometheus", null, null, null).statusCode()).isEqualTo(401);
            assertThat(send(port, "GET", "/actuator/prometheus", "only-key", null, null).statusCode()).isEqualTo(200);
        }
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
            properties = "netforge.training.workers=0")
    class ByDefault {

        @DynamicPropertySource
        static void database(DynamicPropertyRegistry registry) {
            TestDatabases.h2().register(registry);
        }

        @LocalServerPort
        int port;

        @Test
        void needsNoKey() throws Exception {
            assertThat(send(port, "POST", "/datasets", null, "text/csv", CSV).statusCode()).isEqualTo(201);
        }
    }
}
