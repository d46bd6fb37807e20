package io.netforge.security;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerMapping;

import io.netforge.problem.DomainException;
import io.netforge.web.Cursors;
import io.netforge.web.RequestIds;
import io.netforge.web.Route;
import io.netforge.web.Routes;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The audit log: every write the API handled (every method but GET, HEAD and OPTIONS, except the read-only
 * prediction paths {@code /predict}, {@code /invocations} and V2 {@code infer}; refusals before a handler, 401, 403,
 * 429, are not writes) is recorded in {@code audit_log} with the key's id ({@code anonymous} without
 * one), the time, the action ({@code POST /models/{id}/cancel}: the method and route), the target (the created
 * resource's Location, else the request's path) and the status answered. Append-only: nothing here updates or
 * deletes a row. {@code GET /audit} (scope {@code admin} when keys are on) lists it, newest first, in pages.
 */
@Component
@org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE + 20)
class AuditLog extends OncePerRequestFilter {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AuditLog.class);
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    /** One recorded write. */
    record Entry(long seq, Instant at, String keyId, String method, String action, String path, String target,
            int status, String requestId) {
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Routes routes;

    AuditLog(JdbcClient jdbc, Clock clock, Routes routes) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.routes = routes;
    }

    /**
     * Reads, and the prediction routes (a POST that changes nothing, and must not wait on the database), as Spring
     * routes the request.
     */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return SAFE_METHODS.contains(request.getMethod()) || routes.of(request).access() == Route.Access.PREDICT;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } finally {
            record(request, response);
        }
    }

    private void record(HttpServletRequest request, HttpServletResponse response) {
        Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        if (pattern == null) {
            return; // no handler took it (404 of an unknown path, a refusal before Spring): not a write
        }
        Object key = request.getAttribute(io.netforge.web.Clients.KEY_ATTRIBUTE);
        String location = response.getHeader(HttpHeaders.LOCATION);
        String query = request.getQueryString();
        String path = request.getRequestURI() + (query == null ? "" : "?" + query);
        try {
            jdbc.sql("""
                    INSERT INTO audit_log (at, key_id, method, action, path, target, status, request_id)
                    VALUES (:at, :key, :method, :action, :path, :target, :status, :requestId)
                    """)
                    .param("at", OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
                    .param("key", key == null ? "anonymous" : key.toString())
                    .param("method", request.getMethod())
                    .param("action", truncate(request.getMethod() + " " + pattern, 300))
                    .param("path", truncate(path, 2000))
                    .param("target", truncate(location != null ? location : request.getRequestURI(), 2000))
                    .param("status", response.getStatus())
                    .param("requestId", RequestIds.current())
                    .update();
        } catch (RuntimeException e) {
            log.warn("Could not record {} {} in the audit log: {}", request.getMethod(), path, e.toString());
        }
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    List<Entry> page(int limit, Long before) {
        return jdbc.sql("SELECT seq, at, key_id, method, action, path, target, status, request_id FROM audit_log"
                        + (before == null ? "" : " WHERE seq < :before") + " ORDER BY seq DESC LIMIT :limit")
                .param("before", before).param("limit", limit + 1)
                .query((rs, row) -> new Entry(rs.getLong("seq"), rs.getTimestamp("at").toInstant(),
                        rs.getString("key_id"), rs.getString("method"), rs.getString("action"), rs.getString("path"),
                        rs.getString("target"), rs.getInt("status"), rs.getString("request_id")))
                .list();
    }

    /** {@code GET /audit?limit=&after=}: the log, newest first. */
    @RestController
    static class AuditController {

        static final int MAX_LIMIT = 1000;

        private final AuditLog audit;

        AuditController(AuditLog audit) {
            this.audit = audit;
        }

        @Route(access = Route.Access.ADMIN)
        @GetMapping("/audit")
        ResponseEntity<List<Entry>> list(@RequestParam(defaultValue = "100") int limit,
                @RequestParam(required = false) String after) {
            if (limit < 1 || limit > MAX_LIMIT) {
                throw DomainException.invalidField("limit", "must be between 1 and " + MAX_LIMIT + ", got " + limit);
            }
            Long before = null;
            if (after != null) {
                try {
                    before = Long.parseLong(Cursors.decode(after, "audit", 1).get(0));
                } catch (NumberFormatException e) {
                    throw DomainException.invalidField("after", "is not a cursor of this list");
                }
            }
            List<Entry> entries = audit.page(limit, before);
            ResponseEntity.BodyBuilder answer = ResponseEntity.ok();
            if (entries.size() > limit) {
                entries = entries.subList(0, limit);
                answer.header(HttpHeaders.LINK, Cursors.nextLink(Cursors.encode("audit", entries.get(limit - 1).seq())));
            }
            return answer.body(entries);
        }
    }
}
