package io.netforge.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.springframework.stereotype.Component;

import io.netforge.security.SecurityProperties.Scope;
import io.netforge.web.Route;

/**
 * The configured API keys, and what a route needs of one. A presented key is hashed (SHA-256) and compared in
 * constant time with every configured key's hash, so keys may be configured as hashes and timing reveals nothing.
 */
@Component
class ApiKeys {

    static final String HEADER = "X-API-Key";

    /** A configured key: its id, the SHA-256 of its bytes, what it may do. */
    record Configured(String id, byte[] sha256, SecurityProperties.Key key) {
    }

    private final SecurityProperties properties;
    private final List<Configured> keys = new ArrayList<>();

    ApiKeys(SecurityProperties properties) {
        this.properties = properties;
        int n = 1;
        for (String plain : properties.apiKeys()) {
            String id = "key-" + n++;
            keys.add(new Configured(id, sha256(plain), new SecurityProperties.Key(id, plain, null, Set.of(Scope.ADMIN))));
        }
        for (SecurityProperties.Key key : properties.keys()) {
            byte[] hash = key.key() != null && !key.key().isBlank() ? sha256(key.key())
                    : HexFormat.of().parseHex(key.sha256().strip().toLowerCase(java.util.Locale.ROOT));
            keys.add(new Configured(key.id(), hash, key));
        }
    }

    /** Whether keys are asked for at all. */
    boolean enabled() {
        return properties.enabled();
    }

    /** The configured key this one is, or null. */
    Configured find(String presented) {
        byte[] hash = sha256(presented);
        Configured found = null;
        for (Configured key : keys) {
            if (MessageDigest.isEqual(key.sha256(), hash)) {
                found = key;
            }
        }
        return found;
    }

    /** The scope a route needs, or null when it is open (always, with keys off). */
    Scope needed(Route.Access access) {
        if (!properties.enabled()) {
            return null;
        }
        return switch (access) {
            case PUBLIC -> null;
            case READ -> properties.protectReads() ? Scope.READ : null;
            case METRICS -> properties.protectMetrics() ? Scope.READ : null;
            case PREDICT -> properties.protectPredict() ? Scope.PREDICT : null;
            case TRAIN -> Scope.TRAIN;
            case ADMIN -> Scope.ADMIN;
        };
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
