package io.netforge.idempotency;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

import io.netforge.system.DatabaseErrors;
import io.netforge.web.Routes;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code Idempotency-Key} on the requests that create: {@code POST /datasets} (CSV or multipart),
 * {@code /datasets/synthetic}, {@code /models}, {@code /experiments} and {@code /searches}. The first request with a
 * key is handled and, when it succeeds (2xx, or the 303 of a search asked for by {@code POST /models}), its answer
 * (status, Location, body) is kept; a repeat with the same key and the same request
 * (method, path, query and body, hashed) gets that answer again, with {@code Idempotent-Replayed: true}, and creates
 * nothing; the same key with another request is a 422; a repeat while the first is still being handled is a 409
 * with {@code Retry-After}. A failed first request keeps nothing, so it may be retried with its key. Keys expire
 * after {@code netforge.idempotency.ttl} (24 h). A key belongs to its caller (the API key's id, or the anonymous
 * caller without keys): another caller's request with the same key is its own request, and learns nothing of the
 * first.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE - 100)
class IdempotencyFilter extends OncePerRequestFilter {

    static final String HEADER = "Idempotency-Key";
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final IdempotencyProperties properties;
    private final Clock clock;

    private final long maxBodyBytes;
    private final Routes routes;
    /** When expired keys were last purged (epoch ms). */
    private final java.util.concurrent.atomic.AtomicLong purged = new java.util.concurrent.atomic.AtomicLong();

    IdempotencyFilter(JdbcClient jdbc, JsonMapper json, IdempotencyProperties properties, Clock clock, Routes routes,
            @org.springframework.beans.factory.annotation.Value("${netforge.datasets.max-upload-bytes}")
            org.springframework.util.unit.DataSize maxUploadBytes) {
        this.jdbc = jdbc;
        this.json = json;
        this.properties = properties;
        this.clock = clock;
        this.routes = routes;
        this.maxBodyBytes = maxUploadBytes.toBytes();
    }

    /** Only the routes that declare it ({@link io.netforge.web.Route#idempotent()}), as Spring routes the request. */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || request.getHeader(HEADER) == null
                || !routes.of(request).idempotent();
    }

    private record Kept(String sha256, int status, String location, String contentType, String body) {
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = request.getHeader(HEADER);
        if (!KEY.matcher(key).matches()) {
            problem(response, HttpStatus.BAD_REQUEST, HEADER + ": must be 1 to 255 visible ASCII characters");
            return;
        }
        String path = request.getRequestURI();
        Object keyId = request.getAttribute(io.netforge.web.Clients.KEY_ATTRIBUTE);
        String caller = keyId == null ? "" : keyId.toString();
        Path spool = null;
        try {
            MessageDigest sha = sha256();
            update(sha, request.getMethod() + " " + path + "?" + (request.getQueryString() == null ? ""
                    : request.getQueryString()) + "\n" + request.getContentType() + "\n");
            HttpServletRequest handled = request;
            String type = request.getContentType();
            if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/")) {
                // the container parses the parts once; the controller reads the same parts afterwards
                for (Part part : request.getParts()) {
                    update(sha, part.getName() + "\n" + part.getSubmittedFileName() + "\n" + part.getContentType() + "\n");
                    try (InputStream in = part.getInputStream()) {
                        digest(sha, in);
                    }
                }
            } else {
                spool = Files.createTempFile("netforge-idempotent-", ".body");
                try (InputStream in = new DigestInputStream(request.getInputStream(), sha);
                        OutputStream out = Files.newOutputStream(spool)) {
                    byte[] buffer = new byte[64 * 1024];
                    long total = 0;
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        total += n;
                        if (total > maxBodyBytes) {
                            problem(response, HttpStatus.CONTENT_TOO_LARGE, "the request body is larger than the"
                                    + " limit of " + maxBodyBytes + " bytes (netforge.datasets.max-upload-bytes)");
                            return;
                        }
                        out.write(buffer, 0, n);
                    }
                }
                handled = new SpooledRequest(request, spool);
            }
            String digest = HexFormat.of().formatHex(sha.digest());

            Timestamp now = Timestamp.from(clock.instant());
            purgeExpired();
            jdbc.sql("DELETE FROM idempotency_keys WHERE caller = :caller AND idempotency_key = :key AND path = :path"
                    + " AND created_at < :expired").param("caller", caller).param("key", key).param("path", path)
                    .param("expired", Timestamp.from(clock.instant().minus(properties.ttl()))).update();
            try {
                jdbc.sql("INSERT INTO idempotency_keys (caller, idempotency_key, path, request_sha256, status,"
                        + " created_at) VALUES (:caller, :key, :path, :sha, 0, :now)")
                        .param("caller", caller).param("key", key).param("path", path).param("sha", digest).param("now", now).update();
            } catch (DuplicateKeyException e) {
                answerRepeat(response, caller, key, path, digest);
                return;
            }
            ContentCachingResponseWrapper captured = new ContentCachingResponseWrapper(response);
            boolean kept = false;
            try {
                chain.doFilter(handled, captured);
                int status = captured.getStatus();
                // done: a 2xx, or 303 See Other (POST /models with "network": "auto" created a search)
                if (status >= 200 && status < 300 || status == 303) {
                    jdbc.sql("UPDATE idempotency_keys SET status = :status, location = :location,"
                            + " content_type = :type, body = :body WHERE caller = :caller AND idempotency_key = :key"
                            + " AND path = :path").param("caller", caller)
                            .param("status", status).param("location", captured.getHeader("Location"))
                            .param("type", captured.getContentType())
                            .param("body", new String(captured.getContentAsByteArray(), StandardCharsets.UTF_8))
                            .param("key", key).param("path", path).update();
                    kept = true;
                }
            } finally {
                if (!kept) {
                    jdbc.sql("DELETE FROM idempotency_keys WHERE caller = :caller AND idempotency_key = :key"
                            + " AND path = :path").param("caller", caller).param("key", key).param("path", path).update();
                }
                captured.copyBodyToResponse();
            }
        } catch (RuntimeException e) {
            // the key's own reads and writes need the database: without it, 503 as ProblemHandler answers
            if (!DatabaseErrors.unavailable(e) || response.isCommitted()) {
                throw e;
            }
            response.resetBuffer();
            response.setHeader("Retry-After", Integer.toString(io.netforge.web.Problems.DATABASE_RETRY_AFTER_SECONDS));
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                    "The database is unavailable; try again in " + io.netforge.web.Problems.DATABASE_RETRY_AFTER_SECONDS + " s.");
            problem.setTitle("Service unavailable");
            io.netforge.web.Problems.withRequestId(problem);
            response.setStatus(HttpStatus.SERVICE_UNAVAILABLE.value());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.getOutputStream().write(json.writeValueAsBytes(problem));
        } finally {
            if (spool != null) {
                Files.deleteIfExists(spool);
            }
        }
    }

    /**
     * Deletes every expired key, at most once a minute (or a ttl, if shorter), so that the table holds about a ttl's
     * worth of keys.
     */
    private void purgeExpired() {
        long nowMillis = clock.millis();
        long last = purged.get();
        long every = Math.min(60_000, properties.ttl().toMillis());
        if (nowMillis - last >= every && purged.compareAndSet(last, nowMillis)) {
            jdbc.sql("DELETE FROM idempotency_keys WHERE created_at < :expired")
                    .param("expired", Timestamp.from(clock.instant().minus(properties.ttl()))).update();
        }
    }

    private void answerRepeat(HttpServletResponse response, String caller, String key, String path, String digest)
            throws IOException {
        Optional<Kept> kept = jdbc.sql("SELECT request_sha256, status, location, content_type, body FROM"
                        + " idempotency_keys WHERE caller = :caller AND idempotency_key = :key AND path = :path")
                .param("caller", caller).param("key", key).param("path", path)
                .query((rs, row) -> new Kept(rs.getString("request_sha256"), rs.getInt("status"),
                        rs.getString("location"), rs.getString("content_type"), rs.getString("body")))
                .optional();
        if (kept.isEmpty()) {
            // the first request failed and gave the key back just now: the client may send it again
            response.setHeader("Retry-After", "1");
            problem(response, HttpStatus.CONFLICT, HEADER + ": the request first sent with this key has just ended"
                    + " without a result; send it again");
            return;
        }
        Kept k = kept.get();
        if (!k.sha256().equals(digest)) {
            problem(response, HttpStatus.UNPROCESSABLE_CONTENT, HEADER + ": '" + key + "' was already used for another"
                    + " request to " + path + " (a different body or query); use a new key for a new request");
            return;
        }
        if (k.status() == 0) {
            response.setHeader("Retry-After", "1");
            problem(response, HttpStatus.CONFLICT, HEADER + ": the first request with '" + key
                    + "' is still being handled; retry shortly to get its answer");
            return;
        }
        response.setStatus(k.status());
        response.setHeader("Idempotent-Replayed", "true");
        if (k.location() != null) {
            response.setHeader("Location", k.location());
        }
        if (k.contentType() != null) {
            response.setContentType(k.contentType());
        }
        if (k.body() != null) {
            response.getOutputStream().write(k.body().getBytes(StandardCharsets.UTF_8));
        }
    }

    private void problem(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(status == HttpStatus.BAD_REQUEST ? "Invalid request" : status.getReasonPhrase());
        problem.setProperty("field", HEADER);
        io.netforge.web.Problems.withRequestId(problem);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(problem));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest sha, String text) {
        sha.update(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void digest(MessageDigest sha, InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            sha.update(buffer, 0, n);
        }
    }

    /** The request with its body read again from the spooled copy. */
    private static final class SpooledRequest extends HttpServletRequestWrapper {

        private final Path body;

        SpooledRequest(HttpServletRequest request, Path body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            InputStream in = Files.newInputStream(body);
            return new ServletInputStream() {
                private boolean finished;

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    finished = b < 0;
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = in.read(buffer, offset, length);
                    finished = n < 0;
                    return n;
                }

                @Override
                public boolean isFinished() {
                    return finished;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("blocking reads only");
                }

                @Override
                public void close() throws IOException {
                    in.close();
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() throws IOException {
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public long getContentLengthLong() {
            try {
                return Files.size(body);
            } catch (IOException e) {
                return -1;
            }
        }

        @Override
        public int getContentLength() {
            long length = getContentLengthLong();
            return length > Integer.MAX_VALUE ? -1 : (int) length;
        }
    }
}
