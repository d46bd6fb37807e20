package io.netforge.web;

import io.netforge.problem.DomainException;
import io.netforge.system.DatabaseErrors;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.util.unit.DataSize;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.PropertyBindingException;

/**
 * Turns every error into RFC 9457 {@code application/problem+json}: the client's mistakes into a 4xx
 * whose {@code detail} names the field, row or column; anything else into a bare 500 that carries no
 * stack trace, SQL or class names (those go to the log).
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    /** The servlet container's multipart limit: a larger multipart request is rejected before it reaches a controller. */
    private final long maxMultipartBytes;

    ProblemHandler(@Value("${spring.servlet.multipart.max-request-size:-1B}") DataSize maxMultipartRequest) {
        this.maxMultipartBytes = maxMultipartRequest.toBytes();
    }

    @ExceptionHandler(DomainException.class)
    ResponseEntity<ProblemDetail> api(DomainException e) {
        ResponseEntity<ProblemDetail> answer = problem(Problems.status(e.kind()), Problems.of(e));
        Object retryAfter = e.properties().get(DomainException.RETRY_AFTER);
        if (retryAfter == null) {
            return answer;
        }
        return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfter)).body(answer.getBody());
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e) {
        String value = String.valueOf(e.getValue());
        String detail = ("id".equals(e.getName()) || e.getName().endsWith("Id"))
                ? e.getName() + ": '" + abbreviate(value) + "' is not a valid id (expected a UUID)"
                : e.getName() + ": '" + abbreviate(value) + "' is not a valid value";
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setTitle("Invalid request");
        problem.setProperty("field", e.getName());
        return problem(HttpStatus.BAD_REQUEST, problem);
    }

    /** A multipart body the container could not parse (no boundary, truncated, malformed part headers). */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> multipart(MultipartException e) {
        log.debug("Unreadable multipart request", e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "multipart/form-data body could not be read (malformed or truncated; is the boundary right?)");
        problem.setTitle("Invalid request body");
        return problem(HttpStatus.BAD_REQUEST, problem);
    }

    static final int DATABASE_RETRY_AFTER_SECONDS = Problems.DATABASE_RETRY_AFTER_SECONDS;

    /**
     * The database is unreachable (no connection within spring.datasource.hikari.connection-timeout, or one that
     * broke): 503 with Retry-After, not a 500, so clients and proxies retry.
     */
    @ExceptionHandler({org.springframework.dao.DataAccessResourceFailureException.class,
            org.springframework.dao.TransientDataAccessException.class,
            org.springframework.transaction.CannotCreateTransactionException.class})
    ResponseEntity<ProblemDetail> databaseUnavailable(RuntimeException e) {
        return unavailable(e);
    }

    private ResponseEntity<ProblemDetail> unavailable(Exception e) {
        log.warn("The database is unavailable: {}", e.toString());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "The database is unavailable; try again in " + DATABASE_RETRY_AFTER_SECONDS + " s. Predictions of"
                        + " models this instance has loaded go on.");
        problem.setTitle("Service unavailable");
        ResponseEntity<ProblemDetail> answer = problem(HttpStatus.SERVICE_UNAVAILABLE, problem);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).headers(answer.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, Integer.toString(DATABASE_RETRY_AFTER_SECONDS)).body(answer.getBody());
    }

    /**
     * The client went away while its body was read or its answer written: there is no one to answer, and nothing
     * went wrong here (Spring handles the same for asynchronous answers).
     */
    @ExceptionHandler(org.apache.catalina.connector.ClientAbortException.class)
    void clientGone(Exception e) {
        log.debug("The client went away: {}", e.toString());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        io.netforge.system.OutOfMemory.exitIfOutOfMemory(e);
        if (DatabaseErrors.unavailable(e)) {
            return unavailable(e);
        }
        log.error("Unhandled error", e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "The server failed to handle the request; it has been logged.");
        problem.setTitle("Internal error");
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, problem);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        // the body's own limit (413) or the in-flight budget (503) stopped the read: that is the answer
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof DomainException domain) {
                ResponseEntity<ProblemDetail> answer = api(domain);
                return new ResponseEntity<>(answer.getBody(), answer.getHeaders(), answer.getStatusCode());
            }
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, describe(e));
        problem.setTitle("Invalid request body");
        String field = e.getCause() instanceof JacksonException je ? path(je.getPath()) : "";
        if (!field.isEmpty()) {
            problem.setProperty("field", field);
        }
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(HttpMediaTypeNotSupportedException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<String> accepted = e.getSupportedMediaTypes().stream().map(MediaType::toString).toList();
        String sent = e.getContentType() == null ? "no Content-Type" : "Content-Type '" + e.getContentType() + "'";
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, sent + " is not supported"
                + (accepted.isEmpty() ? "" : "; accepted: " + String.join(", ", accepted)));
        problem.setTitle("Unsupported media type");
        if (!accepted.isEmpty()) {
            problem.setProperty("accepted", accepted);
        }
        return handleExceptionInternal(e, problem, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        long limit = e.getMaxUploadSize() > 0 ? e.getMaxUploadSize() : maxMultipartBytes;
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, limit > 0
                ? "the upload is larger than the limit of " + limit + " bytes"
                : "the upload is larger than the limit");
        problem.setTitle("Payload too large");
        if (limit > 0) {
            problem.setProperty("limitBytes", limit);
        }
        return handleExceptionInternal(e, problem, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception e, Object body, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        // Standard MVC exceptions (405, 406, 415, 413 for multipart, 404 for unknown paths, ...):
        // keep Spring's problem body, but always as problem+json.
        HttpHeaders out = new HttpHeaders();
        if (headers != null) {
            out.putAll(headers);
        }
        out.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (status.is5xxServerError()) {
            log.error("Server error while handling request", e);
        }
        return super.handleExceptionInternal(e, body, out, status, request);
    }

    /** The final body of Spring's own problems (made after handleExceptionInternal when it had none). */
    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status,
            WebRequest request) {
        if (body instanceof ProblemDetail problem) {
            withRequestId(problem);
        }
        return super.createResponseEntity(body, headers, status, request);
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatusCode status, ProblemDetail body) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(withRequestId(body));
    }

    static ProblemDetail withRequestId(ProblemDetail problem) {
        return Problems.withRequestId(problem);
    }

    /** A message for an unreadable body that names the offending field and never leaks class names. */
    static String describe(HttpMessageNotReadableException e) {
        Throwable cause = e.getCause();
        if (cause == null) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            if (message.startsWith("Required request body is missing")) {
                return "request body is empty; expected a JSON object";
            }
            return "request body could not be read";
        }
        return describeCause(cause);
    }

    /** The same for a JSON document read by the code itself (a nested request); names the field. */
    static String describeCause(Throwable cause) {
        if (cause instanceof UnexpectedEndOfInputException u) {
            return "malformed JSON: unexpected end of input" + location(u);
        }
        if (cause instanceof PropertyBindingException p) {
            String field = path(p.getPath());
            List<String> known = p.getKnownPropertyIds() == null ? List.of()
                    : p.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
            return field + ": unknown field" + (known.isEmpty() ? "" : "; known fields: " + String.join(", ", known));
        }
        if (cause instanceof InvalidNullException n) {
            return path(n.getPath()) + ": must not be null";
        }
        if (cause instanceof InvalidFormatException f) {
            return path(f.getPath()) + ": '" + abbreviate(String.valueOf(f.getValue())) + "' is not "
                    + expected(f.getTargetType());
        }
        if (cause instanceof MismatchedInputException m) {
            String field = path(m.getPath());
            return (field.isEmpty() ? "request body" : field) + ": expected " + expected(m.getTargetType());
        }
        if (cause instanceof StreamReadException r) {
            return "malformed JSON" + location(r) + ": " + firstLine(r.getOriginalMessage());
        }
        if (cause instanceof JacksonException j) {
            String field = path(j.getPath());
            return (field.isEmpty() ? "request body" : field) + ": " + firstLine(j.getOriginalMessage());
        }
        return "request body could not be read";
    }

    static String path(List<JacksonException.Reference> references) {
        StringBuilder out = new StringBuilder();
        for (JacksonException.Reference ref : references) {
            if (ref.getPropertyName() != null) {
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "a value of the right type";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.stream(type.getEnumConstants()).map(String::valueOf)
                    .collect(Collectors.joining(", "));
        }
        if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type == java.util.UUID.class) {
            return "a UUID";
        }
        return "a JSON " + (type.isRecord() || java.util.Map.class.isAssignableFrom(type) ? "object"
                : type.getSimpleName().toLowerCase(Locale.ROOT));
    }

    private static String location(JacksonException e) {
        return e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String abbreviate(String value) {
        return value.length() <= 60 ? value : value.substring(0, 57) + "...";
    }
}
