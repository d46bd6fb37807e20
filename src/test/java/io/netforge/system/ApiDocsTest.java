package io.netforge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.TestDatabases;

/** Swagger UI at /docs, every file it loads served by the service itself, over the contract at /openapi.yaml. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "netforge.training.workers=0")
class ApiDocsTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @LocalServerPort
    int port;

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                .send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesSwaggerUiAndEverythingItLoads() throws Exception {
        HttpResponse<String> page = get("/docs");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.uri().getPath()).isEqualTo("/docs/index.html");
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        // every script and style the page names is served here, none from elsewhere
        java.util.regex.Matcher refs = java.util.regex.Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page.body());
        int count = 0;
        while (refs.find()) {
            String ref = refs.group(1);
            assertThat(ref).as("served by the service").startsWith("/");
            HttpResponse<String> file = get(ref);
            assertThat(file.statusCode()).as(ref).isEqualTo(200);
            assertThat(file.body()).as(ref).isNotEmpty();
            count++;
        }
        assertThat(count).isEqualTo(4);
        assertThat(get("/docs/init.js").body()).contains("url: \"/openapi.yaml\"");
        HttpResponse<String> contract = get("/openapi.yaml");
        assertThat(contract.statusCode()).isEqualTo(200);
        assertThat(contract.body()).startsWith("openapi: 3.1.0");
    }
}
