package io.netforge.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.netforge.support.Http;
import io.netforge.support.TestDatabases;
import tools.jackson.databind.JsonNode;

/** A Prometheus scrape after an upload, a refused upload, a training job and predictions shows each of them. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MetricsTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.h2().register(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void aScrapeShowsJobsTrainingPredictionsTheCacheAndUploads() throws Exception {
        Http http = new Http(port);
        String dataset = http.uploadCsv("tiny", "a,b,y\n1,2,0\n2,1,1\n3,3,0\n4,1,1\n".getBytes());
        http.post("/datasets", "text/csv", "a,b,y\n1,2\n".getBytes()).assertProblem(400, "expected 3 columns");
        String id = http.postJson("/models", "{\"datasetId\": \"" + dataset + "\", \"network\": {\"hiddenLayers\": [2],"
                + " \"maxIterations\": 20}}").json().get("id").asString();
        JsonNode model = http.awaitModel(id, Duration.ofMinutes(1));
        assertThat(model.get("status").asString()).isEqualTo("SUCCEEDED");
        for (int i = 0; i < 3; i++) {
            http.postJson("/models/" + id + "/predict", "{\"rows\": [[1, 2], [3, 4]]}");
        }
        http.postJson("/models/" + id + "/invocations", "{\"instances\": [[1, 2]]}");
        // the counts are read at most every 5 s: wait for one taken after the job finished
        Thread.sleep(5_100);

        Http.Response scrape = http.get("/actuator/prometheus");
        assertThat(scrape.status()).isEqualTo(200);
        String text = scrape.body();
        assertThat(value(text, "netforge_jobs{kind=\"training\",status=\"SUCCEEDED\"}")).isGreaterThanOrEqualTo(1);
        assertThat(value(text, "netforge_jobs{kind=\"training\",status=\"RUNNING\"}")).isZero();
        assertThat(value(text, "netforge_job_queue_wait_seconds_count{kind=\"training\"}")).isGreaterThanOrEqualTo(1);
        assertThat(text).containsPattern("netforge_training_seconds_count\\{path=\"[a-z0-9-]+\",task=\"binary\"\\} 1");
        assertThat(text).contains("netforge_training_iterations_per_second_count{path=");
        // by name, not id: a label per model name, the first netforge.metrics.max-model-labels of them
        assertThat(value(text, "netforge_predict_rows_total{model=\"" + model.get("name").asString() + "\"}"))
                .isEqualTo(7);
        assertThat(value(text, "netforge_predict_seconds_count{outcome=\"2xx\",protocol=\"predict\"}")).isEqualTo(3);
        assertThat(value(text, "netforge_predict_seconds_count{outcome=\"2xx\",protocol=\"mlflow\"}")).isEqualTo(1);
        assertThat(text).contains("netforge_predict_seconds_bucket{outcome=\"2xx\",protocol=\"predict\",le=");
        assertThat(value(text, "netforge_model_cache_size")).isEqualTo(1);
        assertThat(value(text, "netforge_model_cache_requests_total{result=\"hit\"}")).isGreaterThanOrEqualTo(3);
        assertThat(value(text, "netforge_model_cache_requests_total{result=\"miss\"}")).isGreaterThanOrEqualTo(1);
        assertThat(value(text, "netforge_dataset_uploads_total")).isEqualTo(1);
        assertThat(value(text, "netforge_dataset_upload_rows_total")).isEqualTo(4);
        assertThat(value(text, "netforge_dataset_upload_rejections_total{reason=\"400\"}")).isEqualTo(1);

        // a deleted model's rows counter goes with it
        assertThat(http.delete("/models/" + id).status()).isEqualTo(204);
        assertThat(http.get("/actuator/prometheus").body()).doesNotContain("model=\"" + id + "\"");
    }

    /** The value of the sample named exactly {@code sample} (name and labels as Prometheus writes them). */
    private static double value(String scrape, String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(scrape);
        assertThat(m.find()).as(sample + " in the scrape").isTrue();
        return Double.parseDouble(m.group(1));
    }
}
