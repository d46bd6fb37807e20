package io.netforge.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VectorKernelF32 is generated from VectorKernelF64 by {@code tools/generate_float32_kernel.py}, so the two
 * kernels are one piece of logic: an edit to one alone fails here, and so does an edit to the float64 kernel that
 * the generator's rules no longer cover. Needs python3 (skipped without it).
 */
class GeneratedKernelTest {

    private static final Path F64 = Path.of("src/main/java/io/netforge/compute/VectorKernelF64.java");

    @TempDir
    Path folder;

    @Test
    void float32KernelIsWhatTheGeneratorMakesOfTheFloat64One() throws Exception {
        Result result = generate("--check");
        assertThat(result.exit).as(result.output).isZero();
    }

    @Test
    void theGeneratorRefusesASourceThatOneOfItsRulesNoLongerMatches() throws Exception {
        Path source = mutated("rowMajor.data().asNioDouble();", "rowMajor.data().asNioDouble().duplicate();");
        Result result = generate("--source", source.toString(), "--out", folder.resolve("out.java").toString());
        assertThat(result.exit).as(result.output).isNotZero();
        assertThat(result.output).contains("a rule matches nothing", "DoubleBuffer data = rowMajor.data().asNioDouble();");
        assertThat(folder.resolve("out.java")).doesNotExist();
    }

    @Test
    void theGeneratorRefusesToLeaveADoubleInTheFloatKernel() throws Exception {
        Path source = mutated("        double mean = loss / layout.weightTotal;",
                "        double mean = loss / layout.weightTotal;\n        double unconverted = mean;");
        Result result = generate("--source", source.toString(), "--out", folder.resolve("out.java").toString());
        assertThat(result.exit).as(result.output).isNotZero();
        assertThat(result.output).contains("still say double", "double unconverted = mean;");
        assertThat(folder.resolve("out.java")).doesNotExist();
    }

    private Path mutated(String from, String to) throws IOException {
        String text = Files.readString(F64);
        assertThat(text).contains(from);
        Path copy = folder.resolve("VectorKernelF64.java");
        Files.writeString(copy, text.replace(from, to));
        return copy;
    }

    private record Result(int exit, String output) {
    }

    private static Result generate(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", Path.of("tools", "generate_float32_kernel.py").toString()));
        command.addAll(List.of(arguments));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("python3 is not installed");
            return null;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
