package io.netforge.web;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The servlet container's error page, as problem+json: what Tomcat refuses after it has routed the request to the
 * application (TRACE, which Tomcat answers itself; an error a filter sent with {@code sendError}) is forwarded here,
 * and gets the shape of every other error instead of Spring Boot's own JSON or HTML. Asked for directly, it is a
 * route like no other: 404.
 */
@RestController
class ErrorPage implements ErrorController {

    @Route(access = Route.Access.PUBLIC)
    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ProblemDetail> error(HttpServletRequest request, HttpServletResponse response) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer given && given >= 400 && given < 600 ? given : 404;
        Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String detail = switch (status) {
            case 404 -> "no route " + (uri != null ? uri : request.getRequestURI()) + " in this API";
            // the container forwards here as GET: its message names the method it refused
            case 405 -> (message != null && !message.toString().isBlank() ? message : "the method is not allowed")
                    + " on " + (uri != null ? uri : "this route");
            default -> ProblemErrorReportValve.detail(status, message == null ? null : message.toString());
        };
        HttpStatus known = HttpStatus.resolve(status);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(known != null ? known : HttpStatus.BAD_REQUEST,
                detail);
        if (uri != null) {
            try {
                problem.setInstance(java.net.URI.create(uri.toString()));
            } catch (IllegalArgumentException notAUri) {
                // the problem goes without its instance
            }
        }
        // the id the request was given when it came in; one of its own when the container refused it before
        Object requestId = request.getAttribute(RequestIds.MDC_KEY);
        if (requestId == null) {
            requestId = RequestIds.current() != null ? RequestIds.current() : java.util.UUID.randomUUID().toString();
            response.setHeader(RequestIds.HEADER, requestId.toString());
        }
        problem.setProperty("requestId", requestId);
        SecurityHeaders.apply(response);
        return ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
