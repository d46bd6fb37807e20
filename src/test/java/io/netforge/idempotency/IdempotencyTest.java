package io.netforge.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

/**
 * A repeated request with the same Idempotency-Key and body answers the same resource and status and creates
 * nothing; the same key with another body is a 422; a failed request keeps nothing; keys expire.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"netforge.training.workers=0", "netforge.idempotency.ttl=3s"})
class IdempotencyTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.postgres().register(registry);
    }

    @LocalServerPort
    int port;

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.jdbc.core.JdbcTemplate jdbc;

    private HttpResponse<String> post(String path, String key, String type, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", type);
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private long count(String path) {
        return new Http(port).get(path).json().size();
    }

    @Test
    void aRepeatedRequestAnswersTheSameResourceAndCreatesNothing() throws Exception {
        byte[] csv = "a,b,y\n1,2,0\n2,1,1\n3,3,0\n4,1,1\n".getBytes();
        String key = UUID.randomUUID().toString();
        long datasets = count("/datasets");
        HttpResponse<String> first = post("/datasets?name=once", key, "text/csv", csv);
        HttpResponse<String> again = post("/datasets?name=once", key, "text/csv", csv);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(again.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
        assertThat(Http.parse(again.body())).isEqualTo(Http.parse(first.body()));
        assertThat(count("/datasets")).isEqualTo(datasets + 1);
        String dataset = Http.parse(first.body()).get("id").asString();

        // the same key for another body, or another query: refused
        post("/datasets?name=once", key, "text/csv", "a,y\n1,0\n2,1\n".getBytes());
        HttpResponse<String> other = post("/datasets?name=once", key, "text/csv", "a,y\n1,0\n2,1\n".getBytes());
        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(Http.parse(other.body()).get("detail").asString()).contains("already used for another request");
        assertThat(post("/datasets?name=twice", key, "text/csv", csv).statusCode()).isEqualTo(422);

        // a job: one, however often it is asked for
        String train = "{\"datasetId\": \"" + dataset + "\", \"network\": {\"maxIterations\": 10}}";
        String jobKey = UUID.randomUUID().toString();
        long models = count("/models?limit=1000");
        HttpResponse<String> job = post("/models", jobKey, "application/json", train.getBytes());
        HttpResponse<String> jobAgain = post("/models", jobKey, "application/json", train.getBytes());
        assertThat(job.statusCode()).isEqualTo(202);
        assertThat(jobAgain.statusCode()).isEqualTo(202);
        assertThat(Http.parse(jobAgain.body()).get("id")).isEqualTo(Http.parse(job.body()).get("id"));
        assertThat(count("/models?limit=1000")).isEqualTo(models + 1);

        // a search asked for by POST /models (303 See Other): one search, however often it is asked for
        String auto = "{\"datasetId\": \"" + dataset + "\", \"network\": \"auto\","
                + " \"search\": {\"minResources\": 1, \"maxResources\": 2, \"candidates\": 2}}";
        String autoKey = UUID.randomUUID().toString();
        long searches = count("/searches");
        HttpResponse<String> search = post("/models", autoKey, "application/json", auto.getBytes());
        HttpResponse<String> searchAgain = post("/models", autoKey, "application/json", auto.getBytes());
        assertThat(search.statusCode()).as(search.body()).isEqualTo(303);
        assertThat(searchAgain.statusCode()).isEqualTo(303);
        assertThat(searchAgain.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(searchAgain.headers().firstValue("Location")).isEqualTo(search.headers().firstValue("Location"));
        assertThat(count("/searches")).isEqualTo(searches + 1);

        // a multipart upload, its parts hashed
        String boundary = "b0undary";
        byte[] multipart = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\na,y\n1,0\n2,1\n3,0\n\r\n--" + boundary + "--\r\n").getBytes();
        String partsKey = UUID.randomUUID().toString();
        HttpResponse<String> upload = post("/datasets", partsKey, "multipart/form-data; boundary=" + boundary, multipart);
        HttpResponse<String> uploadAgain = post("/datasets", partsKey, "multipart/form-data; boundary=" + boundary,
                multipart);
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(201);
        assertThat(Http.parse(uploadAgain.body()).get("id")).isEqualTo(Http.parse(upload.body()).get("id"));
        assertThat(count("/datasets")).isEqualTo(datasets + 2);
    }

    @Test
    void aFailedRequestKeepsNothingAndKeysExpire() throws Exception {
        String other = UUID.randomUUID().toString();
        assertThat(post("/datasets?name=aged", other, "text/csv", "a,y\n1,0\n2,1\n".getBytes()).statusCode())
                .isEqualTo(201);
        String key = UUID.randomUUID().toString();
        HttpResponse<String> bad = post("/models", key, "application/json", "{\"network\": {}}".getBytes());
        assertThat(bad.statusCode()).isEqualTo(400);
        String dataset = new Http(port).uploadCsv("e", "a,y\n1,0\n2,1\n3,0\n4,1\n".getBytes());
        String body = "{\"datasetId\": \"" + dataset + "\"}";
        HttpResponse<String> fixed = post("/models", key, "application/json", body.getBytes());
        assertThat(fixed.statusCode()).as("the failed request did not keep the key").isEqualTo(202);

        Thread.sleep(3_200);
        HttpResponse<String> fresh = post("/models", key, "application/json",
                (body.replace("}", ", \"name\": \"later\"}")).getBytes());
        assertThat(fresh.statusCode()).as("an expired key takes a new request").isEqualTo(202);
        assertThat(Http.parse(fresh.body()).get("id")).isNotEqualTo(Http.parse(fixed.body()).get("id"));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM idempotency_keys WHERE idempotency_key = ?", Long.class,
                other)).as("expired keys are purged, not only when they come again").isZero();

        HttpResponse<String> invalid = post("/models", "bad key with spaces", "application/json", body.getBytes());
        assertThat(invalid.statusCode()).isEqualTo(400);
        JsonNode problem = Http.parse(invalid.body());
        assertThat(problem.get("field").asString()).isEqualTo("Idempotency-Key");
        assertThat(invalid.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
    }

    /** With API keys, a key belongs to its caller: another caller's request with it is a request of its own. */
    @org.junit.jupiter.api.Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
            "netforge.training.workers=0", "netforge.security.enabled=true",
            "netforge.security.keys[0].id=alice", "netforge.security.keys[0].key=alice-secret",
            "netforge.security.keys[0].scopes=read,train",
            "netforge.security.keys[1].id=bob", "netforge.security.keys[1].key=bob-secret",
            "netforge.security.keys[1].scopes=read,train"})
    class PerCaller {

        @DynamicPropertySource
        static void database(DynamicPropertyRegistry registry) {
            TestDatabases.postgres().register(registry);
        }

        @LocalServerPort
        int port;

        private HttpResponse<String> upload(String apiKey, String key, String csv) throws Exception {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                    + "/datasets?name=shared")).POST(HttpRequest.BodyPublishers.ofString(csv))
                    .header("Content-Type", "text/csv").header("X-API-Key", apiKey).header("Idempotency-Key", key)
                    .build(), HttpResponse.BodyHandlers.ofString());
        }

        @Test
        void anotherCallersRequestWithTheSameKeyIsItsOwn() throws Exception {
            String key = UUID.randomUUID().toString();
            String csv = "a,y\n1,0\n2,1\n3,0\n";
            HttpResponse<String> alice = upload("alice-secret", key, csv);
            assertThat(alice.statusCode()).as(alice.body()).isEqualTo(201);
            // bob's same request is not given alice's answer
            HttpResponse<String> bob = upload("bob-secret", key, csv);
            assertThat(bob.statusCode()).as(bob.body()).isEqualTo(201);
            assertThat(bob.headers().firstValue("Idempotent-Replayed")).isEmpty();
            assertThat(Http.parse(bob.body()).get("id")).isNotEqualTo(Http.parse(alice.body()).get("id"));
            // nor told that alice used the key for another request
            HttpResponse<String> bobOther = upload("bob-secret", UUID.randomUUID().toString(), csv);
            assertThat(bobOther.statusCode()).isEqualTo(201);
            HttpResponse<String> bobChanged = upload("bob-secret", key, "a,y\n5,1\n6,0\n");
            assertThat(bobChanged.statusCode()).as("bob's own key, bob's other body").isEqualTo(422);
            HttpResponse<String> fresh = upload("alice-secret", UUID.randomUUID().toString(), "a,y\n5,1\n6,0\n");
            assertThat(fresh.statusCode()).isEqualTo(201);
            // each caller's repeat is replayed its own answer
            HttpResponse<String> aliceAgain = upload("alice-secret", key, csv);
            assertThat(aliceAgain.headers().firstValue("Idempotent-Replayed")).contains("true");
            assertThat(Http.parse(aliceAgain.body()).get("id")).isEqualTo(Http.parse(alice.body()).get("id"));
            HttpResponse<String> bobAgain = upload("bob-secret", key, csv);
            assertThat(Http.parse(bobAgain.body()).get("id")).isEqualTo(Http.parse(bob.body()).get("id"));
        }
    }
}
