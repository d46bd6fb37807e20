package io.netforge.system;

/**
 * The service exits on its first OutOfMemoryError, wherever it surfaces: after one, a JVM may go on without the
 * threads that died of it (the container's acceptor, the job workers) and never answer again. Exiting lets its
 * supervisor start it again, and its jobs are taken over as after a crash. The JVM is started with
 * {@code -XX:+ExitOnOutOfMemoryError} (the relaunch adds it, the Dockerfile and README's options have it); this is the
 * net for a JVM started without it.
 */
public final class OutOfMemory {

    /** The status the process exits with. */
    public static final int EXIT_STATUS = 3;

    private OutOfMemory() {
    }

    /** Exits at once (no shutdown hooks: they could need memory) if {@code e} is or was caused by OutOfMemoryError. */
    public static void exitIfOutOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                try {
                    System.err.println("netforge: out of memory (" + t.getMessage() + "); exiting so that a supervisor"
                            + " starts this instance again");
                } finally {
                    Runtime.getRuntime().halt(EXIT_STATUS);
                }
            }
        }
    }

    /** Every thread that dies of an uncaught OutOfMemoryError exits the process. */
    public static void exitOnUncaught() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            exitIfOutOfMemory(e);
            if (previous != null) {
                previous.uncaughtException(thread, e);
            } else {
                e.printStackTrace();
            }
        });
    }
}
