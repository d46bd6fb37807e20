package io.netforge.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import io.netforge.dataset.DatasetHttp.Part;
import io.netforge.support.RawHttp;

/**
 * Uploads over {@code netforge.datasets.max-upload-bytes}, set low here (4 MB) so that the same ~27 MB stream
 * {@link DatasetApiContract} stores is refused: 413 for a text/csv body (before reading it when its length is
 * declared, as soon as the limit is crossed when it is not) and for a multipart file.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "netforge.datasets.max-upload-bytes=4MB")
abstract class UploadLimitContract {

    static final long LIMIT = 4L * 1024 * 1024;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    DatasetHttp http;

    @BeforeEach
    void client() {
        http = new DatasetHttp(port);
    }

    @Test
    void stopsReadingAStreamWithoutLengthOnceItCrossesTheLimit() throws Exception {
        GeneratedCsv csv = new GeneratedCsv(DatasetApiContract.STREAM_ROWS);
        RawHttp.Response response;
        try (RawHttp raw = new RawHttp(port)) {
            response = raw.head("POST /datasets HTTP/1.1", "Content-Type: text/csv", "Transfer-Encoding: chunked")
                    .streamChunked(csv).response();
            raw.awaitWriter();
        }

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.headers().get("content-type")).startsWith("application/problem+json");
        assertThat(response.body()).contains("the upload is larger than the limit of " + LIMIT + " bytes");
        // The server hung up soon after the limit: what the client managed to send is the limit plus what the
        // sockets buffer, far from the ~27 MB it had to send.
        assertThat(GeneratedCsv.size(DatasetApiContract.STREAM_ROWS)).isGreaterThan(LIMIT + 20_000_000);
        assertThat(csv.served()).isLessThan(LIMIT + 16_000_000);
        assertThat(count("datasets")).isZero();
        assertThat(count("dataset_chunks")).isZero();
    }

    @Test
    void answers413ToADeclaredLengthOverTheLimitWithoutReadingTheBody() throws Exception {
        try (RawHttp raw = new RawHttp(port)) {
            long start = System.nanoTime();
            RawHttp.Response response = raw.head("POST /datasets?name=big HTTP/1.1", "Content-Type: text/csv",
                    "Content-Length: " + (LIMIT + 1)).response();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.body()).contains("request body: " + (LIMIT + 1) + " bytes is larger than the limit of "
                    + LIMIT + " bytes");
        }
    }

    @Test
    void answers413ToAMultipartFileOverTheLimit() throws Exception {
        byte[] big = DatasetHttp.multipart(List.of(Part.file("big.csv",
                new GeneratedCsv(DatasetApiContract.STREAM_ROWS / 5).readAllBytesUnchecked())));
        assertThat((long) big.length).isGreaterThan(LIMIT);

        RawHttp.Response response;
        try (RawHttp raw = new RawHttp(port)) {
            // A raw socket: java.net.http gives up with "broken pipe" when the server answers before the body is sent.
            response = raw.head("POST /datasets HTTP/1.1", "Content-Type: " + DatasetHttp.MULTIPART,
                    "Content-Length: " + big.length).stream(new ByteArrayInputStream(big)).response();
        }

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.headers().get("content-type")).startsWith("application/problem+json");
        assertThat(response.body()).contains("the upload is larger than the limit of " + LIMIT + " bytes");
        assertThat(count("datasets")).isZero();
    }

    /** A few hundred KB of gzip that inflates past the limit: 413 once the CSV crosses it, nothing stored. */
    @Test
    void answers413ToAGzipUploadThatInflatesPastTheLimit() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(out)) {
            zip.write("a,b,y\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            byte[] rows = "1,2,0\n".repeat(100_000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (int i = 0; i < 50; i++) { // 30 MB of CSV
                zip.write(rows);
            }
        }
        byte[] bomb = out.toByteArray();
        assertThat((long) bomb.length).isLessThan(LIMIT / 4);

        RawHttp.Response response;
        try (RawHttp raw = new RawHttp(port)) {
            response = raw.head("POST /datasets HTTP/1.1", "Content-Type: text/csv", "Content-Encoding: gzip",
                    "Content-Length: " + bomb.length).stream(new ByteArrayInputStream(bomb)).response();
        }
        assertThat(response.status()).as(response.body()).isEqualTo(413);
        assertThat(response.body()).contains("larger than the limit of " + LIMIT + " bytes");
        response = null;
        byte[] part = DatasetHttp.multipart(List.of(new Part("file", "bomb.csv.gz", "application/gzip", bomb)));
        try (RawHttp raw = new RawHttp(port)) {
            response = raw.head("POST /datasets HTTP/1.1", "Content-Type: " + DatasetHttp.MULTIPART,
                    "Content-Length: " + part.length).stream(new ByteArrayInputStream(part)).response();
        }
        assertThat(response.status()).as(response.body()).isEqualTo(413);
        assertThat(count("datasets")).isZero();
    }

    /** A small Parquet file whose table, as CSV text, is larger than the limit: 413, nothing stored. */
    @Test
    void answers413ToAParquetTableLargerThanTheLimitAsText(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path parquet = dir.resolve("repeated.parquet");
        try (java.sql.Connection duck = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                java.sql.Statement sql = duck.createStatement()) {
            sql.execute("COPY (SELECT 123456.5 AS x, i % 2 AS y FROM range(1000000) t(i)) TO '" + parquet
                    + "' (FORMAT parquet)");
        }
        byte[] bytes = Files.readAllBytes(parquet);
        assertThat((long) bytes.length).isLessThan(LIMIT / 4);

        http.post("", "application/vnd.apache.parquet", bytes)
                .assertProblem(413, "the table is larger than the limit of " + LIMIT + " bytes as CSV text");
        assertThat(count("datasets")).isZero();
        assertThat(count("dataset_chunks")).isZero();
    }

    @Test
    void stillAcceptsUploadsUnderTheLimit() throws IOException {
        byte[] seed = Files.readAllBytes(DatasetApiContract.SEED_TRAIN);

        assertThat(http.postMultipart(Part.file("seed_train.csv", seed)).status()).isEqualTo(201);
        assertThat(http.post("", "text/csv", seed).status()).isEqualTo(201);
        jdbc.update("DELETE FROM datasets");
    }

    long count(String table) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Long.class);
    }
}
