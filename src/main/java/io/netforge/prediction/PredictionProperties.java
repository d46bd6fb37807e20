package io.netforge.prediction;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Serving settings (configuration {@code netforge.prediction.*}).
 *
 * @param maxRows         rows one predict request may carry
 * @param cacheSize       fitted models kept in memory
 * @param revalidateAfter how long a cached model is served before it is checked to still exist (it may
 *                        have been deleted through another instance)
 */
@ConfigurationProperties("netforge.prediction")
public record PredictionProperties(int maxRows, int cacheSize, Duration revalidateAfter) {
}
