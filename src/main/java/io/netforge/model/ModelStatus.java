package io.netforge.model;

/** Where a model is in its life: a training job until it is SUCCEEDED, FAILED or CANCELLED. */
public enum ModelStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
