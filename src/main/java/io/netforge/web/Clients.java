package io.netforge.web;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who sent a request, for per-client limits: the API key it authenticated with (security sets
 * {@link #KEY_ATTRIBUTE}), else its remote address.
 */
public final class Clients {

    /** The request attribute holding the id of the key that authenticated the request (absent: no key). */
    public static final String KEY_ATTRIBUTE = "netforge.keyId";

    private Clients() {
    }

    public static String of(HttpServletRequest request) {
        Object key = request.getAttribute(KEY_ATTRIBUTE);
        return key != null ? "key " + key : "address " + request.getRemoteAddr();
    }
}
