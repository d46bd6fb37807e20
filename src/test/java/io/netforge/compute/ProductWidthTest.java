package io.netforge.compute;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The wide kernel's products run on 256- or 512-bit vectors ({@link VectorKernels#PRODUCT_BITS}, fixed when its
 * class loads, so each width gets a JVM of its own): the width is speed only, never bits. On a CPU or JVM where 512
 * bits are slow (JDK 17 boxes them) the answer is still the same, only later.
 */
class ProductWidthTest {

    @Test
    void bothWidthsTrainToTheSameBits() throws Exception {
        String narrow = runProbe("256");
        String wide = runProbe("512");
        assertThat(narrow).startsWith("product-bits=256");
        assertThat(wide).startsWith("product-bits=512");
        List<String> narrowCases = trainings(narrow);
        assertThat(narrowCases).hasSize(2 * ProductWidthProbe.CASES.size());
        assertThat(trainings(wide)).isEqualTo(narrowCases);
    }

    @Test
    void fiveHundredTwelveBitsOnlyWhereTheJvmKeepsTheWidthsApartAndTheCpuHasThem() {
        assertThat(VectorKernels.productBits(null, 17, 512)).isEqualTo(256);
        assertThat(VectorKernels.productBits(null, 24, 512)).isEqualTo(256);
        assertThat(VectorKernels.productBits(null, 25, 512)).isEqualTo(512);
        assertThat(VectorKernels.productBits(null, 26, 512)).isEqualTo(512);
        assertThat(VectorKernels.productBits(null, 25, 256)).isEqualTo(256);
        assertThat(VectorKernels.productBits(" ", 25, 512)).isEqualTo(512);
        assertThat(VectorKernels.productBits("256", 25, 512)).isEqualTo(256);
        assertThat(VectorKernels.productBits("512", 17, 256)).isEqualTo(512);
        assertThat(VectorKernels.productBits("1024", 25, 512)).isEqualTo(512);
        assertThat(VectorKernels.productBits("wide", 17, 512)).isEqualTo(256);
    }

    /** The probe's lines of trainings (each a precision, a case and a digest), without the JVM's logging. */
    private static List<String> trainings(String output) {
        return output.lines().filter(line -> line.startsWith("FLOAT")).toList();
    }

    private static String runProbe(String bits) throws IOException, InterruptedException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-Dnetforge.compute.product-bits=" + bits, "-cp",
                System.getProperty("java.class.path"), ProductWidthProbe.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(text).isZero();
        // the module's warning and ND4J's logging come first
        return text.substring(Math.max(0, text.indexOf("product-bits=")));
    }
}
