package io.netforge.job;

/** Where a job is in its life: QUEUED, RUNNING, then SUCCEEDED, FAILED or CANCELLED. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
