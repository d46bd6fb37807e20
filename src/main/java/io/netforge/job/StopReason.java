package io.netforge.job;

/** Why a running job has to stop before it is done, as the heartbeat or a request finds out. */
public enum StopReason {
    /** A client cancelled it. */
    CANCELLED,
    /** A client deleted it (or what it works for). */
    DELETED,
    /** Another worker owns it now (our lease ran out). */
    LOST,
    /** This instance is shutting down; the job goes back to the queue. */
    SHUTDOWN
}
