package io.netforge.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * VectorKernelF32 is generated from VectorKernelF64 by {@code tools/generate_float32_kernel.py}, so the two
 * kernels are one piece of logic: an edit to one alone fails here. Needs python3 (skipped without it).
 */
class GeneratedKernelTest {

    @Test
    void float32KernelIsWhatTheGeneratorMakesOfTheFloat64One() throws Exception {
        Process process;
        try {
            process = new ProcessBuilder("python3", Path.of("tools", "generate_float32_kernel.py").toString(), "--check")
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("python3 is not installed");
            return;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }
}
