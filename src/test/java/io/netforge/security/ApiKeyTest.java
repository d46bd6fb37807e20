package io.netforge.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

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

    /** Keys with scopes (one given only as its SHA-256), every read protected, rate limits, the audit log. */
    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
            "netforge.security.enabled=true", "netforge.security.protect-predict=true",
            "netforge.security.protect-reads=true",
            "netforge.security.keys[0].id=reader", "netforge.security.keys[0].key=reader-secret",
            "netforge.security.keys[0].scopes=read",
            "netforge.security.keys[1].id=predictor", "netforge.security.keys[1].key=predictor-secret",
            "netforge.security.keys[1].scopes=predict",
            "netforge.security.keys[2].id=trainer", "netforge.security.keys[2].key=trainer-secret",
            "netforge.security.keys[2].scopes=read,train",
            "netforge.security.keys[3].id=boss",
            "netforge.security.keys[3].sha256=40f8106c3ca7ab847da1a10abe81635147d8758e9277197a66b20ffa0778b8ec",
            "netforge.security.keys[3].scopes=admin",
            "netforge.security.rate-limit.train-per-minute=4", "netforge.security.rate-limit.predict-per-second=3",
            "netforge.training.workers=0"})
    class WithScopes {

        @DynamicPropertySource
        static void database(DynamicPropertyRegistry registry) {
            TestDatabases.h2().register(registry);
        }

        @LocalServerPort
        int port;

        @Test
        void eachScopeOpensItsEndpointsOnlyAndWritesAreAudited() throws Exception {
            // reads need read; health, the dashboard and the contract stay open
            assertThat(send(port, "GET", "/datasets", null, null, null).statusCode()).isEqualTo(401);
            assertThat(send(port, "GET", "/datasets", "reader-secret", null, null).statusCode()).isEqualTo(200);
            assertThat(send(port, "GET", "/datasets", "predictor-secret", null, null).statusCode()).isEqualTo(403);
            for (String open : new String[] {"/actuator/health", "/", "/openapi.yaml", "/app/app.js"}) {
                assertThat(send(port, "GET", open, null, null, null).statusCode()).as(open).isEqualTo(200);
            }
            // writes need train
            HttpResponse<String> refused = send(port, "POST", "/datasets", "reader-secret", "text/csv", CSV);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(Http.parse(refused.body()).get("detail").asString())
                    .contains("key 'reader' lacks the scope 'train'").doesNotContain("reader-secret");
            HttpResponse<String> created = send(port, "POST", "/datasets", "trainer-secret", "text/csv", CSV);
            assertThat(created.statusCode()).isEqualTo(201);
            String dataset = Http.parse(created.body()).get("id").asString();
            // deletes need admin; the boss key is configured only as its SHA-256
            assertThat(send(port, "DELETE", "/datasets/" + dataset, "trainer-secret", null, null).statusCode())
                    .isEqualTo(403);
            assertThat(send(port, "DELETE", "/datasets/" + dataset, "boss-secret", null, null).statusCode())
                    .isEqualTo(204);
            assertThat(send(port, "DELETE", "/datasets/" + dataset, "40f8106c3ca7ab847da1a10abe81635147d8758e9277197a66b20ffa0778b8ec", null, null).statusCode())
                    .as("the hash is not the key").isEqualTo(401);
            // predictions need predict (admin has every scope)
            String body = "{\"rows\": [[1, 2]]}";
            assertThat(send(port, "POST", UNKNOWN_MODEL, "trainer-secret", "application/json", body).statusCode())
                    .isEqualTo(403);
            assertThat(send(port, "POST", UNKNOWN_MODEL, "predictor-secret", "application/json", body).statusCode())
                    .isEqualTo(404);
            assertThat(send(port, "POST", UNKNOWN_MODEL, "boss-secret", "application/json", body).statusCode())
                    .isEqualTo(404);

            // the audit log: admin only, newest first, with key ids, actions and targets
            assertThat(send(port, "GET", "/audit", "trainer-secret", null, null).statusCode()).isEqualTo(403);
            HttpResponse<String> audit = send(port, "GET", "/audit", "boss-secret", null, null);
            assertThat(audit.statusCode()).isEqualTo(200);
            JsonNode entries = Http.parse(audit.body());
            List<String> lines = new java.util.ArrayList<>();
            entries.forEach(e -> lines.add(e.get("keyId").asString() + " " + e.get("action").asString() + " "
                    + e.get("status").asInt() + " " + e.get("target").asString()));
            assertThat(lines).contains("boss DELETE /datasets/{id} 204 /datasets/" + dataset,
                    "trainer POST /datasets 201 /datasets/" + dataset);
            assertThat(lines).noneMatch(l -> l.startsWith("reader")); // refused before any handler: not a write
            HttpResponse<String> page = send(port, "GET", "/audit?limit=1", "boss-secret", null, null);
            assertThat(Http.parse(page.body()).size()).isEqualTo(1);
            assertThat(page.headers().firstValue("Link")).hasValueSatisfying(l -> assertThat(l).contains("after="));
        }

        @Test
        void aKeysTrainingAndPredictionRequestsAreRateLimited() throws Exception {
            String train = "{\"datasetId\": \"00000000-0000-0000-0000-0000000000bb\"}";
            List<Integer> statuses = new java.util.ArrayList<>();
            HttpResponse<String> last = null;
            for (int i = 0; i < 6; i++) {
                last = send(port, "POST", "/models", "boss-secret", "application/json", train);
                statuses.add(last.statusCode());
            }
            // at most 4 a minute per key (earlier tests of this class may have spent some)
            assertThat(statuses).contains(429).doesNotContain(401, 403, 500);
            assertThat(statuses.subList(statuses.indexOf(429), statuses.size())).containsOnly(429);
            assertThat(last.headers().firstValue("Retry-After")).hasValueSatisfying(
                    v -> assertThat(Long.parseLong(v)).isBetween(1L, 60L));
            assertThat(last.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(Http.parse(last.body()).get("detail").asString()).contains("rate-limit");
            // another key has its own bucket
            assertThat(send(port, "POST", "/models", "trainer-secret", "application/json", train).statusCode())
                    .isEqualTo(404);

            String body = "{\"rows\": [[1, 2]]}";
            List<Integer> predictions = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                predictions.add(send(port, "POST", UNKNOWN_MODEL, "predictor-secret", "application/json", body)
                        .statusCode());
            }
            assertThat(predictions).contains(404, 429);
        }
    }
}
