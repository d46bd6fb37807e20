package io.netforge.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import io.netforge.support.TestDatabases;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Models and scorings stored before the job engine keep their job's state after V14/V15 move it into {@code jobs}:
 * every status, attempt, lease, error and timing as it was, the progress (iteration and losses) bit for bit, the
 * datasets each reads, in the order they were queued; and a job's rows go with it.
 */
class JobMigrationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "h2", "postgres" })
    void movesEveryModelsAndScoringsJobStateIntoJobs(String database) {
        TestDatabases.Db db = database.equals("h2") ? TestDatabases.h2() : TestDatabases.postgres();
        SingleConnectionDataSource dataSource = new SingleConnectionDataSource(db.url(), db.username(), db.password(),
                true);
        flyway(db, dataSource).target("13").load().migrate();
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);

        UUID dataset = UUID.randomUUID();
        UUID testDataset = UUID.randomUUID();
        Instant t0 = Instant.parse("2026-11-01T10:00:00.123456Z");
        double loss = 0.18432783149624155;
        double validation = Math.nextUp(1.0 / 3);
        UUID succeeded = model(jdbc, "SUCCEEDED", t0, dataset, testDataset, 2000, loss, validation, 1, null, null,
                false, null);
        UUID running = model(jdbc, "RUNNING", t0.plusSeconds(2), dataset, null, 17, 0.693, null, 2, "host/1",
                1_800_000_000_000L, true, null);
        UUID failed = model(jdbc, "FAILED", t0.plusSeconds(3), dataset, null, 5, null, null, 1, null, null, false,
                "the loss became NaN");
        UUID queued = model(jdbc, "QUEUED", t0.plusSeconds(4), dataset, dataset, 0, null, null, 0, null, null, false,
                null);
        UUID scoring = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO scorings (id, model_id, dataset_id, status, created_at, started_at, finished_at, attempts,
                                      rows_scored, result)
                VALUES (?, ?, ?, 'SUCCEEDED', ?, ?, ?, 1, 1000, ?)""", scoring, succeeded, testDataset,
                Timestamp.from(t0.plusSeconds(1)), Timestamp.from(t0.plusSeconds(1)), Timestamp.from(t0.plusSeconds(5)),
                new byte[] { 31, -117 });

        flyway(db, dataSource).javaMigrations(new V15__MoveJobStateToJobs()).load().migrate();

        // the queue order is the order they were queued, the scoring between the first two models
        assertThat(jdbc.queryForList("SELECT id FROM jobs ORDER BY seq", UUID.class))
                .containsExactly(succeeded, scoring, running, failed, queued);
        Map<String, Object> s = jdbc.queryForMap("SELECT * FROM jobs WHERE id = ?", succeeded);
        assertThat(s.get("kind")).isEqualTo("training");
        assertThat(s.get("status")).isEqualTo("SUCCEEDED");
        assertThat(((Number) s.get("step")).longValue()).isEqualTo(2000);
        Map<String, Double> measures = JSON.readValue((String) s.get("measures"), new TypeReference<>() {
        });
        assertThat(Double.doubleToRawLongBits(measures.get("loss"))).isEqualTo(Double.doubleToRawLongBits(loss));
        assertThat(Double.doubleToRawLongBits(measures.get("validationLoss")))
                .isEqualTo(Double.doubleToRawLongBits(validation));
        assertThat(jdbc.queryForObject("SELECT created_at FROM jobs WHERE id = ?", Timestamp.class, succeeded)
                .toInstant()).isEqualTo(t0);
        Map<String, Object> r = jdbc.queryForMap("SELECT * FROM jobs WHERE id = ?", running);
        assertThat(r.get("status")).isEqualTo("RUNNING");
        assertThat(r.get("owner")).isEqualTo("host/1");
        assertThat(((Number) r.get("lease_until")).longValue()).isEqualTo(1_800_000_000_000L);
        assertThat(r.get("cancel_requested")).isEqualTo(true);
        assertThat(((Number) r.get("attempts")).intValue()).isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT error FROM jobs WHERE id = ?", String.class, failed))
                .isEqualTo("the loss became NaN");
        assertThat(jdbc.queryForObject("SELECT measures FROM jobs WHERE id = ?", String.class, queued)).isNull();
        Map<String, Object> sc = jdbc.queryForMap("SELECT * FROM jobs WHERE id = ?", scoring);
        assertThat(sc.get("kind")).isEqualTo("scoring");
        assertThat(sc.get("subject_id")).isEqualTo(succeeded);
        assertThat(((Number) sc.get("step")).longValue()).isEqualTo(1000);

        // the datasets each reads
        assertThat(jdbc.queryForList("SELECT dataset_id FROM job_datasets WHERE job_id = ?", UUID.class, succeeded))
                .containsExactlyInAnyOrder(dataset, testDataset);
        assertThat(jdbc.queryForList("SELECT dataset_id FROM job_datasets WHERE job_id = ?", UUID.class, queued))
                .containsExactly(dataset);
        assertThat(jdbc.queryForList("SELECT dataset_id FROM job_datasets WHERE job_id = ?", UUID.class, scoring))
                .containsExactly(testDataset);

        // the state left models and scorings, whose rows go with their job's
        assertThatThrownBy(() -> jdbc.queryForList("SELECT status FROM models")).isNotNull();
        assertThat(jdbc.queryForObject("SELECT rows_scored FROM scorings WHERE id = ?", Long.class, scoring))
                .isEqualTo(1000);
        jdbc.update("DELETE FROM jobs WHERE id = ? OR subject_id = ?", succeeded, succeeded);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM models WHERE id = ?", Long.class, succeeded)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM scorings", Long.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM models", Long.class)).isEqualTo(3);
        dataSource.destroy();
    }

    private static UUID model(JdbcTemplate jdbc, String status, Instant created, UUID dataset, UUID testDataset,
            int iteration, Double loss, Double validationLoss, int attempts, String owner, Long lease,
            boolean cancelRequested, String error) {
        UUID id = UUID.randomUUID();
        boolean started = !status.equals("QUEUED");
        boolean finished = List.of("SUCCEEDED", "FAILED", "CANCELLED").contains(status);
        jdbc.update("""
                INSERT INTO models (id, name, status, dataset_id, test_dataset_id, spec, created_at, started_at,
                                    finished_at, iteration, loss, validation_loss, attempts, owner, lease_until,
                                    cancel_requested, error)
                VALUES (?, ?, ?, ?, ?, '{}', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", id, "m-" + status, status, dataset,
                testDataset, Timestamp.from(created), started ? Timestamp.from(created.plusMillis(10)) : null,
                finished ? Timestamp.from(created.plusSeconds(1)) : null, iteration, loss, validationLoss, attempts,
                owner, lease, cancelRequested, error);
        return id;
    }

    private static FluentConfiguration flyway(TestDatabases.Db db, SingleConnectionDataSource dataSource) {
        FluentConfiguration configuration = Flyway.configure().dataSource(dataSource).locations("classpath:db/migration");
        return db.schema() == null ? configuration : configuration.schemas(db.schema()).defaultSchema(db.schema());
    }
}
