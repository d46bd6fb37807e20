package io.netforge.compute;

/**
 * Early stopping: a seeded, stratified {@code validationFraction} of the training rows ({@link ValidationSplit}) is
 * held out; after every epoch their loss (the objective's weighted mean, without the L2 penalty) is computed, an
 * epoch whose validation loss is below the best so far by more than {@code minDelta} becomes the best, and training
 * stops once {@code patience} epochs in a row have not. The model keeps the best epoch's parameters.
 */
public record EarlyStopping(double validationFraction, int patience, double minDelta) {

    public static final double DEFAULT_VALIDATION_FRACTION = 0.1;
    public static final int DEFAULT_PATIENCE = 10;
    public static final double DEFAULT_MIN_DELTA = 0;

    public EarlyStopping {
        if (!(validationFraction > 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction must be in (0, 1), was " + validationFraction);
        }
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be at least 1, was " + patience);
        }
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new IllegalArgumentException("minDelta must be a finite number >= 0, was " + minDelta);
        }
    }
}
