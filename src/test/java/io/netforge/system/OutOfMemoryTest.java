package io.netforge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** A JVM started without -XX:+ExitOnOutOfMemoryError still exits on its first OutOfMemoryError (status 3). */
class OutOfMemoryTest {

    @Test
    void aThreadThatRunsOutOfMemoryEndsTheProcess() throws Exception {
        Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-cp", System.getProperty("java.class.path"), OutOfMemoryProbe.class.getName()))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isEqualTo(OutOfMemory.EXIT_STATUS);
        assertThat(output).contains("netforge: out of memory").doesNotContain("survived");
    }
}
