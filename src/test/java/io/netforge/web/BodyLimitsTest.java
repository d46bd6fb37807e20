package io.netforge.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.Http;
import io.netforge.support.TestDatabases;

/**
 * Every JSON body is bounded before the work it causes: a declared length over its route's limit is refused before a
 * byte of it is read, a chunked or lying body is cut off at the limit, rows to predict have a limit of their own, and
 * the bodies being read at once share a budget: past it, 503 with Retry-After.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "netforge.limits.body.request-bytes=2KB", "netforge.limits.body.rows-bytes=8KB",
        "netforge.limits.body.in-flight-bytes=12KB"})
class BodyLimitsTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @LocalServerPort
    int port;

    String model;

    @BeforeEach
    void model() {
        if (model != null) {
            return;
        }
        Http http = new Http(port);
        String dataset = http.postJson("/datasets/synthetic", "{\"generator\": \"moons\", \"samples\": 100}").json()
                .get("id").asString();
        model = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"network\": {\"hiddenLayers\": [3],"
                + " \"maxIterations\": 5}}").json().get("id").asString();
        http.awaitModel(model, Duration.ofMinutes(1));
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeTheBodyArrives() throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(5000);
            write(socket, "POST /models HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000000\r\n\r\n{");
            String answer = readResponse(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 413").contains("application/problem+json")
                    .contains("netforge.limits.body.request-bytes").contains("\"limitBytes\":2048");
        }
    }

    @Test
    void aChunkedBodyIsCutOffAtTheLimit() throws Exception {
        // before the first token, and in the middle of one (the parser wraps what stopped its read)
        for (String[] body : new String[][] {{"", " ", "{"}, {"{\"name\": \"", "a", "\"}"}}) {
            try (Socket socket = new Socket("localhost", port)) {
                socket.setSoTimeout(5000);
                write(socket, "POST /models HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
                write(socket, Integer.toHexString(body[0].length() + 1) + "\r\n" + body[0] + body[1] + "\r\n");
                String chunk = body[1].repeat(1000);
                for (int i = 0; i < 3; i++) {
                    write(socket, Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
                }
                write(socket, Integer.toHexString(body[2].length()) + "\r\n" + body[2] + "\r\n0\r\n\r\n");
                assertThat(readAll(socket.getInputStream())).as(body[0]).startsWith("HTTP/1.1 413")
                        .contains("2048 bytes");
            }
        }
    }

    @Test
    void rowsToPredictHaveTheirOwnLimit() {
        Http http = new Http(port);
        String rows = "{\"rows\": [" + "[0.5, 0.25],".repeat(400) + "[0.5, 0.25]]}";
        assertThat(rows.length()).isBetween(2049, 8192);
        assertThat(http.postJson("/models/" + model + "/predict", rows).status()).isEqualTo(200);
        String more = "{\"rows\": [" + "[0.5, 0.25],".repeat(800) + "[0.5, 0.25]]}";
        http.postJson("/models/" + model + "/predict", more).assertProblem(413, "rows-bytes");
        http.postJson("/models/" + model + "/invocations", "{\"instances\": [" + "[0.5, 0.25],".repeat(800)
                + "[0.5, 0.25]]}").assertProblem(413, "rows-bytes");
    }

    @Test
    void bodiesBeingReadAtOnceShareABudget() throws Exception {
        String rows = "{\"rows\": [" + "[0.5, 0.25],".repeat(600) + "[0.5, 0.25]]}";
        byte[] body = rows.getBytes(StandardCharsets.US_ASCII);
        String head = "POST /models/" + model + "/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                + "\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n\r\n";
        try (Socket slow = new Socket("localhost", port); Socket other = new Socket("localhost", port)) {
            slow.setSoTimeout(10000);
            other.setSoTimeout(10000);
            // the first holds most of the budget while the rest of its body has not arrived
            write(slow, head);
            slow.getOutputStream().write(body, 0, body.length - 100);
            slow.getOutputStream().flush();
            Thread.sleep(500);
            write(other, head);
            other.getOutputStream().write(body);
            String refused = readAll(other.getInputStream());
            assertThat(refused).startsWith("HTTP/1.1 503").contains("Retry-After: 1").contains("in-flight-bytes");
            slow.getOutputStream().write(body, body.length - 100, 100);
            assertThat(readAll(slow.getInputStream())).startsWith("HTTP/1.1 200");
        }
        // and the budget is given back
        assertThat(new Http(port).postJson("/models/" + model + "/predict", rows).status()).isEqualTo(200);
    }

    private static void write(Socket socket, String text) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String readAll(InputStream in) throws Exception {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** One whole answer with a JSON body, without waiting for the server to close the connection. */
    private static String readResponse(InputStream in) throws Exception {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[8192];
        while (!(text.indexOf("\r\n\r\n{") > 0 && text.toString().strip().endsWith("}"))
                && !text.toString().endsWith("\r\n0\r\n\r\n")) {
            int n;
            try {
                n = in.read(buffer);
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("no whole answer; so far: " + text, e);
            }
            if (n < 0) {
                break;
            }
            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return text.toString();
    }
}
