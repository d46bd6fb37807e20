package io.netforge.job;

/**
 * What a kind stores when its job succeeds: written in the transaction that marks the job SUCCEEDED, and only if
 * this worker still owns the job (not cancelled, deleted or taken over meanwhile), so a job's result is stored once
 * or not at all.
 */
@FunctionalInterface
public interface Outcome {

    /** Writes the job's result (the caller's transaction). */
    void store();
}
