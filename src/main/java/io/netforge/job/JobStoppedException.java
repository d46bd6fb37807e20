package io.netforge.job;

/** Thrown by a kind that found {@link JobRun#keepGoing()} false: it stopped before it was done. */
public class JobStoppedException extends RuntimeException {

    public JobStoppedException() {
        super("the job was asked to stop", null, false, false);
    }
}
