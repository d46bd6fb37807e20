package io.netforge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * {@code java -jar} without options gets the Vector API anyway: a JVM started without the module starts the same
 * command again with it (arguments and JVM options kept), passes the exit status through, stops it when stopped,
 * and the second JVM ends when the first is killed; {@code NETFORGE_RELAUNCH=false} turns it off.
 */
class VectorModuleStartTest {

    private static final Pattern PID = Pattern.compile(
            "module=(\\w+) exitOnOom=(\\w+) pid=(\\d+) relaunched=(\\S+) args=(.*)");

    private static Process start(List<String> jvmOptions, Map<String, String> environment, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(RelaunchProbe.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove(VectorModuleStart.RELAUNCHED);
        builder.environment().remove(VectorModuleStart.DISABLE_ENV);
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static String finish(Process process) throws Exception {
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isEqualTo(3);
        return output;
    }

    @Test
    void withoutTheModuleItStartsAgainWithItKeepingArgumentsOptionsAndStatus() throws Exception {
        Process first = start(List.of("-Xmx300m", "-Dnetforge.probe=kept"), Map.of(), "a b", "c");
        String output = finish(first);
        assertThat(output).contains("netforge: starting again with --add-modules=jdk.incubator.vector"
                + " -XX:+ExitOnOutOfMemoryError");
        Matcher m = PID.matcher(output);
        assertThat(m.find()).as(output).isTrue();
        assertThat(m.group(1)).isEqualTo("true");
        assertThat(m.group(2)).as("the relaunched JVM exits on its first OutOfMemoryError").isEqualTo("true");
        assertThat(m.group(4)).isEqualTo(Long.toString(first.pid()));
        assertThat(m.group(3)).isNotEqualTo(Long.toString(first.pid()));
        assertThat(m.group(5)).isEqualTo("a b|c");
    }

    @Test
    void withTheModuleOrTurnedOffItStartsAsItIs() throws Exception {
        String with = finish(start(List.of("--add-modules=jdk.incubator.vector", "-XX:+ExitOnOutOfMemoryError"),
                Map.of()));
        assertThat(with).contains("module=true").contains("exitOnOom=true").contains("relaunched=null")
                .doesNotContain("starting again");
        // with the module but not the exit on OutOfMemoryError: again, with that alone
        String withoutExit = finish(start(List.of("--add-modules=jdk.incubator.vector"), Map.of()));
        assertThat(withoutExit).contains("starting again with -XX:+ExitOnOutOfMemoryError (")
                .contains("module=true exitOnOom=true");
        String off = finish(start(List.of(), Map.of(VectorModuleStart.DISABLE_ENV, "false")));
        assertThat(off).contains("module=false").doesNotContain("starting again");
        String offByProperty = finish(start(List.of("-Dnetforge.relaunch=false"), Map.of()));
        assertThat(offByProperty).contains("module=false");
    }

    @Test
    void theSecondJvmStopsWithTheFirstAndEndsWhenTheFirstIsKilled() throws Exception {
        for (boolean kill : new boolean[] {false, true}) {
            Process first = start(List.of(), Map.of(), "wait");
            BufferedReader reader = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8));
            long child = -1;
            for (String line; (line = reader.readLine()) != null; ) {
                Matcher m = PID.matcher(line);
                if (m.find()) {
                    child = Long.parseLong(m.group(3));
                    break;
                }
            }
            assertThat(child).isPositive();
            ProcessHandle second = ProcessHandle.of(child).orElseThrow();
            if (kill) {
                first.destroyForcibly(); // SIGKILL: the first JVM cannot stop the second one
            } else {
                first.destroy();         // SIGTERM: its shutdown stops the second one first
            }
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(second.onExit().get(30, TimeUnit.SECONDS).isAlive()).as(kill ? "killed" : "stopped").isFalse();
        }
    }

    /** The Dockerfile's build step: only ND4J's native libraries unpacked into the cache directory, no service. */
    @Test
    void unpackNativeLibrariesFillsTheCacheAndStartsNothing(@org.junit.jupiter.api.io.TempDir Path cache)
            throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-Dorg.bytedeco.javacpp.cachedir=" + cache,
                "-cp", System.getProperty("java.class.path"), NetforgeApplication.class.getName(),
                NetforgeApplication.UNPACK_NATIVE_LIBRARIES);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("native libraries are unpacked").doesNotContain("Started NetforgeApplication");
        try (var files = java.nio.file.Files.walk(cache)) {
            assertThat(files.filter(f -> f.getFileName().toString().contains("nd4jcpu")).count())
                    .as("libnd4jcpu in " + cache).isPositive();
        }
    }
}
