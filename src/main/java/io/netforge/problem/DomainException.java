package io.netforge.problem;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Something a client asked for that cannot be done, said in the domain's words: which {@link Kind} of problem it
 * is and a detail that names what was wrong (the field, row or column: {@code "row 17: expected 21 columns, found
 * 20"}). Thrown from any feature, Spring-free; the web layer ({@code io.netforge.web.ProblemHandler}) answers it as
 * RFC 9457 {@code application/problem+json} with the status its kind maps to. Properties become extension members
 * of the problem document, e.g. {@code field}, {@code row}, {@code column}.
 */
public final class DomainException extends RuntimeException {

    /** What kind of problem it is; the web layer maps each to one HTTP status. */
    public enum Kind {
        /** The request is malformed or a field is invalid (400). */
        INVALID_INPUT,
        /** What the request names does not exist (404). */
        NOT_FOUND,
        /** The request conflicts with the state of what it names (409). */
        CONFLICT,
        /** The request names no credentials, or invalid ones, where some are needed (401). */
        UNAUTHENTICATED,
        /** The credentials do not allow this request (403). */
        FORBIDDEN,
        /** The request's method is not one this service takes (405). */
        METHOD_NOT_ALLOWED,
        /** The request is well formed but its data cannot be used (422). */
        UNPROCESSABLE,
        /** The request is larger than a limit (413). */
        TOO_LARGE,
        /** The request's body is of a type this endpoint does not take (415). */
        UNSUPPORTED_MEDIA_TYPE,
        /** No answer of a type the request accepts can be given (406). */
        NOT_ACCEPTABLE,
        /** Too many requests from one client (429). */
        TOO_MANY_REQUESTS,
        /** A capacity of the service is full for now; the client may retry (503). */
        UNAVAILABLE,
        /** The request did not arrive in time (408). */
        TIMEOUT
    }

    private final Kind kind;
    private final Map<String, Object> properties = new LinkedHashMap<>();

    public DomainException(Kind kind, String detail) {
        super(detail);
        this.kind = kind;
    }

    public static DomainException invalidInput(String detail) {
        return new DomainException(Kind.INVALID_INPUT, detail);
    }

    /** A request field failed validation; {@code field} is its JSON path, e.g. {@code network.learningRate}. */
    public static DomainException invalidField(String field, String problem) {
        return invalidInput(field + ": " + problem).with("field", field);
    }

    public static DomainException notFound(String kind, Object id) {
        return new DomainException(Kind.NOT_FOUND, kind + " " + id + " does not exist");
    }

    /** A 404 with a detail of its own. */
    public static DomainException notFound(String detail) {
        return new DomainException(Kind.NOT_FOUND, detail);
    }

    public static DomainException conflict(String detail) {
        return new DomainException(Kind.CONFLICT, detail);
    }

    public static DomainException unprocessable(String detail) {
        return new DomainException(Kind.UNPROCESSABLE, detail);
    }

    public static DomainException tooLarge(String detail) {
        return new DomainException(Kind.TOO_LARGE, detail);
    }

    public static DomainException unsupportedMediaType(String detail) {
        return new DomainException(Kind.UNSUPPORTED_MEDIA_TYPE, detail);
    }

    public static DomainException unauthenticated(String detail) {
        return new DomainException(Kind.UNAUTHENTICATED, detail);
    }

    public static DomainException forbidden(String detail) {
        return new DomainException(Kind.FORBIDDEN, detail);
    }

    public static DomainException methodNotAllowed(String detail) {
        return new DomainException(Kind.METHOD_NOT_ALLOWED, detail);
    }

    public static DomainException notAcceptable(String detail) {
        return new DomainException(Kind.NOT_ACCEPTABLE, detail);
    }

    /** @param retryAfterSeconds how long the client should wait before it tries again */
    public static DomainException tooManyRequests(String detail, long retryAfterSeconds) {
        return new DomainException(Kind.TOO_MANY_REQUESTS, detail).with(RETRY_AFTER, retryAfterSeconds);
    }

    /** @param retryAfterSeconds how long the client should wait before it tries again */
    public static DomainException unavailable(String detail, long retryAfterSeconds) {
        return new DomainException(Kind.UNAVAILABLE, detail).with(RETRY_AFTER, retryAfterSeconds);
    }

    public static DomainException timeout(String detail) {
        return new DomainException(Kind.TIMEOUT, detail);
    }

    /** The property (and so problem member) a refusal that may be retried carries: seconds to wait. */
    public static final String RETRY_AFTER = "retryAfterSeconds";

    /**
     * The same problem for a field seen from further out: a field {@code from...} becomes {@code to...}, in the
     * detail and the {@code field} member (e.g. {@code network.seed} of a nested request to {@code request.network.seed}).
     * A problem naming another field is returned as it is.
     */
    public DomainException renamed(String from, String to) {
        Object field = properties.get("field");
        if (!(field instanceof String name) || !(name.equals(from) || name.startsWith(from + ".")
                || name.startsWith(from + "["))) {
            return this;
        }
        String renamed = to + name.substring(from.length());
        String detail = getMessage().startsWith(name) ? renamed + getMessage().substring(name.length()) : getMessage();
        DomainException copy = new DomainException(kind, detail);
        copy.properties.putAll(properties);
        copy.properties.put("field", renamed);
        return copy;
    }

    /** The same problem with its field under {@code prefix} ({@code datasetId} to {@code request.datasetId}). */
    public DomainException under(String prefix) {
        return properties.get("field") instanceof String name ? renamed(name, prefix + name) : this;
    }

    /** Adds an extension member to the problem document. */
    public DomainException with(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    public Kind kind() {
        return kind;
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
