package io.netforge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.TestDatabases;

/**
 * /docs in a real browser: headless Chromium (Debian's chromium, which .ci/run installs) loads the page, Swagger UI
 * runs and renders every operation of openapi.yaml from files the service serves. A screenshot is left in
 * target/screenshots/docs.png for a person to look at.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "netforge.training.workers=0")
class ApiDocsBrowserTest {

    static final String CHROMIUM = "/usr/bin/chromium";

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @LocalServerPort
    int port;

    @TempDir
    Path profile;

    private String chromium(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=1100,1400", "--virtual-time-budget=15000"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(process.exitValue()).as("chromium exit status").isZero();
        return out;
    }

    @Test
    void swaggerUiRendersEveryOperationOfTheContract() throws Exception {
        assertThat(Path.of(CHROMIUM)).as("Debian's chromium (.ci/run installs it)").exists();
        String url = "http://localhost:" + port + "/docs";
        // Swagger UI breaks long paths with zero-width spaces and <wbr>
        String dom = chromium("--dump-dom", url).replace("\u200b", "").replace("<wbr>", "");
        // the operations Swagger UI drew from /openapi.yaml, not just the page's shell
        assertThat(dom).contains("swagger-ui").contains("netforge");
        for (String path : new String[] {"/datasets/synthetic", "/experiments/{id}/refit", "/models/{id}/invocations",
                "/v2/models/{name}/infer", "/models/{id}/export"}) {
            assertThat(dom).as(path).contains(path);
        }
        assertThat(dom).doesNotContain("Failed to load API definition");

        Path shot = Path.of("target/screenshots/docs.png").toAbsolutePath();
        Files.createDirectories(shot.getParent());
        Files.deleteIfExists(shot);
        chromium("--screenshot=" + shot, url);
        assertThat(Files.size(shot)).isGreaterThan(20_000);
    }
}
