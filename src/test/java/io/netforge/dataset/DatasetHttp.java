package io.netforge.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for the dataset API on a real port: what a user's curl would send. */
final class DatasetHttp {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BOUNDARY = "netforge-test-boundary-7MA4YWxkTrZu0gW";
    static final String MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;

    /** A response with its body, parsed as JSON when it is JSON. */
    record Response(int status, String contentType, String location, String body) {

        JsonNode json() {
            return JSON.readTree(body);
        }

        /** Asserts an RFC 9457 problem with this status whose detail mentions every one of {@code mentions}. */
        Response assertProblem(int expectedStatus, String... mentions) {
            assertThat(status).as("status of %s", body).isEqualTo(expectedStatus);
            assertThat(contentType).as("Content-Type").startsWith("application/problem+json");
            JsonNode problem = json();
            assertThat(problem.get("status").asInt()).isEqualTo(expectedStatus);
            assertThat(problem.get("title").asString()).isNotBlank();
            assertThat(problem.get("detail").asString()).isNotBlank();
            if (mentions.length > 0) {
                assertThat(problem.get("detail").asString()).contains(mentions);
            }
            assertThat(body).doesNotContain("Exception", "\tat ", "org.springframework", "tools.jackson", "SQL");
            return this;
        }
    }

    /** One multipart part; {@code filename} null makes it a plain form field. */
    record Part(String name, String filename, String contentType, byte[] content) {

        static Part field(String name, String value) {
            return new Part(name, null, null, value.getBytes(StandardCharsets.UTF_8));
        }

        static Part file(String filename, byte[] content) {
            return new Part("file", filename, "text/csv", content);
        }
    }

    private final URI base;

    DatasetHttp(int port) {
        this.base = URI.create("http://127.0.0.1:" + port);
    }

    Response postCsv(String csv) {
        return postCsv(csv, "");
    }

    Response postCsv(String csv, String query) {
        return post(query, "text/csv", BodyPublishers.ofString(csv, StandardCharsets.UTF_8));
    }

    Response post(String query, String contentType, byte[] body) {
        return post(query, contentType, BodyPublishers.ofByteArray(body));
    }

    /** Sends the stream chunked, without a Content-Length, as it is read. */
    Response postStream(String query, Supplier<InputStream> body) {
        return post(query, "text/csv", BodyPublishers.ofInputStream(body));
    }

    Response post(String query, String contentType, BodyPublisher body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/datasets" + query)).POST(body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    Response postMultipart(Part... parts) {
        return post("", MULTIPART, multipart(List.of(parts)));
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    Response delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
    }

    private static Response send(HttpRequest.Builder request) {
        try {
            var response = CLIENT.send(request.build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("Location").orElse(null), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static byte[] multipart(List<Part> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part part : parts) {
            StringBuilder head = new StringBuilder("--").append(BOUNDARY).append("\r\n")
                    .append("Content-Disposition: form-data; name=\"").append(part.name()).append('"');
            if (part.filename() != null) {
                head.append("; filename=\"").append(part.filename()).append('"');
            }
            head.append("\r\n");
            if (part.contentType() != null) {
                head.append("Content-Type: ").append(part.contentType()).append("\r\n");
            }
            out.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(part.content());
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
