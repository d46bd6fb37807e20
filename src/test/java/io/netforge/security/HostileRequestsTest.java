package io.netforge.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.Http;
import io.netforge.support.RawHttp;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

/**
 * Requests no client of this API sends, as a hostile one would: path spellings the firewall refuses before routing,
 * methods the API has not, writes from another site's page through a user's browser. Each is answered with
 * problem+json naming what was refused, and every answer carries the security headers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "netforge.training.workers=0", "netforge.security.allowed-origins=https://portal.example.com"})
class HostileRequestsTest {

    private static final String CSV = "x,label\n1,a\n2,b\n3,a\n4,b\n";
    private static final String BOUNDARY = "----hostile";

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @LocalServerPort
    int port;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private RawHttp.Response raw(String requestLine) throws Exception {
        try (RawHttp http = new RawHttp(port)) {
            return http.head(requestLine).response();
        }
    }

    private static void assertProblem(RawHttp.Response response, int status, String mention) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().get("content-type")).as(response.headers() + " " + response.body()).startsWith("application/problem+json");
        JsonNode problem = Http.parse(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).as(response.body()).containsIgnoringCase(mention);
        assertThat(response.body()).doesNotContain("Exception", "org.springframework");
        assertThat(problem.get("requestId").asString()).isEqualTo(response.headers().get("x-request-id"));
        assertThat(response.headers().get("content-security-policy")).as("CSP").contains("default-src 'self'");
        assertThat(response.headers().get("x-content-type-options")).isEqualTo("nosniff");
    }

    @Test
    void pathSpellingsAndMethodsNoClientSendsAreRefusedBeforeRouting() throws Exception {
        assertProblem(raw("GET /models;jsessionid=1 HTTP/1.1"), 400, "contains \";\"");
        assertProblem(raw("GET //models HTTP/1.1"), 400, "contains \"//\"");
        assertProblem(raw("GET /models/%2e%2e/datasets HTTP/1.1"), 400, "contains \"%2e\"");
        assertProblem(raw("GET /datasets/a%2Fb HTTP/1.1"), 400, "encoded slash"); // Tomcat refuses it first
        assertProblem(raw("GET /models/./x HTTP/1.1"), 400, "not normalized");
        assertProblem(raw("GET /models/%0d%0aSet-Cookie:x HTTP/1.1"), 400, "contains \"%0a\"");
        assertProblem(raw("TRACE /models HTTP/1.1"), 405, "TRACE");
        assertProblem(raw("PROPFIND /models HTTP/1.1"), 405, "PROPFIND");
        // an encoded '%' is a name's own character, not a spelling trick
        assertThat(raw("GET /v2/models/a%25b HTTP/1.1").status()).isEqualTo(404);
        assertThat(raw("GET /models HTTP/1.1").status()).isEqualTo(200);
    }

    @Test
    void everyAnswerCarriesTheSecurityHeaders() throws Exception {
        for (String path : new String[] {"/", "/models", "/docs", "/datasets/nope", "/models;x"}) {
            RawHttp.Response response = raw("GET " + path + " HTTP/1.1");
            assertThat(response.headers().get("content-security-policy")).as(path)
                    .contains("default-src 'self'").contains("frame-ancestors 'none'");
            assertThat(response.headers().get("x-frame-options")).as(path).isEqualTo("DENY");
            assertThat(response.headers().get("x-content-type-options")).as(path).isEqualTo("nosniff");
        }
    }

    private HttpResponse<String> upload(String... headers) throws Exception {
        String body = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
                + "Content-Type: text/csv\r\n\r\n" + CSV + "\r\n--" + BOUNDARY + "--\r\n";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/datasets"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private int datasets() throws Exception {
        HttpResponse<String> list = client.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/datasets?limit=1000")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode json = Http.parse(list.body());
        return (json.isArray() ? json : json.get("items")).size();
    }

    @Test
    void aWriteFromAnotherSitesPageIsRefusedAndStoresNothing() throws Exception {
        int before = datasets();
        // a form on another site posting to this service through a user's browser
        HttpResponse<String> evil = upload("Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site");
        assertThat(evil.statusCode()).as(evil.body()).isEqualTo(403);
        assertThat(evil.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        JsonNode problem = Http.parse(evil.body());
        assertThat(problem.get("detail").asString()).contains("https://evil.example");
        assertThat(problem.get("field").asString()).isEqualTo("Origin");
        assertThat(upload("Sec-Fetch-Site", "cross-site").statusCode()).as("no Origin, but the browser says so")
                .isEqualTo(403);
        assertThat(upload("Origin", "null").statusCode()).as("a sandboxed page").isEqualTo(403);
        assertThat(upload("Origin", "http://localhost:" + port + ".evil.example").statusCode()).isEqualTo(403);
        assertThat(datasets()).isEqualTo(before);

        // this service's own pages, an allowed origin, and clients that are not browsers may write
        assertThat(upload("Origin", "http://localhost:" + port, "Sec-Fetch-Site", "same-origin").statusCode())
                .isEqualTo(201);
        assertThat(upload("Origin", "https://portal.example.com", "Sec-Fetch-Site", "cross-site").statusCode())
                .isEqualTo(201);
        assertThat(upload().statusCode()).isEqualTo(201);
        assertThat(datasets()).isEqualTo(before + 3);
        // a read is not refused (without CORS headers a browser keeps its answer from the other page)
        HttpResponse<String> read = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/models")).header("Origin", "https://evil.example").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).isEqualTo(200);
    }
}
