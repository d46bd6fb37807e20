package io.netforge.system;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;

/**
 * An error the client caused, answered as RFC 9457 {@code application/problem+json}.
 *
 * <p>The message is the problem's {@code detail} and must name what was wrong: the field, row or
 * column ({@code "row 17: expected 21 columns, found 20"}). Properties become extension members of
 * the problem document, e.g. {@code field}, {@code row}, {@code column}.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String title;
    private final Map<String, Object> properties = new LinkedHashMap<>();

    public ApiException(HttpStatus status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, "Invalid request", detail);
    }

    /** A request field failed validation; {@code field} is its JSON path, e.g. {@code network.learningRate}. */
    public static ApiException invalidField(String field, String problem) {
        return badRequest(field + ": " + problem).with("field", field);
    }

    public static ApiException notFound(String kind, Object id) {
        return new ApiException(HttpStatus.NOT_FOUND, "Not found", kind + " " + id + " does not exist");
    }

    public static ApiException conflict(String detail) {
        return new ApiException(HttpStatus.CONFLICT, "Conflict", detail);
    }

    public static ApiException unprocessable(String detail) {
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "Unprocessable content", detail);
    }

    public static ApiException payloadTooLarge(String detail) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "Payload too large", detail);
    }

    public static ApiException unsupportedMediaType(String detail) {
        return new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type", detail);
    }

    /**
     * The same problem for a field seen from further out: a field {@code from...} becomes {@code to...}, in the
     * detail and the {@code field} member (e.g. {@code network.seed} of a nested request to {@code request.network.seed}).
     * A problem naming another field is returned as it is.
     */
    public ApiException renamed(String from, String to) {
        Object field = properties.get("field");
        if (!(field instanceof String name) || !(name.equals(from) || name.startsWith(from + ".")
                || name.startsWith(from + "["))) {
            return this;
        }
        String renamed = to + name.substring(from.length());
        String detail = getMessage().startsWith(name) ? renamed + getMessage().substring(name.length()) : getMessage();
        ApiException copy = new ApiException(status, title, detail);
        copy.properties.putAll(properties);
        copy.properties.put("field", renamed);
        return copy;
    }

    /** The same problem with its field under {@code prefix} ({@code datasetId} to {@code request.datasetId}). */
    public ApiException under(String prefix) {
        return properties.get("field") instanceof String name ? renamed(name, prefix + name) : this;
    }

    /** Adds an extension member to the problem document. */
    public ApiException with(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    public Map<String, Object> properties() {
        return properties;
    }
}
