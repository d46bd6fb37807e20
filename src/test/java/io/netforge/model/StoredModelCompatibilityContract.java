package io.netforge.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.netforge.support.Http;
import tools.jackson.databind.JsonNode;

/**
 * Models stored by earlier versions of netforge keep loading, showing and predicting the same bits.
 *
 * <p>The fixtures in {@code src/test/resources/fixtures/format1} are rows of the {@code models} and
 * {@code model_artifacts} tables as netforge 0.1.0 at commit 2090b72 wrote them (model document format 1),
 * with that version's {@code GET /models/{id}} view and its {@code /predict} answer for 50 test rows (see the
 * README there). Each test puts one back into an empty database and asks the current code.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class StoredModelCompatibilityContract {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    Http http;

    @BeforeEach
    void client() {
        http = new Http(port);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"article-8-3-float64", "standardized-4-float32", "logistic-strings"})
    void aFormatOneModelPredictsTheSameBitsAsWhenItWasStored(String fixture) {
        JsonNode stored = fixture(fixture);
        String id = insert(stored);

        Http.Response predicted = http.postJson("/models/" + id + "/predict", stored.get("predict_request"));
        assertThat(predicted.status()).as(predicted.toString()).isEqualTo(200);
        JsonNode expected = stored.get("predict_response").get("predictions");
        JsonNode actual = predicted.json().get("predictions");
        assertThat(actual.size()).isEqualTo(expected.size());
        for (int r = 0; r < expected.size(); r++) {
            // JSON doubles are written in their shortest round-trip form: equal text is equal bits
            assertThat(Double.doubleToRawLongBits(actual.get(r).get("probability").asDouble())).as("row %d", r)
                    .isEqualTo(Double.doubleToRawLongBits(expected.get(r).get("probability").asDouble()));
            assertThat(actual.get(r).get("label")).as("label of row %d", r).isEqualTo(expected.get(r).get("label"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"article-8-3-float64", "standardized-4-float32", "logistic-strings"})
    void aFormatOneModelShowsWhatItShowedWhenItWasStored(String fixture) {
        JsonNode stored = fixture(fixture);
        String id = insert(stored);

        Http.Response response = http.get("/models/" + id);
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode view = response.json();
        JsonNode before = stored.get("view");
        // Every field the old view had keeps its value (fields added since may be there too), except the timings'
        // and the attempts' bookkeeping, which the fixture row carries over as it was.
        assertKeeps(view, before, "");
        // the options added since show the article's defaults
        JsonNode network = view.get("network");
        assertThat(network.get("activation").size()).isEqualTo(before.get("network").get("hiddenLayers").size());
        network.get("activation").forEach(a -> assertThat(a.asString()).isEqualTo("sigmoid"));
        assertThat(network.get("initialization").asString()).isEqualTo("normal");
        assertThat(network.get("optimizer").get("type").asString()).isEqualTo("gd");
        assertThat(network.get("batchSize").asInt()).isZero();
        assertThat(network.get("l2").asDouble()).isZero();
        assertThat(network.get("earlyStopping").isNull()).isTrue();
        assertThat(network.get("classWeights").isNull()).isTrue();
        assertThat(view.get("training").get("stoppedBy").asString()).isEqualTo("maxIterations");
        assertThat(view.get("training").get("epochs").asInt()).isEqualTo(before.get("progress").get("iteration").asInt());
        assertThat(view.get("validationLossCurve").isEmpty()).isTrue();
    }

    /** Every member of {@code before}, recursively, has the same value in {@code after}; arrays are equal. */
    private static void assertKeeps(JsonNode after, JsonNode before, String path) {
        if (before.isObject()) {
            assertThat(after.isObject()).as(path).isTrue();
            before.properties().forEach(entry -> assertKeeps(after.get(entry.getKey()) == null
                    ? tools.jackson.databind.node.MissingNode.getInstance() : after.get(entry.getKey()),
                    entry.getValue(), path + "." + entry.getKey()));
        } else {
            assertThat(after).as(path).isEqualTo(before);
        }
    }

    private String insert(JsonNode stored) {
        JsonNode row = stored.get("models");
        UUID id = UUID.randomUUID(); // a fresh id, so the parameterised runs never collide
        String oldId = row.get("id").asString();
        String document = stored.get("document").asString().replace(oldId, id.toString());
        // the row's job state lives in jobs since V15, which moved it there as written here (JobMigrationTest)
        jdbc.sql("""
                INSERT INTO jobs (id, kind, status, created_at, started_at, finished_at, step, measures, attempts)
                VALUES (:id, 'training', :status, :created, :started, :finished, :iteration, :measures, :attempts)
                """)
                .param("id", id).param("status", row.get("status").asString())
                .param("created", timestamp(row.get("created_at"))).param("started", timestamp(row.get("started_at")))
                .param("finished", timestamp(row.get("finished_at")))
                .param("iteration", Integer.valueOf(row.get("iteration").asString()))
                .param("measures", "{\"loss\":" + Double.valueOf(row.get("loss").asString()) + "}")
                .param("attempts", Integer.valueOf(row.get("attempts").asString()))
                .update();
        jdbc.sql("""
                INSERT INTO models (id, name, dataset_id, test_dataset_id, test_fraction, spec, training_seconds)
                VALUES (:id, :name, :dataset, :testDataset, :testFraction, :spec, :seconds)
                """)
                .param("id", id).param("name", row.get("name").asString())
                .param("dataset", UUID.fromString(row.get("dataset_id").asString()))
                .param("testDataset", row.get("test_dataset_id").isNull() ? null
                        : UUID.fromString(row.get("test_dataset_id").asString()))
                .param("testFraction", row.get("test_fraction").isNull() ? null
                        : Double.valueOf(row.get("test_fraction").asString()))
                .param("spec", row.get("spec").asString())
                .param("seconds", Double.valueOf(row.get("training_seconds").asString()))
                .update();
        jdbc.sql("INSERT INTO model_artifacts (model_id, format_version, document, weights)"
                        + " VALUES (:id, :version, :document, :weights)")
                .param("id", id).param("version", stored.get("format_version").asInt()).param("document", document)
                .param("weights", Base64.getDecoder().decode(stored.get("weights_base64").asString()))
                .update();
        // the views were taken under the old id
        ((tools.jackson.databind.node.ObjectNode) stored.get("view")).put("id", id.toString());
        return id.toString();
    }

    private static Timestamp timestamp(JsonNode value) {
        return Timestamp.from(Instant.parse(value.asString()));
    }

    private static JsonNode fixture(String name) {
        String resource = "/fixtures/format1/" + name + ".json";
        try (InputStream in = StoredModelCompatibilityContract.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return Http.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
