package io.netforge.network;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Caps on what one training request may ask for (configuration {@code netforge.limits.*}), so that a
 * single request cannot exhaust the memory or the time of the service.
 *
 * @param maxParameters   total weights and biases of a network
 * @param maxIterations   iterations of one run
 * @param maxHiddenLayers number of hidden layers
 * @param maxLayerWidth   units in one hidden layer
 */
@ConfigurationProperties("netforge.limits")
public record NetworkLimits(long maxParameters, int maxIterations, int maxHiddenLayers, int maxLayerWidth) {
}
