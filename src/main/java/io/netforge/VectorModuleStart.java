package io.netforge;

import java.lang.module.ModuleFinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Starts the service with the Vector API, and exiting on its first OutOfMemoryError, however it was started. The fast training kernel needs the incubator module
 * {@code jdk.incubator.vector}, which only a JVM option adds ({@code --add-modules}; a jar's manifest cannot), and
 * {@code java -jar netforge.jar}, the way every Spring Boot jar is run, has no options: training then falls back to
 * ND4J, about ten times slower for the article's network. So when the module is missing but the JDK has it, the
 * process starts the same command again with the option added, passes its input and output through, stops it when
 * it is stopped itself, and exits with its status; the second JVM ends if the first one dies.
 *
 * <p>The same relaunch adds {@code -XX:+ExitOnOutOfMemoryError} when the JVM lacks it: after an OutOfMemoryError a
 * JVM may go on without the threads that died of it (Tomcat's acceptor, the job workers) and never answer again; it
 * exits instead, so its supervisor starts it again and its jobs are taken over as after a crash.
 *
 * <p>A relaunch rather than a second, plain-Java kernel: the relaunched service trains with the same kernel, so the
 * same bits and speed, whichever way it was started, at the cost of a second, idle JVM (about 40 MB) and a
 * fraction of a second at start. {@code NETFORGE_RELAUNCH=false} (or {@code -Dnetforge.relaunch=false}) starts
 * without the module instead, on ND4J, as before.
 */
final class VectorModuleStart {

    static final String MODULE = "jdk.incubator.vector";
    /** Set in the relaunched JVM's environment to the first JVM's pid: never relaunch twice. */
    static final String RELAUNCHED = "NETFORGE_RELAUNCHED";
    static final String DISABLE_ENV = "NETFORGE_RELAUNCH";
    static final String DISABLE_PROPERTY = "netforge.relaunch";
    static final String EXIT_ON_OOM = "-XX:+ExitOnOutOfMemoryError";

    private VectorModuleStart() {
    }

    /**
     * Relaunches this process with the module when it lacks it and can have it, and returns the relaunched process's
     * exit status once it has ended; empty when this process should start the service itself.
     */
    static OptionalInt relaunchIfNeeded() {
        if (ModuleLayer.boot().findModule(MODULE).isPresent() && exitsOnOutOfMemory()) {
            endWithTheFirstJvm();
            return OptionalInt.empty();
        }
        Optional<List<String>> command = relaunchCommand();
        if (command.isEmpty()) {
            return OptionalInt.empty();
        }
        System.err.println("netforge: starting again with " + String.join(" ", additions()) + " (the fast"
                + " training kernel needs the module, and an instance out of memory must exit; " + DISABLE_ENV
                + "=false starts as it is)");
        try {
            ProcessBuilder builder = new ProcessBuilder(command.get()).inheritIO();
            builder.environment().put(RELAUNCHED, Long.toString(ProcessHandle.current().pid()));
            Process child = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(child), "netforge-relaunch-stop"));
            return OptionalInt.of(child.waitFor());
        } catch (java.io.IOException e) {
            System.err.println("netforge: could not start again (" + e.getMessage() + "); starting without "
                    + MODULE);
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.of(130);
        }
    }

    /**
     * The command that starts this process again with what it lacks ({@link #additions()}), or empty when it should
     * not be relaunched: turned off, already relaunched, nothing to add, or the platform does not say how this
     * process was started.
     */
    static Optional<List<String>> relaunchCommand() {
        if ("false".equalsIgnoreCase(System.getenv(DISABLE_ENV))
                || "false".equalsIgnoreCase(System.getProperty(DISABLE_PROPERTY))
                || System.getenv(RELAUNCHED) != null) {
            return Optional.empty();
        }
        List<String> added = additions();
        if (added.isEmpty()) {
            return Optional.empty();
        }
        ProcessHandle.Info info = ProcessHandle.current().info();
        Optional<String> executable = info.command();
        Optional<String[]> arguments = info.arguments().or(VectorModuleStart::procArguments);
        if (executable.isEmpty() || arguments.isEmpty()) {
            return Optional.empty();
        }
        List<String> command = new ArrayList<>();
        command.add(executable.get());
        command.addAll(added);
        command.addAll(List.of(arguments.get()));
        return Optional.of(command);
    }

    /** The options this JVM lacks and a relaunch adds: the module (when the JDK has it), the exit on OOM. */
    private static List<String> additions() {
        List<String> added = new ArrayList<>();
        if (ModuleLayer.boot().findModule(MODULE).isEmpty() && ModuleFinder.ofSystem().find(MODULE).isPresent()) {
            added.add("--add-modules=" + MODULE);
        }
        if (!exitsOnOutOfMemory()) {
            added.add(EXIT_ON_OOM);
        }
        return added;
    }

    /** Whether this JVM exits on its first OutOfMemoryError ({@code -XX:+ExitOnOutOfMemoryError}). */
    static boolean exitsOnOutOfMemory() {
        try {
            var hotspot = java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.HotSpotDiagnosticMXBean.class);
            return hotspot == null || "true".equals(hotspot.getVMOption("ExitOnOutOfMemoryError").getValue());
        } catch (RuntimeException e) {
            return true; // not a HotSpot JVM: nothing to add
        }
    }

    /**
     * The arguments from Linux's /proc/self/cmdline: the JDK reports none when the command line is longer than it
     * reads (a long class path).
     */
    private static Optional<String[]> procArguments() {
        try {
            byte[] bytes = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/self/cmdline"));
            List<String> parts = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == 0) {
                    parts.add(new String(bytes, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            return parts.size() < 2 ? Optional.empty()
                    : Optional.of(parts.subList(1, parts.size()).toArray(String[]::new));
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Stops the relaunched service as this one was stopped (SIGTERM: a graceful shutdown), waiting for it. */
    private static void stop(Process child) {
        if (!child.isAlive()) {
            return;
        }
        child.destroy();
        try {
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
        }
    }

    /** In a relaunched JVM: shut down when the first JVM dies (killed with SIGKILL, it could not stop this one). */
    private static void endWithTheFirstJvm() {
        String first = System.getenv(RELAUNCHED);
        if (first == null) {
            return;
        }
        try {
            ProcessHandle.of(Long.parseLong(first)).ifPresentOrElse(
                    parent -> parent.onExit().thenRun(() -> {
                        System.err.println("netforge: the JVM that started this one has ended; shutting down");
                        System.exit(143);
                    }),
                    () -> System.exit(143));
        } catch (NumberFormatException e) {
            // not ours
        }
    }
}
