package io.netforge.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.netforge.security.SecurityProperties.Scope;
import io.netforge.web.Route;
import io.netforge.web.Routes;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * API keys with scopes, when {@link SecurityProperties#enabled()}. What a request needs follows from the
 * {@link Route.Access} of the route Spring serves it by ({@link Routes}), never from its raw path:
 * <ul>
 * <li>{@code train} for {@code TRAIN} routes, every write but deletes: uploads, training, experiments, cancels,
 * aliases, imports, reproductions, scorings;</li>
 * <li>{@code admin} for {@code ADMIN} routes: deletes and {@code GET /audit};</li>
 * <li>{@code predict} for {@code PREDICT} routes ({@code /predict}, {@code /invocations}, V2 {@code infer}) with
 * {@code protect-predict}; otherwise they are open;</li>
 * <li>{@code read} for the metrics scrape with {@code protect-metrics} and for {@code READ} routes with
 * {@code protect-reads}; otherwise reads are open ({@code PUBLIC} routes always: health, the dashboard's files and
 * the API contract).</li>
 * </ul>
 * 401 without a valid key where one is needed, 403 with a key that lacks the scope; {@code admin} has every scope.
 * The presented key is hashed (SHA-256) and compared in constant time with every configured key's hash, so keys may
 * be configured as hashes and timing reveals nothing. A key's prediction and training requests are rate-limited
 * ({@code netforge.security.rate-limit}; 429 with {@code Retry-After}). The key's id is left in the request for
 * the audit log ({@link #KEY_ID}).
 */
@Component
@org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE + 10)
class ApiKeyFilter extends OncePerRequestFilter {

    static final String HEADER = "X-API-Key";
    /** The request attribute holding the id of the key that authenticated it (absent: no key). */
    static final String KEY_ID = io.netforge.web.Clients.KEY_ATTRIBUTE;


    private record Configured(String id, byte[] sha256, SecurityProperties.Key key) {
    }

    private final SecurityProperties properties;
    private final Routes routes;
    private final List<Configured> keys = new ArrayList<>();
    private final JsonMapper json;
    private final Map<String, Bucket> predictBuckets = new ConcurrentHashMap<>();
    private final Map<String, Bucket> trainBuckets = new ConcurrentHashMap<>();

    ApiKeyFilter(SecurityProperties properties, Routes routes, JsonMapper json) {
        this.properties = properties;
        this.routes = routes;
        this.json = json;
        int n = 1;
        for (String plain : properties.apiKeys()) {
            String id = "key-" + n++;
            keys.add(new Configured(id, sha256(plain), new SecurityProperties.Key(id, plain, null, Set.of(Scope.ADMIN))));
        }
        for (SecurityProperties.Key key : properties.keys()) {
            byte[] hash = key.key() != null && !key.key().isBlank() ? sha256(key.key())
                    : HexFormat.of().parseHex(key.sha256().strip().toLowerCase(java.util.Locale.ROOT));
            keys.add(new Configured(key.id(), hash, key));
        }
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !properties.enabled();
    }

    /** The scope a route needs, or null when it is open. */
    Scope needed(Route.Access access) {
        return switch (access) {
            case PUBLIC -> null;
            case READ -> properties.protectReads() ? Scope.READ : null;
            case METRICS -> properties.protectMetrics() ? Scope.READ : null;
            case PREDICT -> properties.protectPredict() ? Scope.PREDICT : null;
            case TRAIN -> Scope.TRAIN;
            case ADMIN -> Scope.ADMIN;
        };
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Routes.Policy route = routes.of(request);
        Scope needed = needed(route.access());
        String presented = request.getHeader(HEADER);
        Configured key = presented == null ? null : find(presented);
        if (needed != null) {
            if (key == null) {
                problem(request, response, HttpStatus.UNAUTHORIZED, presented == null
                        ? HEADER + ": missing; this endpoint needs an API key with the scope '" + needed.id() + "'"
                        : HEADER + ": not a valid API key", null);
                return;
            }
            if (!key.key().has(needed)) {
                problem(request, response, HttpStatus.FORBIDDEN, HEADER + ": key '" + key.id() + "' lacks the scope '"
                        + needed.id() + "' that " + route.pattern() + " needs (it has "
                        + key.key().scopes().stream().map(Scope::id).sorted().toList() + ")", null);
                return;
            }
        }
        if (key != null) {
            request.setAttribute(KEY_ID, key.id());
            Long waitSeconds = rateLimited(key.id(), route.limit());
            if (waitSeconds != null) {
                problem(request, response, HttpStatus.TOO_MANY_REQUESTS, "key '" + key.id() + "' sent more requests"
                        + " than netforge.security.rate-limit allows; try again in " + waitSeconds + " s", waitSeconds);
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /** Hashes the presented key and compares it with every configured hash, in constant time. */
    private Configured find(String presented) {
        byte[] hash = sha256(presented);
        Configured found = null;
        for (Configured key : keys) {
            if (MessageDigest.isEqual(key.sha256(), hash)) {
                found = key;
            }
        }
        return found;
    }

    /** Null when the request may go on; else the seconds until the key's bucket has a token again. */
    private Long rateLimited(String id, Route.Limit counted) {
        SecurityProperties.RateLimit limit = properties.rateLimit();
        Bucket bucket = null;
        if (counted == Route.Limit.PREDICT && limit.predictPerSecond() > 0) {
            bucket = predictBuckets.computeIfAbsent(id, k -> bucket(limit.predictPerSecond(), Duration.ofSeconds(1)));
        } else if (counted == Route.Limit.TRAIN && limit.trainPerMinute() > 0) {
            bucket = trainBuckets.computeIfAbsent(id, k -> bucket(limit.trainPerMinute(), Duration.ofMinutes(1)));
        }
        if (bucket == null) {
            return null;
        }
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? null : Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999L) / 1_000_000_000L);
    }

    private static Bucket bucket(int tokens, Duration period) {
        return Bucket.builder().addLimit(Bandwidth.builder().capacity(tokens).refillGreedy(tokens, period).build())
                .build();
    }

    private void problem(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String detail,
            Long retryAfter) throws IOException {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(status.getReasonPhrase());
        problem.setInstance(java.net.URI.create(request.getRequestURI()));
        problem.setProperty("field", HEADER);
        io.netforge.web.Problems.withRequestId(problem);
        response.setStatus(status.value());
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "ApiKey header=\"" + HEADER + "\"");
        }
        if (retryAfter != null) {
            response.setHeader("Retry-After", Long.toString(retryAfter));
        }
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(problem));
    }
}
