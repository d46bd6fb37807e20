package io.netforge.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * Without the Vector API (no {@code --add-modules jdk.incubator.vector}, or {@code -Dnetforge.compute.vector=false})
 * training falls back to ND4J, says why once, and gives the ND4J path's result. Each case starts a JVM of its own,
 * since whether the module is present is fixed when a JVM starts.
 */
class VectorModuleFallbackTest {

    @Test
    void withoutTheModuleTrainingRunsOnNd4jAndSaysWhy() throws Exception {
        String output = runProbe(List.of());
        assertThat(output).contains("trainer=" + Trainer.ND4J)
                .contains("the JVM was started without --add-modules jdk.incubator.vector");
        assertThat(loss(output)).isEqualTo(loss(runProbe(List.of("--add-modules=jdk.incubator.vector",
                "-Dnetforge.compute.vector=false"))));
    }

    @Test
    void thePropertyTurnsTheKernelOffEvenWithTheModule() throws Exception {
        String output = runProbe(List.of("--add-modules=jdk.incubator.vector", "-Dnetforge.compute.vector=false"));
        assertThat(output).contains("trainer=" + Trainer.ND4J).contains("disabled by -Dnetforge.compute.vector=false");
    }

    @Test
    void withoutTheOptimisingCompilerTrainingRunsOnNd4j() throws Exception {
        // What spring-boot:run's quick-start default did: the kernel would run interpreted, hundreds of times slower.
        String output = runProbe(List.of("--add-modules=jdk.incubator.vector", "-XX:TieredStopAtLevel=1"));
        assertThat(output).contains("trainer=" + Trainer.ND4J).contains("optimising compiler (C2) is off");
    }

    @Test
    void withTheModuleTheKernelTrains() throws Exception {
        assertThat(runProbe(List.of("--add-modules=jdk.incubator.vector"))).contains("trainer=" + Trainer.VECTOR_F64);
    }

    private static String loss(String output) {
        return output.lines().filter(line -> line.startsWith("loss20=")).findFirst().orElseThrow();
    }

    private static String runProbe(List<String> jvmOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(FallbackProbe.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text).isZero();
        return text;
    }
}
