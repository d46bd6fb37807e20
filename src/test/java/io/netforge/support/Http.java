package io.netforge.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for tests that talk to a real server port. */
public final class Http {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public Http(int port) {
        this.base = "http://localhost:" + port;
    }

    /** A response with its body read as text. */
    public record Response(int status, String contentType, String location, String body) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        /**
         * Asserts an RFC 9457 problem with this status whose detail mentions every one of {@code mentions}, and that
         * the body leaks no stack trace, class or SQL.
         */
        public Response assertProblem(int expectedStatus, String... mentions) {
            assertThat(status).as("status of %s", body).isEqualTo(expectedStatus);
            assertThat(contentType).as("Content-Type of %s", body).startsWith("application/problem+json");
            JsonNode problem = json();
            assertThat(problem.get("status").asInt()).isEqualTo(expectedStatus);
            assertThat(problem.get("title").asString()).isNotBlank();
            assertThat(problem.get("detail").asString()).isNotBlank();
            if (mentions.length > 0) {
                assertThat(problem.get("detail").asString()).as(body).contains(mentions);
            }
            assertThat(body).doesNotContain("Exception", "\tat ", "at io.netforge", "org.springframework",
                    "tools.jackson", "java.lang", "SQL");
            return this;
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + body;
        }
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    /** A GET whose body is bytes (an export, a plot); fails unless it answers 200. */
    public byte[] getBytes(String path) {
        try {
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new AssertionError("GET " + path + ": " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    public Response postJson(String path, String json) {
        return post(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    public Response postJson(String path, Object body) {
        return postJson(path, JSON.writeValueAsString(body));
    }

    public Response post(String path, String contentType, byte[] body) {
        return send("POST", path, contentType, body);
    }

    /** Any method with a body. */
    public Response send(String method, String path, String contentType, byte[] body) {
        return send(method, path, contentType, HttpRequest.BodyPublishers.ofByteArray(body));
    }

    /** A body of {@code contentType}, answered as {@code accept}. */
    public Response send(String method, String path, String contentType, byte[] body, String accept) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).header("Accept", accept);
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return send(builder);
    }

    /** Any method with a body from a publisher (a stream, say). */
    public Response send(String method, String path, String contentType, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).method(method, body);
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return send(builder);
    }

    /** Uploads a CSV as a {@code text/csv} body; returns the new dataset's id. */
    public String uploadCsv(String name, byte[] csv) {
        Response response = post("/datasets?name=" + name, "text/csv", csv);
        if (response.status() != 201) {
            throw new AssertionError("upload failed: " + response);
        }
        return response.json().get("id").asString();
    }

    /** Polls a model until it reaches a terminal status or the timeout passes; returns its last view. */
    public JsonNode awaitModel(String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode model;
        do {
            model = get("/models/" + id).json();
            String status = model.get("status").asString();
            if (status.equals("SUCCEEDED") || status.equals("FAILED") || status.equals("CANCELLED")) {
                return model;
            }
            sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("model " + id + " did not finish within " + timeout + ": " + model);
    }

    public static JsonNode parse(String json) {
        return JSON.readTree(json);
    }

    public static String write(Object value) {
        return JSON.writeValueAsString(value);
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = client.send(builder.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Optional<String> type = response.headers().firstValue("Content-Type");
            return new Response(response.statusCode(), type.orElse(null),
                    response.headers().firstValue("Location").orElse(null), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
