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
 * VectorKernelF32 is generated from VectorKernelF64 by {@code tools/generate_float32_kernel.py}, and WideKernelF32
 * from WideKernelF64 by {@code tools/generate_float32_wide_kernel.py}, so each pair is one piece of logic: an edit
 * to one alone fails here, and so does an edit to a float64 kernel that its generator's rules no longer cover.
 * Needs python3 (skipped without it).
 */
class GeneratedKernelTest {

    private static final Path F64 = Path.of("src/main/java/io/netforge/compute/VectorKernelF64.java");
    private static final Path WIDE_F64 = Path.of("src/main/java/io/netforge/compute/WideKernelF64.java");
    private static final String SMALL = "generate_float32_kernel.py";
    private static final String WIDE = "generate_float32_wide_kernel.py";

    @TempDir
    Path folder;

    @Test
    void float32KernelIsWhatTheGeneratorMakesOfTheFloat64One() throws Exception {
        Result result = generate(SMALL, "--check");
        assertThat(result.exit).as(result.output).isZero();
    }

    @Test
    void wideFloat32KernelIsWhatTheGeneratorMakesOfTheFloat64One() throws Exception {
        Result result = generate(WIDE, "--check");
        assertThat(result.exit).as(result.output).isZero();
    }

    @Test
    void theWideGeneratorRefusesToLeaveADoubleInTheFloatKernel() throws Exception {
        Path source = mutated(WIDE_F64, "        double mean = loss / weightTotal;",
                "        double mean = loss / weightTotal;\n        double unconverted = mean;");
        Result result = generate(WIDE, "--source", source.toString(), "--out", folder.resolve("out.java").toString());
        assertThat(result.exit).as(result.output).isNotZero();
        assertThat(result.output).contains("double unconverted = mean;");
        assertThat(folder.resolve("out.java")).doesNotExist();
    }

    @Test
    void theGeneratorRefusesASourceThatOneOfItsRulesNoLongerMatches() throws Exception {
        Path source = mutated(F64, "rowMajor.data().asNioDouble();", "rowMajor.data().asNioDouble().duplicate();");
        Result result = generate(SMALL, "--source", source.toString(), "--out", folder.resolve("out.java").toString());
        assertThat(result.exit).as(result.output).isNotZero();
        assertThat(result.output).contains("a rule matches nothing", "DoubleBuffer data = rowMajor.data().asNioDouble();");
        assertThat(folder.resolve("out.java")).doesNotExist();
    }

    @Test
    void theGeneratorRefusesToLeaveADoubleInTheFloatKernel() throws Exception {
        Path source = mutated(F64, "        double mean = loss / layout.weightTotal;",
                "        double mean = loss / layout.weightTotal;\n        double unconverted = mean;");
        Result result = generate(SMALL, "--source", source.toString(), "--out", folder.resolve("out.java").toString());
        assertThat(result.exit).as(result.output).isNotZero();
        assertThat(result.output).contains("still say double", "double unconverted = mean;");
        assertThat(folder.resolve("out.java")).doesNotExist();
    }

    private Path mutated(Path original, String from, String to) throws IOException {
        String text = Files.readString(original);
        assertThat(text).contains(from);
        Path copy = folder.resolve(original.getFileName().toString());
        Files.writeString(copy, text.replace(from, to));
        return copy;
    }

    private record Result(int exit, String output) {
    }

    private static Result generate(String generator, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", Path.of("tools", generator).toString()));
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
