package io.netforge.dataset;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

import io.netforge.support.Http;
import io.netforge.support.Http.Response;

/** The dataset API's requests on a real port, as a user's curl would send them, over {@link Http}. */
final class DatasetHttp {

    private static final String BOUNDARY = "netforge-test-boundary-7MA4YWxkTrZu0gW";
    static final String MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;

    /** One multipart part; {@code filename} null makes it a plain form field. */
    record Part(String name, String filename, String contentType, byte[] content) {

        static Part field(String name, String value) {
            return new Part(name, null, null, value.getBytes(StandardCharsets.UTF_8));
        }

        static Part file(String filename, byte[] content) {
            return new Part("file", filename, "text/csv", content);
        }
    }

    private final Http http;

    DatasetHttp(int port) {
        this.http = new Http(port);
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
        return http.send("POST", "/datasets" + query, contentType, body);
    }

    Response postMultipart(Part... parts) {
        return post("", MULTIPART, multipart(List.of(parts)));
    }

    Response get(String path) {
        return http.get(path);
    }

    Response delete(String path) {
        return http.delete(path);
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
