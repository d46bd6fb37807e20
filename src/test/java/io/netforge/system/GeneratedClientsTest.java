package io.netforge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

/**
 * The contract is one that generators can use: openapi-generator (7.25.0, copied to target/tools by the build) makes
 * a Java client ({@code java}, library {@code native}) and a Python client ({@code python}) from openapi.yaml; the
 * Java one is built unmodified by its own generated pom, the Python one imported as generated; and a short script
 * with each (src/test/clients) uploads a CSV, trains [8, 3] with a seed of 2^32, and predicts, getting /predict's
 * numbers bit for bit.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratedClientsTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    static final Path GENERATOR = Path.of("target/tools/openapi-generator-cli.jar");
    static final Path CLIENTS = Path.of("target/clients");

    @LocalServerPort
    int port;

    Path csv;

    @BeforeAll
    void data() throws IOException {
        assertThat(GENERATOR).as("the build copies openapi-generator-cli to target/tools (mvn generate-test-resources)")
                .exists();
        Files.createDirectories(CLIENTS);
        csv = CLIENTS.resolve("train.csv").toAbsolutePath();
        StringBuilder rows = new StringBuilder("x0,x1,label\n");
        java.util.Random random = new java.util.Random(8);
        for (int i = 0; i < 300; i++) {
            double x0 = random.nextGaussian();
            double x1 = random.nextGaussian();
            rows.append(x0).append(',').append(x1).append(',').append(x0 * x0 + x1 > 0.8 ? 1 : 0).append('\n');
        }
        Files.writeString(csv, rows);
    }

    private static String run(List<String> command, Path directory, Map<String, String> environment, int minutes)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        Path log = Files.createTempFile("netforge-client-", ".log");
        process.getInputStream().transferTo(Files.newOutputStream(log));
        boolean done = process.waitFor(minutes, TimeUnit.MINUTES);
        String output = Files.readString(log);
        Files.deleteIfExists(log);
        if (!done) {
            process.destroyForcibly();
        }
        assertThat(done && process.exitValue() == 0).as(String.join(" ", command) + "\n" + output).isTrue();
        return output;
    }

    private static void generate(String generator, Path out, String properties) throws Exception {
        org.springframework.util.FileSystemUtils.deleteRecursively(out);
        run(List.of(java(), "-jar", GENERATOR.toAbsolutePath().toString(), "generate", "-i",
                Path.of("openapi.yaml").toAbsolutePath().toString(), "-g", generator, "-o", out.toAbsolutePath().toString(),
                "--additional-properties=" + properties), Path.of("."), Map.of(), 3);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The script's predictions against /predict's for the same model and rows: the same doubles. */
    private void sameAsPredict(String output) throws IOException {
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        int at = 0;
        while (!lines.get(at).startsWith("model ")) {
            at++;
        }
        String model = lines.get(at).substring("model ".length()).strip();
        List<String> predictions = lines.subList(at + 1, lines.size());
        Http http = new Http(port);
        JsonNode view = http.get("/models/" + model).json();
        assertThat(view.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(view.get("network").get("seed").asLong()).isEqualTo(1L << 32);
        List<List<Double>> rows = new ArrayList<>();
        for (String line : Files.readAllLines(csv).subList(1, 21)) {
            String[] cells = line.split(",");
            rows.add(List.of(Double.parseDouble(cells[0]), Double.parseDouble(cells[1])));
        }
        JsonNode expected = http.postJson("/models/" + model + "/predict", Map.of("rows", rows)).json().get("predictions");
        assertThat(predictions).hasSize(expected.size());
        for (int r = 0; r < predictions.size(); r++) {
            String[] parts = predictions.get(r).split(" ");
            assertThat(Double.parseDouble(parts[0])).as("row %d", r).isEqualTo(expected.get(r).get("probability").asDouble());
            assertThat(parts[1]).isEqualTo(expected.get(r).get("label").asString());
        }
    }

    @Test
    void theGeneratedJavaClientBuildsAndWorks() throws Exception {
        Path out = CLIENTS.resolve("java");
        generate("java", out, "library=native,groupId=io.netforge,artifactId=netforge-client,"
                + "invokerPackage=io.netforge.client,apiPackage=io.netforge.client.api,"
                + "modelPackage=io.netforge.client.model,hideGenerationTimestamp=true");
        Path project = out.toAbsolutePath();
        // the generated project built by its own pom, with this project's Maven wrapper
        run(List.of(Path.of("mvnw").toAbsolutePath().toString(), "-B", "-q", "-f", project.resolve("pom.xml").toString(),
                "-DskipTests", "-Dmaven.javadoc.skip=true", "-Dmaven.source.skip=true", "package",
                "dependency:build-classpath", "-Dmdep.outputFile=" + project.resolve("classpath.txt")),
                Path.of("."), Map.of(), 10);
        String classpath = project.resolve("target/classes") + java.io.File.pathSeparator
                + Files.readString(project.resolve("classpath.txt")).strip();
        Path script = Path.of("src/test/clients/java/ClientScript.java").toAbsolutePath();
        Path classes = Files.createDirectories(project.resolve("script-classes"));
        javax.tools.JavaCompiler compiler = javax.tools.ToolProvider.getSystemJavaCompiler();
        int compiled = compiler.run(null, null, null, "-cp", classpath, "-d", classes.toString(), script.toString());
        assertThat(compiled).as("ClientScript.java compiles against the generated client").isZero();
        String output = run(List.of(java(), "-cp", classes + java.io.File.pathSeparator + classpath, "ClientScript",
                "http://localhost:" + port, csv.toString()), Path.of("."), Map.of(), 3);
        sameAsPredict(output);
    }

    @Test
    void theGeneratedPythonClientWorks() throws Exception {
        Path out = CLIENTS.resolve("python");
        generate("python", out, "packageName=netforge_client,hideGenerationTimestamp=true");
        String output = run(List.of("python3", Path.of("src/test/clients/python/client_script.py").toAbsolutePath()
                .toString(), "http://localhost:" + port, csv.toString()), Path.of("."),
                Map.of("PYTHONPATH", out.toAbsolutePath().toString()), 3);
        sameAsPredict(output);
    }

    @Test
    void seedsBeyond32BitsAreDocumentedAsInt64() throws IOException {
        String spec = Files.readString(Path.of("openapi.yaml"), StandardCharsets.UTF_8);
        assertThat(spec).contains("seed: {type: [integer, 'null'], format: int64");
        assertThat(spec).contains("ApiKey:\n      type: apiKey\n      in: header\n      name: X-API-Key");
    }
}
