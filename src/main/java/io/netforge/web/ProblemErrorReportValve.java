package io.netforge.web;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;

/**
 * Tomcat's error page, as problem+json: what the container refuses before Spring sees the request (an encoded
 * slash or dot in the path, an invalid percent-encoding, a request line or header over the limits, a bad Host) gets
 * the same RFC 9457 shape as every other error, instead of Tomcat's HTML page. Installed as the host's error report
 * valve by {@link ContainerErrors}. No stack trace, server name or version is written.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean io = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, io);
        if (!io.get()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        String detail = detail(status, response.getMessage());
        // refused before the filters ran: the request gets its id here
        Object given = request.getAttribute(RequestIds.MDC_KEY);
        String requestId = given != null ? given.toString() : java.util.UUID.randomUUID().toString();
        try {
            response.setContentType("application/problem+json");
            if (!response.isCommitted()) {
                response.setHeader(RequestIds.HEADER, requestId);
                SecurityHeaders.apply(response);
            }
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write("{\"type\":\"about:blank\",\"title\":" + quote(title) + ",\"status\":" + status
                        + ",\"detail\":" + quote(detail) + ",\"requestId\":" + quote(requestId) + "}");
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone, or the response was committed meanwhile: nothing more to say
        }
    }

    /** What went wrong, in words a client can act on; Tomcat's own message when it has one. */
    static String detail(int status, String message) {
        String said = message == null || message.isBlank() ? null : message.strip();
        return switch (status) {
            case 400 -> "the request could not be read: " + (said != null ? said
                    : "its request line, path, headers or Host are malformed (an encoded '/' or '.' in the path, an"
                            + " invalid %-encoding, a character that must be encoded, or a bad Host header)");
            case 414 -> "the request line is longer than the server accepts";
            case 431 -> "the request headers are larger than the server accepts";
            case 413 -> "the request body is larger than the server accepts";
            default -> said != null ? said : "the server refused the request";
        };
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
