package io.netforge.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

/**
 * Every error is problem+json, also the ones the servlet container makes before Spring sees the request, and
 * Spring's own refusals; ids are parsed strictly. Sent over a raw socket, as a browser or curl --path-as-is would.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "netforge.training.workers=0")
class ContainerErrorsTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @LocalServerPort
    int port;

    record Answer(int status, String head, String body) {

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    /** Sends {@code request} as it is (CRLFs written for \n) and reads the whole answer. */
    private Answer raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String head = split < 0 ? text : text.substring(0, split);
            String body = split < 0 ? "" : text.substring(split + 4);
            if ("chunked".equalsIgnoreCase(new Answer(0, head, "").header("transfer-encoding"))) {
                body = unchunk(body);
            }
            return new Answer(Integer.parseInt(head.split(" ")[1]), head, body);
        }
    }

    private static String unchunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int end = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, end).trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(body, end + 2, end + 2 + size);
            at = end + 2 + size + 2;
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "encoded dots and slashes  | GET /models/%2e%2e%2f%2e%2e HTTP/1.1                 | 400 | could not be read",
            "an encoded slash          | GET /models/a%2fb HTTP/1.1                           | 400 | could not be read",
            "invalid percent-encoding  | GET /models/%zz HTTP/1.1                             | 400 | could not be read",
            "raw invalid character     | GET /models/a{b} HTTP/1.1                            | 400 | could not be read",
            "a bad Host                | GET /models HTTP/1.1~Host: bad host!                | 400 | could not be read",
            "over-long header          | GET /models HTTP/1.1~X-Big: {big}                   | 400 | could not be read",
            "over-long request line    | GET /models/{big} HTTP/1.1                           | 400 | could not be read",
            "method not allowed        | PUT /models HTTP/1.1~Content-Length: 0              | 405 | PUT",
            "not acceptable            | GET /models HTTP/1.1~Accept: text/plain             | 406 | ",
            "unsupported media type    | POST /models HTTP/1.1~Content-Type: text/plain~Content-Length: 2~~hi | 415 | text/plain",
            "multipart without boundary| POST /datasets HTTP/1.1~Content-Type: multipart/form-data~Content-Length: 2~~hi | 400 | multipart",
            "an id of five numbers     | GET /models/1-2-3-4-5 HTTP/1.1                       | 400 | not a valid id",
            "an id of braces           | GET /datasets/%7B00000000-0000-0000-0000-000000000001%7D HTTP/1.1 | 400 | not a valid id",
            "an unknown path           | GET /no/such/thing HTTP/1.1                          | 404 | "})
    void answersProblemJson(String what, String request, int status, String mention) throws IOException {
        // ~ separates lines (a newline would end the CSV record)
        String text = request.strip().replace("~", "\n").replace("{big}", "a".repeat(20_000));
        if (!text.contains("Host:")) {
            text = text.replaceFirst("\n|$", "\nHost: localhost\n").replace("\n\n\n", "\n\n");
        }
        if (!text.contains("\n\n")) {
            text = text + (text.endsWith("\n") ? "" : "\n") + "Connection: close\n\n";
        } else {
            text = text.replaceFirst("\n\n", "\nConnection: close\n\n");
        }
        Answer answer = raw(text);
        assertThat(answer.status()).as(answer.head()).isEqualTo(status);
        assertThat(answer.header("content-type")).as(answer.head() + "\n" + answer.body())
                .startsWith("application/problem+json");
        JsonNode problem = Http.parse(answer.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asString()).isNotBlank();
        // refused before or after the filters, it names its request
        assertThat(problem.get("requestId").asString()).isEqualTo(answer.header("x-request-id"));
        if (mention != null && !mention.isBlank()) {
            assertThat(problem.get("detail").asString()).contains(mention.strip());
        }
        assertThat(answer.body()).doesNotContain("Tomcat").doesNotContain("<html").doesNotContain("Exception");
        if (status == 405) {
            assertThat(answer.header("allow").split(",\\s*")).containsExactlyInAnyOrder("GET", "POST");
        }
    }
}
