package io.netforge.job;

/**
 * A kind of job: a Spring bean the engine finds by its {@link #id()}. The engine claims the kind's queued jobs on
 * {@link #workers()} threads of this instance, calls {@link #run} for each and records how it ended.
 */
public interface JobKind {

    /** The kind's name, as jobs store it. */
    String id();

    /** Jobs of this kind this instance runs at once (0: none; another instance runs them). */
    int workers();

    /**
     * Does the job's work and returns what to store when it succeeded. Reports progress and looks whether to go on
     * through {@code run}.
     *
     * @throws JobFailedException  when the job cannot be done (the job FAILS with its message)
     * @throws JobStoppedException when it stopped because {@link JobRun#keepGoing()} said so
     */
    Outcome run(JobRun run);

    /** Prepares this kind before the first job (compiles kernels, loads a backend); the service is ready after it. */
    default void warmUp() {
    }
}
