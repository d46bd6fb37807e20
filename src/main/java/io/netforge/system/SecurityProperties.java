package io.netforge.system;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Optional API-key authentication (configuration {@code netforge.security.*}; environment e.g.
 * {@code NETFORGE_SECURITY_ENABLED=true NETFORGE_SECURITY_API_KEYS=key1,key2}).
 *
 * @param enabled        require a key (header {@code X-API-Key}) on every request that writes or trains
 * @param apiKeys        the accepted keys
 * @param protectPredict also require a key on {@code POST /models/{id}/predict}
 * @param protectMetrics also require a key on {@code GET /actuator/prometheus} (with {@code enabled})
 */
@ConfigurationProperties("netforge.security")
public record SecurityProperties(boolean enabled, List<String> apiKeys, boolean protectPredict, boolean protectMetrics) {

    public SecurityProperties {
        apiKeys = apiKeys == null ? List.of() : apiKeys.stream().filter(k -> !k.isBlank()).toList();
        if (enabled && apiKeys.isEmpty()) {
            throw new IllegalArgumentException("netforge.security.enabled is true but netforge.security.api-keys is empty");
        }
    }
}
