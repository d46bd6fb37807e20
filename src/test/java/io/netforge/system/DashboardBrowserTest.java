package io.netforge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard at / end to end in a real browser: src/test/browser/dashboard.mjs drives Debian's headless Chromium
 * with Playwright (playwright-core from npm, installed here by {@code npm ci} when missing) to upload the article's
 * data through the page, train [8, 3], watch the progress bar move, see the metrics and the ROC curve and predict a
 * row, then checks keyboard and phone use. Screenshots of each step are left in target/screenshots/dashboard/.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DashboardBrowserTest {

    static final Path DRIVER = Path.of("src/test/browser");
    static final Path SHOTS = Path.of("target/screenshots/dashboard");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @LocalServerPort
    int port;

    private static String run(List<String> command, Path directory, int minutes) throws Exception {
        Path log = Files.createTempFile("netforge-browser-", ".log");
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        boolean done = process.waitFor(minutes, TimeUnit.MINUTES);
        if (!done) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        assertThat(done && process.exitValue() == 0).as(String.join(" ", command) + "\n" + output).isTrue();
        return output;
    }

    @Test
    void aNewUserTrainsTheArticlesNetworkFromThePage() throws Exception {
        assertThat(Path.of("/usr/bin/chromium")).as("Debian's chromium (.ci/run installs it)").exists();
        if (!Files.exists(DRIVER.resolve("node_modules/playwright-core/package.json"))) {
            run(List.of("npm", "ci", "--no-audit", "--no-fund"), DRIVER, 5);
        }
        Files.createDirectories(SHOTS);
        String output = run(List.of("node", "dashboard.mjs", "http://localhost:" + port,
                Path.of("src/test/resources/article/seed_train.csv").toAbsolutePath().toString(),
                Path.of("src/test/resources/article/seed_test.csv").toAbsolutePath().toString(),
                SHOTS.toAbsolutePath().toString()), DRIVER, 5);
        JsonNode seen = Http.parse(output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow());
        System.out.println("dashboard: " + seen);

        assertThat(seen.get("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(seen.get("columns").asInt()).isEqualTo(21);
        assertThat(seen.get("uploadError").asString()).containsIgnoringCase("empty");
        // the bar moved: several values between 0 and the last iteration were shown while it trained
        List<Integer> progress = new java.util.ArrayList<>();
        seen.get("progress").forEach(v -> progress.add(v.asInt()));
        assertThat(progress.stream().filter(v -> v > 0 && v < 20000).count()).isGreaterThanOrEqualTo(2);
        assertThat(progress).isSorted().endsWith(20000);
        assertThat(seen.get("metrics").toString()).contains("test");
        assertThat(seen.get("lossPoints").asInt()).isGreaterThan(100);
        assertThat(seen.get("livePoints").asInt()).as("points of the loss curve drawn while it trained")
                .isGreaterThanOrEqualTo(2);
        double probability = seen.get("prediction").get("probability").asDouble();
        assertThat(probability).isBetween(0.0, 1.0);
        assertThat(seen.get("firstTab").asString()).isEqualTo("Skip to content");
        assertThat(seen.get("contributionBars").asInt()).as("the 12 largest of the 20 features").isEqualTo(12);
        assertThat(seen.get("fieldError").asString()).contains("at most 1000", "5000");
        assertThat(seen.get("dateControl").asString()).isEqualTo("date");
        assertThat(seen.get("levels").toString()).isEqualTo("[\"east\",\"north\",\"south\",\"west\"]");
        assertThat(seen.get("unseenNote").asString()).contains("unseen level", "biscoe");
        assertThat(seen.get("amountRange").asString()).contains("training range 0.5 to 99.5");
        assertThat(seen.get("mixedPrediction").get("probability").asDouble()).isBetween(0.0, 1.0);
        assertThat(seen.get("importanceBars").asInt()).isEqualTo(3);
        assertThat(seen.get("pdFeatures").toString()).contains("day.month", "region", "amount");
        assertThat(seen.get("exported").asString()).isEqualTo("npz");
        assertThat(seen.get("residualCharts").asInt()).isEqualTo(2);
        assertThat(seen.get("compared").asInt()).isEqualTo(2);
        assertThat(seen.get("comparedCurves").asInt()).isEqualTo(2);
        assertThat(seen.get("pages").size()).as("8 pages at 3 widths").isEqualTo(24);
        assertThat(seen.get("mixedSpec").toString()).isEqualTo("{\"optimizer\":\"adam\",\"batchSize\":32,"
                + "\"earlyStopping\":true,\"calibration\":\"platt\",\"rule\":\"maxF1\"}");
        assertThat(seen.get("thresholdShown").asString()).contains("chosen by maxF1");
        assertThat(seen.get("experimentRows").asInt()).as("two configurations").isEqualTo(2);
        assertThat(seen.get("experimentCompared").asInt()).isEqualTo(2);
        assertThat(seen.get("warnings").toString()).contains("loss-oscillates");
        assertThat(seen.get("warningsFirst").asBoolean()).isTrue();
        for (int width : new int[] {390, 1024, 1440}) {
            JsonNode page = seen.get("model" + width);
            assertThat(page.get("overflow").asInt()).as(width + " px").isLessThanOrEqualTo(1);
            assertThat(page.get("unlabelled").size()).as(page.toString()).isZero();
            // drawn for the width: at most the page's, and as wide as it at a phone's
            assertThat(page.get("chart").asInt()).as(width + " px").isBetween(width == 390 ? 300 : 600, width);
        }
        assertThat(seen.get("phoneOverflow").asInt()).isLessThanOrEqualTo(1);
        // features named querySelectorAll, submit and action: the predict form still predicts
        assertThat(seen.get("oddFeatures").isNumber()).as(seen.toString()).isTrue();
        // a search started from the dataset's page: the default budget's four rungs, 27 candidates, then its model
        assertThat(seen.get("searchRungs").asInt()).as(seen.toString()).isEqualTo(4);
        assertThat(seen.get("searchLeaderboard").asInt()).isEqualTo(27);
        assertThat(seen.get("searchedModel").asString()).startsWith("odd auto");

        // what the page showed is what the API says
        Http http = new Http(port);
        JsonNode model = java.util.stream.StreamSupport.stream(http.get("/models?status=SUCCEEDED").json().spliterator(),
                false).filter(m -> m.get("testDatasetId").isString()).findFirst().orElseThrow();
        assertThat(model.get("network").get("hiddenLayers").toString()).isEqualTo("[8,3]");
        assertThat(model.get("testDatasetId").isNull()).isFalse();
        for (String step : List.of("01-home", "02-dataset", "03-training", "04-trained", "05-predicted", "05-model-390",
                "05-model-1024", "05-model-1440", "06-search", "07-phone", "08-compare", "09-dataset-390", "09-compare-390",
                "09-search-390", "10-explained", "11-regression")) {
            assertThat(SHOTS.resolve(step + ".png")).as(step).isNotEmptyFile();
        }
    }
}
