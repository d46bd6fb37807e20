package io.netforge.web;

import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import io.netforge.problem.DomainException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bounds every JSON request body by its route's limit ({@link BodyLimits}, by {@link Route#body()}) before the work it
 * causes: a declared {@code Content-Length} over the limit is refused at once (413, nothing read), and the body is
 * counted as it is read, so a chunked or lying one is cut off at the limit (413). The bytes every JSON body has sent
 * and not yet been answered are bounded together ({@code in-flight-bytes}); a read that would pass that waits up to a
 * second for others to finish, then is refused (503, Retry-After). Files are bounded by their handlers.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
public class BodyLimitFilter extends OncePerRequestFilter {

    /** The unit of the in-flight budget, in bytes. */
    static final int UNIT = 1024;

    /** Most bytes one read takes. */
    static final int MAX_READ = 64 * 1024;

    private final Routes routes;
    private final BodyLimits limits;
    private final JsonMapper json;
    private final Semaphore inFlight;

    BodyLimitFilter(Routes routes, BodyLimits limits, JsonMapper json) {
        this.routes = routes;
        this.limits = limits;
        this.json = json;
        this.inFlight = new Semaphore((int) Math.min(Integer.MAX_VALUE, limits.inFlightBytes().toBytes() / UNIT));
    }

    /** Requests without a body are not wrapped; neither are files, which their handlers bound. */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getContentLengthLong() == 0 || (request.getContentLengthLong() < 0
                && request.getHeader("Transfer-Encoding") == null)
                || limits.of(routes.of(request).body()) < 0;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Routes.Policy route = routes.of(request);
        long limit = limits.of(route.body());
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            refuse(request, response, tooLarge(route, limit));
            return;
        }
        Bounded bounded = new Bounded(request, route, limit);
        try {
            chain.doFilter(bounded, response);
        } finally {
            bounded.release();
        }
    }

    private DomainException tooLarge(Routes.Policy route, long limit) {
        return DomainException.tooLarge("the request body is larger than the limit of " + limit + " bytes of "
                + route.pattern() + " (netforge.limits.body." + (route.body() == Route.Body.ROWS ? "rows-bytes"
                        : "request-bytes") + ")").with("limitBytes", limit);
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, DomainException e)
            throws IOException {
        // the rest of the body is not read: the connection closes after the answer
        response.setHeader("Connection", "close");
        response.setStatus(Problems.status(e.kind()).value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        var problem = Problems.of(e);
        problem.setInstance(java.net.URI.create(request.getRequestURI()));
        response.getOutputStream().write(json.writeValueAsBytes(problem));
        // sent now: the container may go on to wait for (and drop) the body the client still sends
        response.flushBuffer();
    }

    /** The request with its body counted against its limit and the in-flight budget as it is read. */
    private final class Bounded extends HttpServletRequestWrapper {

        private final Routes.Policy route;
        private final long limit;
        private long read;
        private int granted;
        private ServletInputStream stream;

        Bounded(HttpServletRequest request, Routes.Policy route, long limit) {
            super(request);
            this.route = route;
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                ServletInputStream in = super.getInputStream();
                stream = new ServletInputStream() {
                    @Override
                    public int read() throws IOException {
                        ensure(1);
                        int b = in.read();
                        if (b >= 0) {
                            counted(1);
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        int n = Math.min(length, MAX_READ);
                        ensure(n);
                        int got = in.read(buffer, offset, n);
                        if (got > 0) {
                            counted(got);
                        }
                        return got;
                    }

                    @Override
                    public boolean isFinished() {
                        return in.isFinished();
                    }

                    @Override
                    public boolean isReady() {
                        return in.isReady();
                    }

                    @Override
                    public void setReadListener(ReadListener listener) {
                        in.setReadListener(listener);
                    }
                };
            }
            return stream;
        }

        @Override
        public java.io.BufferedReader getReader() throws IOException {
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(),
                    getCharacterEncoding() == null ? "UTF-8" : getCharacterEncoding()));
        }

        /** After bytes were read: refuses a body past its limit (one byte past it is how it is seen). */
        private void counted(int n) {
            read += n;
            if (read > limit) {
                throw tooLarge(route, limit);
            }
        }

        /** Before reading up to {@code n} more bytes: takes budget for them from what every body shares. */
        private void ensure(int n) {
            long needed = (Math.min(read + n, limit + 1) + UNIT - 1) / UNIT;
            int more = (int) (needed - granted);
            if (more <= 0) {
                return;
            }
            try {
                if (!inFlight.tryAcquire(more, 1, TimeUnit.SECONDS)) {
                    throw DomainException.unavailable("the service is reading as many request bodies as it takes at"
                            + " once (netforge.limits.body.in-flight-bytes); try again in a second", 1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw DomainException.unavailable("interrupted while waiting to read the body", 1);
            }
            granted += more;
        }

        void release() {
            if (granted > 0) {
                inFlight.release(granted);
                granted = 0;
            }
        }
    }
}
