package io.netforge.security;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Optional API-key authentication (configuration {@code netforge.security.*}; environment e.g.
 * {@code NETFORGE_SECURITY_ENABLED=true NETFORGE_SECURITY_API_KEYS=key1,key2}).
 *
 * @param enabled        require a key (header {@code X-API-Key}) on every request that writes or trains
 * @param apiKeys        keys with every scope, as plain text (ids {@code key-1}, {@code key-2}, ...)
 * @param keys           keys with scopes: an id, the key or its SHA-256 (hex), and the scopes it has
 * @param protectPredict also require a key (scope {@code predict}) on {@code /predict}, {@code /invocations}, V2 infer
 * @param protectMetrics also require a key (scope {@code read}) on {@code GET /actuator/prometheus}
 * @param protectReads   also require a key (scope {@code read}) on every other read
 * @param rateLimit      requests per key on the prediction and training paths
 * @param allowedOrigins other sites whose pages may write through a user's browser (e.g.
 *                       {@code https://portal.example.com}); this service's own origin always may
 */
@ConfigurationProperties("netforge.security")
public record SecurityProperties(boolean enabled, List<String> apiKeys, List<Key> keys, boolean protectPredict,
        boolean protectMetrics, boolean protectReads, RateLimit rateLimit, List<String> allowedOrigins) {

    /** What a key may do; {@code admin} may do everything. */
    public enum Scope {
        /** Reads (with protect-reads or protect-metrics). */
        READ,
        /** /predict, /invocations, V2 infer (with protect-predict). */
        PREDICT,
        /** Uploads, training, experiments, cancels, aliases, imports, scorings. */
        TRAIN,
        /** Deletes and the audit log. */
        ADMIN;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A key with scopes.
     *
     * @param id     names the key in the audit log and in problems (never the key itself)
     * @param key    the key as text; or
     * @param sha256 the hex SHA-256 of its UTF-8 bytes, so that the configuration holds no usable key
     * @param scopes {@code read}, {@code predict}, {@code train}, {@code admin}
     */
    public record Key(String id, String key, String sha256, Set<Scope> scopes) {

        public Key {
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("netforge.security.keys: every key needs an id");
            }
            if ((key == null || key.isBlank()) == (sha256 == null || sha256.isBlank())) {
                throw new IllegalArgumentException("netforge.security.keys[" + id + "]: give exactly one of key and sha256");
            }
            if (sha256 != null && !sha256.isBlank() && !sha256.strip().matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("netforge.security.keys[" + id + "].sha256: 64 hex digits expected");
            }
            scopes = scopes == null || scopes.isEmpty() ? Set.of(Scope.READ, Scope.PREDICT) : Set.copyOf(scopes);
        }

        public boolean has(Scope scope) {
            return scopes.contains(Scope.ADMIN) || scopes.contains(scope);
        }
    }

    /**
     * Token buckets per key (Bucket4j): a key may send {@code predictPerSecond} prediction requests a second and
     * {@code trainPerMinute} training requests (uploads, models, experiments, scorings) a minute, with bursts of
     * as many; 0 turns a limit off.
     */
    public record RateLimit(int predictPerSecond, int trainPerMinute) {

        public RateLimit {
            if (predictPerSecond < 0 || trainPerMinute < 0) {
                throw new IllegalArgumentException("netforge.security.rate-limit: limits are >= 0");
            }
        }

        static final RateLimit DEFAULT = new RateLimit(0, 0);
    }

    public SecurityProperties {
        apiKeys = apiKeys == null ? List.of() : apiKeys.stream().filter(k -> !k.isBlank()).toList();
        keys = keys == null ? List.of() : List.copyOf(keys);
        rateLimit = rateLimit == null ? RateLimit.DEFAULT : rateLimit;
        allowedOrigins = allowedOrigins == null ? List.of()
                : allowedOrigins.stream().map(String::strip).filter(o -> !o.isEmpty()).map(SecurityProperties::origin)
                        .toList();
        if (enabled && apiKeys.isEmpty() && keys.isEmpty()) {
            throw new IllegalArgumentException("netforge.security.enabled is true but neither netforge.security.api-keys"
                    + " nor netforge.security.keys has a key");
        }
        long ids = keys.stream().map(Key::id).distinct().count();
        if (ids != keys.size()) {
            throw new IllegalArgumentException("netforge.security.keys: ids must differ");
        }
    }

    /** An origin as browsers send it: scheme://host[:port], lower case, no path. */
    private static String origin(String configured) {
        java.net.URI uri;
        try {
            uri = java.net.URI.create(configured);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        if (uri == null || uri.getScheme() == null || uri.getHost() == null
                || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
            throw new IllegalArgumentException("netforge.security.allowed-origins: '" + configured
                    + "' is not an origin such as https://portal.example.com");
        }
        return (uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()))
                .toLowerCase(Locale.ROOT);
    }
}
