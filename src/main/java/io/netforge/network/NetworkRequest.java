package io.netforge.network;

import java.util.List;

import io.netforge.compute.Precision;

/**
 * The {@code network} object of a training request as the client sent it: every field optional.
 * {@link NetworkSpecValidator} checks it and fills in the defaults.
 */
public record NetworkRequest(List<Long> hiddenLayers, Double learningRate, Long maxIterations, Double threshold,
        Long seed, Boolean standardize, Precision precision) {

    /** All defaults. */
    public static NetworkRequest defaults() {
        return new NetworkRequest(null, null, null, null, null, null, null);
    }
}
