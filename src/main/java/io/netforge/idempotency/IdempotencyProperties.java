package io.netforge.idempotency;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code netforge.idempotency.*}.
 *
 * @param ttl how long a key's answer is kept and replayed; after it the key may be used for a new request
 */
@ConfigurationProperties("netforge.idempotency")
public record IdempotencyProperties(Duration ttl) {

    public IdempotencyProperties {
        ttl = ttl == null ? Duration.ofHours(24) : ttl;
    }
}
