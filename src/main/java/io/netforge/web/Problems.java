package io.netforge.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import io.netforge.problem.DomainException;

/**
 * The one mapping of a {@link DomainException}'s kind to its HTTP status and problem title, and the problem
 * document every answer of a refused request carries (with its request id), for the handlers and for the filters
 * that answer before a handler runs.
 */
public final class Problems {

    /** Seconds a client is told to wait when the database is away. */
    public static final int DATABASE_RETRY_AFTER_SECONDS = 5;

    private Problems() {
    }

    public static HttpStatus status(DomainException.Kind kind) {
        return switch (kind) {
            case INVALID_INPUT -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case UNAUTHENTICATED -> HttpStatus.UNAUTHORIZED;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case METHOD_NOT_ALLOWED -> HttpStatus.METHOD_NOT_ALLOWED;
            case UNPROCESSABLE -> HttpStatus.UNPROCESSABLE_CONTENT;
            case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
            case UNSUPPORTED_MEDIA_TYPE -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
            case NOT_ACCEPTABLE -> HttpStatus.NOT_ACCEPTABLE;
            case TOO_MANY_REQUESTS -> HttpStatus.TOO_MANY_REQUESTS;
            case UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
            case TIMEOUT -> HttpStatus.REQUEST_TIMEOUT;
        };
    }

    public static String title(DomainException.Kind kind) {
        return switch (kind) {
            case INVALID_INPUT -> "Invalid request";
            case NOT_FOUND -> "Not found";
            case CONFLICT -> "Conflict";
            case UNAUTHENTICATED -> "Unauthorized";
            case FORBIDDEN -> "Forbidden";
            case METHOD_NOT_ALLOWED -> "Method not allowed";
            case UNPROCESSABLE -> "Unprocessable content";
            case TOO_LARGE -> "Payload too large";
            case UNSUPPORTED_MEDIA_TYPE -> "Unsupported media type";
            case NOT_ACCEPTABLE -> "Not acceptable";
            case TOO_MANY_REQUESTS -> "Too many requests";
            case UNAVAILABLE -> "Service unavailable";
            case TIMEOUT -> "Request timeout";
        };
    }

    /** The problem document of a domain problem: status, title, detail and its extension members. */
    public static ProblemDetail of(DomainException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status(e.kind()), e.getMessage());
        problem.setTitle(title(e.kind()));
        e.properties().forEach(problem::setProperty);
        return withRequestId(problem);
    }

    /**
     * Answers a refusal from a filter, before any handler runs: the problem document as problem+json, with
     * {@code Retry-After} when the problem says how long to wait.
     */
    public static void write(jakarta.servlet.http.HttpServletRequest request,
            jakarta.servlet.http.HttpServletResponse response, tools.jackson.databind.json.JsonMapper json,
            DomainException e) throws java.io.IOException {
        ProblemDetail problem = of(e);
        try {
            problem.setInstance(java.net.URI.create(request.getRequestURI()));
        } catch (IllegalArgumentException notAUri) {
            // a path the firewall refused may not be a URI at all: the problem goes without its instance
        }
        Object retryAfter = e.properties().get(DomainException.RETRY_AFTER);
        if (retryAfter != null) {
            response.setHeader("Retry-After", String.valueOf(retryAfter));
        }
        response.setStatus(status(e.kind()).value());
        response.setContentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(problem));
    }

    /** Every problem names its request ({@link RequestIds}), for finding its log lines. */
    public static ProblemDetail withRequestId(ProblemDetail problem) {
        String id = RequestIds.current();
        if (id != null) {
            problem.setProperty("requestId", id);
        }
        return problem;
    }
}
