package io.netforge.web;

import jakarta.servlet.http.HttpServletResponse;

/**
 * The headers every answer carries: a Content-Security-Policy that lets this service's pages load only their own
 * scripts, styles and images and be framed nowhere; no frames (for browsers without CSP); no content sniffing.
 * Spring Security writes them on what reaches the application; the answers given before it (the firewall's, the
 * container's) write them here.
 */
public final class SecurityHeaders {

    /**
     * What the pages this service serves may load: their own scripts and styles (Alpine.js evaluates its attributes,
     * hence 'unsafe-eval'), images of their own and data: ones; no frames of them anywhere.
     */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self' 'unsafe-eval';"
            + " style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none';"
            + " base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    private SecurityHeaders() {
    }

    /** Sets them on a response not yet committed. */
    public static void apply(HttpServletResponse response) {
        if (!response.isCommitted()) {
            response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
            response.setHeader("X-Frame-Options", "DENY");
            response.setHeader("X-Content-Type-Options", "nosniff");
        }
    }
}
