package io.netforge.network;

import io.netforge.compute.EarlyStopping;

/**
 * Resolved early stopping (see {@link EarlyStopping}): hold out {@code validationFraction} of the training rows of
 * each class, stop after {@code patience} epochs in which their loss did not fall below the best by more than
 * {@code minDelta}, and keep the best epoch's weights.
 */
public record EarlyStoppingSpec(double validationFraction, int patience, double minDelta) {

    EarlyStopping earlyStopping() {
        return new EarlyStopping(validationFraction, patience, minDelta);
    }
}
