package io.netforge.job;

/**
 * Thrown by a kind when its job cannot be done for a reason of its own (unusable data, a diverging loss): the job
 * FAILS with this message for the client, and {@code netforge_job_failures_total} counts {@code reason}.
 */
public class JobFailedException extends RuntimeException {

    private final String reason;

    /** @param reason a short tag for the metrics, e.g. {@code non_finite_loss}, {@code data_unavailable} */
    public JobFailedException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
