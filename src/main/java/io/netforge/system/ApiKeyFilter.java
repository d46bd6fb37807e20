package io.netforge.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * When {@link SecurityProperties#enabled()}, answers 401 to any request that writes or trains (every
 * method but GET, HEAD and OPTIONS) without a valid {@code X-API-Key} header. {@code /predict} (and
 * {@code /invocations}, V2 {@code infer}) is open unless {@code protect-predict} is set; reads, including {@code /actuator/health}, stay open.
 */
@Component
@org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE + 10)
class ApiKeyFilter extends OncePerRequestFilter {

    static final String HEADER = "X-API-Key";

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    /** The read-only prediction paths: /predict, MLflow's /invocations and the Open Inference Protocol's infer. */
    private static final Pattern PREDICT = Pattern.compile(
            "/models/[^/]+/(predict|invocations)/?|/v2/models/[^/]+(/versions/[^/]+)?/infer/?");

    private final SecurityProperties properties;
    private final List<byte[]> keys;
    private final JsonMapper json;

    ApiKeyFilter(SecurityProperties properties, JsonMapper json) {
        this.properties = properties;
        this.keys = properties.apiKeys().stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        if (!properties.enabled()) {
            return true;
        }
        if (SAFE_METHODS.contains(request.getMethod())) {
            // reads are open, the metrics too unless protect-metrics says otherwise
            return !(properties.protectMetrics() && request.getRequestURI().startsWith("/actuator/prometheus"));
        }
        return !properties.protectPredict() && PREDICT.matcher(request.getRequestURI()).matches();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = request.getHeader(HEADER);
        if (key != null && accepted(key.getBytes(StandardCharsets.UTF_8))) {
            chain.doFilter(request, response);
            return;
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, key == null
                ? HEADER + ": missing; this endpoint needs an API key"
                : HEADER + ": not a valid API key");
        problem.setTitle("Unauthorized");
        problem.setInstance(java.net.URI.create(request.getRequestURI()));
        problem.setProperty("field", HEADER);
        ProblemHandler.withRequestId(problem);
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        response.setHeader("WWW-Authenticate", "ApiKey header=\"" + HEADER + "\"");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(problem));
    }

    /** Compares in constant time against every key, so timing does not reveal how much of a key matched. */
    private boolean accepted(byte[] candidate) {
        boolean match = false;
        for (byte[] key : keys) {
            match |= MessageDigest.isEqual(key, candidate);
        }
        return match;
    }
}
