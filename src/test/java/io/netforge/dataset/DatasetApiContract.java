package io.netforge.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

import io.netforge.dataset.DatasetHttp.Part;
import io.netforge.problem.DomainException;
import io.netforge.support.Http.Response;
import io.netforge.support.RawHttp;
import tools.jackson.databind.JsonNode;

/**
 * The dataset API over HTTP on a real port, against the database a subclass registers: uploads, hostile
 * input, storage round trips, streaming, deletion. Every test leaves the database as it found it, apart
 * from the datasets it created.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(FakeDatasetUsage.class)
abstract class DatasetApiContract {

    /** The article's training data: 4000 rows, x0..x19, label y. */
    static final Path SEED_TRAIN = Path.of("src/test/resources/article/seed_train.csv");

    // Counted once, independently of this code, with
    //   awk -F, 'NR>1{c[$NF]++} END{for(k in c) print k, c[k]}' seed_train.csv   -> 0 2006, 1 1994
    //   wc -c seed_train.csv; sha256sum seed_train.csv
    static final long SEED_ZEROS = 2006;
    static final long SEED_ONES = 1994;
    static final long SEED_BYTES = 1_548_459;
    static final String SEED_SHA256 = "04787f18f6fdfca8a732adb431b76b44fc86986bf31b656dad2601ced618a454";

    @LocalServerPort
    int port;

    @Autowired
    DatasetStore store;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    FakeDatasetUsage usage;

    DatasetHttp http;

    @BeforeEach
    void client() {
        http = new DatasetHttp(port);
        usage.active.clear();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Hostile input: one row per case. To add a case, add a line.
    // ---------------------------------------------------------------------------------------------------------

    record Hostile(String name, Function<DatasetHttp, Response> request, int status, String... mentions) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Hostile csv(String name, String body, int status, String... mentions) {
        return new Hostile(name, http -> http.postCsv(body), status, mentions);
    }

    static Hostile csv(String name, String query, String body, int status, String... mentions) {
        return new Hostile(name, http -> http.postCsv(body, query), status, mentions);
    }

    static Hostile raw(String name, String contentType, byte[] body, int status, String... mentions) {
        return new Hostile(name, http -> http.post("", contentType, body), status, mentions);
    }

    static Hostile file(String name, byte[] content, int status, String... mentions) {
        return new Hostile(name, http -> http.postMultipart(Part.file("upload.csv", content)), status, mentions);
    }

    static Hostile call(String name, Function<DatasetHttp, Response> request, int status, String... mentions) {
        return new Hostile(name, request, status, mentions);
    }

    /** A CSV with header x0..x(features-1),y and {@code rows} rows; {@code row.apply(r)} gives data row r (1-based). */
    static String table(int features, int rows, IntFunction<String> row) {
        String header = IntStream.range(0, features).mapToObj(j -> "x" + j).collect(Collectors.joining(",")) + ",y\n";
        return header + IntStream.rangeClosed(1, rows).mapToObj(r -> row.apply(r) + "\n").collect(Collectors.joining());
    }

    static String values(int features, int r) {
        return IntStream.range(0, features).mapToObj(j -> String.valueOf(r + j / 10.0)).collect(Collectors.joining(","))
                + "," + (r % 2);
    }

    static final byte[] PNG = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 0x0D, 'I', 'H', 'D', 'R',
            0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, (byte) 0xC4, (byte) 0x89 };

    static List<Hostile> hostileInputs() {
        String ok = "a,b,y\n1,2,0\n3,4,1\n";
        return List.of(
                csv("empty text/csv body", "", 400, "request body", "empty"),
                file("empty file part", new byte[0], 400, "file", "empty"),
                csv("only empty lines", "\n\r\n\n", 400, "request body", "no header row"),
                raw("binary junk labelled text/csv", "text/csv", PNG, 400, "not a UTF-8 text CSV", "byte offset 0"),
                file("binary junk as the file part", PNG, 400, "not a UTF-8 text CSV", "byte offset 0"),
                raw("Latin-1 bytes", "text/csv", "a,b,y\n1,2,caf\u00e9\n3,4,x\n".getBytes(StandardCharsets.ISO_8859_1),
                        400, "not a UTF-8 text CSV", "E9", "line 2"),
                csv("NUL byte in a row", "a,b,y\n1,2,0\n3\u00004,5,1\n", 400, "not a UTF-8 text CSV", "NUL byte", "line 3"),
                csv("header only", "a,b,y\n", 400, "header but no data rows"),
                csv("header only, CRLF and blank lines", "a,b,y\r\n\r\n\r\n", 400, "header but no data rows"),
                csv("duplicate column names", "a,b,a,y\n1,2,3,0\n4,5,6,1\n", 400, "duplicate column name 'a'", "columns 1 and 3"),
                csv("duplicate after trimming", "a, b ,b,y\n1,2,3,0\n4,5,6,1\n", 400, "duplicate column name 'b'"),
                csv("empty column name", "a,,y\n1,2,0\n3,4,1\n", 400, "column 2 has an empty name"),
                csv("blank column name", "a,  ,y\n1,2,0\n3,4,1\n", 400, "column 2 has an empty name"),
                csv("single column", "y\n0\n1\n", 400, "at least 2"),
                csv("too many columns", table(10_000, 2, r -> values(10_000, r)), 400, "10001 columns", "at most 10000"),
                csv("ragged row: one column short", table(20, 20, r -> r == 17 ? values(19, r) : values(20, r)),
                        400, "row 17 (line 18): expected 21 columns, found 20"),
                csv("ragged row: one column too many", table(2, 3, r -> r == 2 ? values(3, r) : values(2, r)),
                        400, "row 2 (line 3): expected 3 columns, found 4"),
                csv("Infinity feature", "a,b,y\n1,2,0\n-Infinity,4,1\n", 400, "row 2 (line 3)", "column 'a'", "'-Infinity' is not a finite number"),
                csv("inf feature", "a,b,y\n1,inf,0\n3,4,1\n", 400, "column 'b'", "'inf' is not a finite number"),
                csv("overflow to infinity", "a,b,y\n1,2,0\n3,1e400,1\n", 400, "row 2 (line 3)", "column 'b'", "'1e400'", "out of range"),
                csv("5 MB without a line break", "a,y\n" + "1".repeat(5_000_000) + ",0\n", 400, "row 1 (line 2)",
                        "longer than 4194304 characters"),
                csv("unclosed quote", "a,b,y\n1,2,0\n\"3,4,1\n5,6,0\n", 400, "row 2 (line 3)", "never closed"),
                csv("text after a closing quote", "a,b,y\n\"1\"2,3,0\n", 400, "row 1 (line 2)", "closing quote"),
                csv("label column that does not exist", "?label=target", ok, 400, "label", "'target' does not exist", "a, b, y"),
                csv("NaN when NaN is not a missing token", "?missing=NA", "a,b,y\n1,NaN,0\n3,4,1\n", 400, "row 1 (line 2)",
                        "column 'b'", "'NaN' is not a finite number"),
                csv("ignoring a column that does not exist", "?ignore=a,zz", ok, 400, "ignore", "'zz' does not exist"),
                csv("categorical column that does not exist", "?categorical=zz", ok, 400, "categorical", "'zz' does not exist"),
                csv("ignoring the label", "?ignore=y&label=y", ok, 400, "ignore", "label column 'y'"),
                csv("ignoring all but one column", "?ignore=a,b", ok, 400, "found 1 column besides the ignored ones"),
                csv("unknown delimiter", "?delimiter=%7C", ok, 400, "delimiter", "got '|'"),
                raw("JSON instead of CSV", "application/json", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), 415,
                        "application/json", "multipart/form-data", "text/csv"),
                raw("text/plain", "text/plain", ok.getBytes(StandardCharsets.UTF_8), 415, "text/plain", "text/csv"),
                raw("form-urlencoded", "application/x-www-form-urlencoded", "a=1".getBytes(StandardCharsets.UTF_8), 415,
                        "multipart/form-data", "text/csv"),
                raw("text/csv in Latin-1", "text/csv; charset=ISO-8859-1", ok.getBytes(StandardCharsets.UTF_8), 415,
                        "ISO-8859-1", "UTF-8"),
                call("no Content-Type", http -> http.post("", null, ok.getBytes(StandardCharsets.UTF_8)), 415,
                        "multipart/form-data", "text/csv"),
                call("multipart without a file part", http -> http.postMultipart(Part.field("name", "x")), 400,
                        "file", "missing"),
                call("multipart with the CSV as a plain field", http -> http.postMultipart(Part.field("file", ok)), 400,
                        "file", "missing"),
                raw("multipart body without parts", "multipart/form-data; boundary=zzz",
                        "no parts here".getBytes(StandardCharsets.UTF_8), 400, "file", "missing"),
                raw("multipart without a boundary", "multipart/form-data", ok.getBytes(StandardCharsets.UTF_8), 400,
                        "multipart/form-data body could not be read"),
                raw("truncated multipart part", "multipart/form-data; boundary=zzz",
                        ("--zzz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n" + ok)
                                .getBytes(StandardCharsets.UTF_8), 400, "multipart/form-data body could not be read"),
                csv("name too long", "?name=" + "n".repeat(201), ok, 400, "name", "1 to 200 characters, got 201"),
                call("invalid id", http -> http.get("/datasets/not-a-uuid"), 400, "id", "'not-a-uuid'", "UUID"),
                call("unknown id", http -> http.get("/datasets/00000000-0000-4000-8000-000000000000"), 404,
                        "dataset 00000000-0000-4000-8000-000000000000 does not exist"),
                call("delete with invalid id", http -> http.delete("/datasets/12345"), 400, "id", "'12345'"),
                call("delete of an unknown id", http -> http.delete("/datasets/00000000-0000-4000-8000-000000000001"), 404,
                        "dataset 00000000-0000-4000-8000-000000000001 does not exist"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileInputs")
    void rejectsHostileInputWithAProblemThatNamesWhatIsWrong(Hostile hostile) {
        long datasets = count("datasets");
        long chunks = count("dataset_chunks");

        hostile.request().apply(http).assertProblem(hostile.status(), hostile.mentions());

        assertThat(count("datasets")).as("datasets left behind").isEqualTo(datasets);
        assertThat(count("dataset_chunks")).as("chunks left behind").isEqualTo(chunks);
    }

    @Test
    void namesRowLineAndColumnAsProblemMembers() {
        JsonNode problem = http.postCsv("a,b,y\n1,2,0\n\n3,inf,1\n").assertProblem(400).json();

        assertThat(problem.get("detail").asString()).startsWith("row 2 (line 4), column 'b': 'inf' is not a finite number");
        assertThat(problem.get("title").asString()).isEqualTo("Invalid request");
        assertThat(problem.get("row").asLong()).isEqualTo(2);
        assertThat(problem.get("line").asLong()).isEqualTo(4);
        assertThat(problem.get("column").asString()).isEqualTo("b");
    }

    @Test
    void listsTheAcceptedTypesOnA415() {
        JsonNode problem = http.post("", "application/json", "{}".getBytes(StandardCharsets.UTF_8)).assertProblem(415).json();

        assertThat(problem.get("accepted").values()).extracting(JsonNode::asString)
                .containsExactlyInAnyOrder("multipart/form-data", "text/csv", "application/vnd.apache.parquet");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Round trips
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void storesTheArticleDataUploadedAsAFile() throws IOException {
        byte[] seed = Files.readAllBytes(SEED_TRAIN);

        Response created = http.postMultipart(Part.file("seed_train.csv", seed));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.contentType()).startsWith("application/json");
        JsonNode body = created.json();
        assertThat(created.location()).isEqualTo("/datasets/" + body.get("id").asString());
        assertThat(body.get("name").asString()).isEqualTo("seed_train.csv");
        assertSeedDataset(body);
        assertThat(http.get(created.location()).json()).isEqualTo(body);
        assertStoredRowsEqualTheCsv(UUID.fromString(body.get("id").asString()), seed);
    }

    @Test
    void storesTheArticleDataUploadedAsACsvBody() throws IOException {
        byte[] seed = Files.readAllBytes(SEED_TRAIN);

        Response created = http.post("?name=article%20train", "text/csv", seed);

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode body = created.json();
        assertThat(body.get("name").asString()).isEqualTo("article train");
        assertSeedDataset(body);
        Response fetched = http.get("/datasets/" + body.get("id").asString());
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json()).isEqualTo(body);
        assertStoredRowsEqualTheCsv(UUID.fromString(body.get("id").asString()), seed);
    }

    private static void assertSeedDataset(JsonNode body) {
        assertThat(body.get("rows").asLong()).isEqualTo(4000);
        assertThat(body.get("features").values()).extracting(JsonNode::asString)
                .containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(j -> "x" + j).toList());
        assertThat(body.get("label").asString()).isEqualTo("y");
        JsonNode classes = body.get("classes");
        assertThat(classes.size()).isEqualTo(2);
        assertThat(classes.get(0).get("value").isNumber()).isTrue();
        assertThat(classes.get(0).get("value").asInt()).isEqualTo(0);
        assertThat(classes.get(0).get("count").asLong()).isEqualTo(SEED_ZEROS);
        assertThat(classes.get(1).get("value").asInt()).isEqualTo(1);
        assertThat(classes.get(1).get("count").asLong()).isEqualTo(SEED_ONES);
        assertThat(body.get("sizeBytes").asLong()).isEqualTo(SEED_BYTES);
        assertThat(body.get("sha256").asString()).isEqualTo(SEED_SHA256);
        assertThat(body.get("createdAt").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    }

    /** readRows gives back exactly Double.parseDouble of every CSV cell, the label (numeric) included. */
    private void assertStoredRowsEqualTheCsv(UUID id, byte[] csv) {
        String[] lines = new String(csv, StandardCharsets.UTF_8).split("\n");
        List<double[]> rows = rows(id, 21);
        assertThat(rows).hasSize(lines.length - 1);
        for (int r = 1; r < lines.length; r++) {
            String[] cells = lines[r].split(",");
            double[] expected = new double[21];
            for (int j = 0; j < 21; j++) {
                expected[j] = Double.parseDouble(cells[j]);
            }
            assertThat(rows.get(r - 1)).as("row %d", r).containsExactly(expected);
        }
    }

    /** Every stored row, all {@code columns} columns: numbers, level codes, NaN for missing. */
    List<double[]> rows(UUID id, int columns) {
        List<double[]> rows = new ArrayList<>();
        store.readRows(id, IntStream.range(0, columns).toArray(), (firstRow, count, values) -> {
            assertThat(firstRow).isEqualTo(rows.size());
            for (int r = 0; r < count; r++) {
                rows.add(java.util.Arrays.copyOfRange(values, r * columns, r * columns + columns));
            }
        });
        return rows;
    }

    @Test
    void sortsStringLabelsByTextAndShowsThemAsStrings() {
        JsonNode body = created(http.postCsv("a,b,answer\n1,2,yes\n3,4,no\n5,6,yes\n"));

        assertThat(body.get("classes").toString()).isEqualTo("[{\"value\":\"no\",\"count\":1},{\"value\":\"yes\",\"count\":2}]");
        assertThat(labels(body)).containsExactly(1, 0, 1);
    }

    /** An id or title column is stored as text: described, left out of the default features, never refused. */
    @Test
    void storesAColumnOfMoreDistinctTextThanTheCapAsATextColumn() {
        JsonNode body = created(http.postCsv(table(1, 1001, r -> "name" + r + "," + (r % 2))));
        JsonNode name = body.get("columns").get(0);

        assertThat(name.get("type").asString()).isEqualTo("text");
        assertThat(name.get("distinct").asLong()).isEqualTo(1001);
        assertThat(name.get("distinctExact").asBoolean()).isTrue();
        assertThat(name.get("unique").asBoolean()).isTrue();
        assertThat(name.get("examples").toString()).isEqualTo("[\"name1\",\"name2\",\"name3\",\"name4\",\"name5\"]");
        assertThat(name.has("topLevels")).isFalse();
        assertThat(body.get("features").toString()).isEqualTo("[]");
        assertThat(body.get("notes").get(0).asString()).contains("column 'x0' is text (1001 distinct values, every one"
                + " unique: an id", "left out of the features");
        assertThat(http.get("/datasets/" + id(body)).json().get("columns").get(0).get("examples"))
                .isEqualTo(name.get("examples"));

        JsonNode mixed = created(http.postCsv(table(1, 1202,
                r -> (r == 1201 ? "unknown" : String.valueOf(r * 0.5)) + "," + (r % 2))));
        assertThat(mixed.get("columns").get(0).get("type").asString()).isEqualTo("text");
        assertThat(mixed.get("columns").get(0).get("distinctExact").asBoolean()).isFalse();
        assertThat(mixed.get("notes").get(0).asString()).contains("first text is in row 1201", "missing=");
    }

    /** A gzip-compressed CSV, as a body or a .csv.gz part, is stored exactly as the CSV itself. */
    @Test
    void storesAGzipCompressedCsvAsTheCsvItself() throws IOException {
        byte[] seed = Files.readAllBytes(SEED_TRAIN);
        byte[] gz = gzip(seed);
        JsonNode plain = created(http.post("?name=plain", "text/csv", seed));
        JsonNode part = created(http.postMultipart(new Part("file", "seed_train.csv.gz", "application/octet-stream", gz)));
        JsonNode body;
        try (RawHttp raw = new RawHttp(port)) {
            RawHttp.Response response = raw.head("POST /datasets?name=encoded HTTP/1.1", "Content-Type: text/csv",
                    "Content-Encoding: gzip", "Content-Length: " + gz.length).stream(new java.io.ByteArrayInputStream(gz))
                    .response();
            assertThat(response.status()).as(response.body()).isEqualTo(201);
            body = io.netforge.support.Http.parse(response.body());
        }
        assertThat(plain.get("contentSha256").asString()).hasSize(64);
        for (JsonNode other : List.of(part, body)) {
            assertThat(other.get("contentSha256")).isEqualTo(plain.get("contentSha256"));
            assertThat(other.get("sha256")).isEqualTo(plain.get("sha256"));
            assertThat(other.get("sizeBytes")).isEqualTo(plain.get("sizeBytes"));
            assertThat(other.get("columns")).isEqualTo(plain.get("columns"));
            assertThat(rows(id(other), 3)).containsExactlyElementsOf(rows(id(plain), 3));
        }
        assertThat(part.get("name").asString()).isEqualTo("seed_train.csv");

        byte[] cut = java.util.Arrays.copyOf(gz, gz.length / 2);
        http.postMultipart(Part.file("cut.csv.gz", cut)).assertProblem(400, "file: not a valid gzip stream");
        http.postMultipart(Part.file("plain.csv.gz", seed)).assertProblem(400, "file: not a valid gzip stream",
                "Not in GZIP format");
        try (RawHttp raw = new RawHttp(port)) {
            RawHttp.Response response = raw.head("POST /datasets HTTP/1.1", "Content-Type: text/csv",
                    "Content-Encoding: br", "Content-Length: " + seed.length).stream(new java.io.ByteArrayInputStream(seed))
                    .response();
            assertThat(response.status()).isEqualTo(415);
            assertThat(response.body()).contains("Content-Encoding 'br' is not supported");
        }
    }

    /** decimal=, reads a semicolon file's decimal commas; a column of percentages keeps their points. */
    @Test
    void readsDecimalCommasAndPercentagesWhenUploaded() {
        JsonNode body = created(http.postCsv("a;rate;y\n1,5;12%;0\n-2,25;7,5%;1\n", "?decimal=,"));

        assertThat(body.get("columns").get(0).get("type").asString()).isEqualTo("numeric");
        assertThat(body.get("columns").get(1).get("percentages").asBoolean()).isTrue();
        assertThat(rows(id(body), 3)).containsExactly(new double[] { 1.5, 12, 0 }, new double[] { -2.25, 7.5, 1 });
        http.postCsv("a,y\n\"1,234.5\",0\n", "").assertProblem(400, "row 1", "column 'a'", "thousands separators");
        http.postCsv("a;y\n1,5;0\n", "?decimal=x").assertProblem(400, "decimal", "must be '.' or ','");
    }

    /** The content hash is of the typed cells: another spelling of the same table has it, another table does not. */
    @Test
    void hashesTheTableAsStoredNotTheBytes() {
        JsonNode one = created(http.postCsv("a,city,y\n1.0,Paris,0\n2,,1\n"));
        JsonNode same = created(http.postCsv("\uFEFFa;city;y\r\n 1 ;\"Paris\";0\r\n2.00;NA;1\r\n"));
        JsonNode other = created(http.postCsv("a,city,y\n1.0,Lyon,0\n2,,1\n"));
        JsonNode renamed = created(http.postCsv("b,city,y\n1.0,Paris,0\n2,,1\n"));

        assertThat(same.get("sha256")).isNotEqualTo(one.get("sha256"));
        assertThat(same.get("contentSha256")).isEqualTo(one.get("contentSha256"));
        assertThat(other.get("contentSha256")).isNotEqualTo(one.get("contentSha256"));
        assertThat(renamed.get("contentSha256")).isNotEqualTo(one.get("contentSha256"));
    }

    /** A Parquet upload on this database: the same stored table as its CSV. */
    @Test
    void storesAParquetFileAsItsCsv(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String csv = "day,city,member,amount,y\n2012-01-01,Paris,true,1.5,0\n2012-01-02,,false,-2.25,1\n"
                + "2012-01-03,Lyon,true,3,1\n";
        Path parquet = dir.resolve("t.parquet");
        Files.writeString(dir.resolve("t.csv"), csv);
        try (java.sql.Connection duck = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                java.sql.Statement sql = duck.createStatement()) {
            sql.execute("COPY (SELECT * FROM read_csv('" + dir.resolve("t.csv") + "', header = true, columns = {"
                    + "'day': 'DATE', 'city': 'VARCHAR', 'member': 'BOOLEAN', 'amount': 'DOUBLE', 'y': 'INTEGER'}))"
                    + " TO '" + parquet + "' (FORMAT parquet)");
        }
        JsonNode plain = created(http.postCsv(csv));
        JsonNode typed = created(http.post("?name=typed", "application/vnd.apache.parquet", Files.readAllBytes(parquet)));

        assertThat(typed.get("columns")).isEqualTo(plain.get("columns"));
        assertThat(typed.get("contentSha256")).isEqualTo(plain.get("contentSha256"));
        assertThat(rows(id(typed), 5)).containsExactlyElementsOf(rows(id(plain), 5));
        assertThat(typed.get("sizeBytes").asLong()).isEqualTo(Files.size(parquet));
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void takesTheLabelFromTheMiddleWhenNamed() {
        JsonNode body = created(http.postCsv("a,target,b\n1,yes,2\n3,no,4\n", "?label=target"));

        assertThat(body.get("label").asString()).isEqualTo("target");
        assertThat(body.get("features").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(rows(id(body), 3)).containsExactly(new double[] { 1, 1, 2 }, new double[] { 3, 0, 4 });
        assertThat(labels(body)).containsExactly(1, 0);
    }

    @Test
    void takesTheLabelFromAMultipartFormField() {
        JsonNode body = created(http.postMultipart(Part.field("label", "a"), Part.field("name", "by form"),
                Part.file("c:\\users\\me\\data.csv", "a,b,y\n0,2,5\n1,4,6\n".getBytes(StandardCharsets.UTF_8))));

        assertThat(body.get("label").asString()).isEqualTo("a");
        assertThat(body.get("name").asString()).isEqualTo("by form");
        assertThat(body.get("features").toString()).isEqualTo("[\"b\",\"y\"]");
    }

    @Test
    void readsASemicolonFileWithOptionsFromMultipartFields() {
        byte[] csv = "id;zip;city;score;y\n1;02134;Paris;1,5;a\n2;2134;;NA;b\n3;02134;Lyon;2;a\n"
                .getBytes(StandardCharsets.UTF_8);
        JsonNode body = created(http.postMultipart(Part.field("ignore", "id"), Part.field("categorical", "zip"),
                Part.field("missing", "NA"), Part.file("eu.csv", csv)));

        assertThat(body.get("delimiter").asString()).isEqualTo(";");
        assertThat(body.get("ignored").toString()).isEqualTo("[\"id\"]");
        assertThat(body.get("missingValues").toString()).isEqualTo("[\"NA\"]");
        JsonNode columns = body.get("columns");
        assertThat(columns.get(0).get("topLevels").toString())
                .isEqualTo("[{\"value\":\"02134\",\"count\":2},{\"value\":\"2134\",\"count\":1}]");
        assertThat(columns.get(1).get("missing").asLong()).isEqualTo(1);
        // a decimal comma is text: score is categorical, its NA missing
        assertThat(columns.get(2).get("type").asString()).isEqualTo("categorical");
        assertThat(columns.get(2).get("missing").asLong()).isEqualTo(1);
        assertThat(body.get("task").asString()).isEqualTo("binary");
        assertThat(body.get("classes").toString()).isEqualTo("[{\"value\":\"a\",\"count\":2},{\"value\":\"b\",\"count\":1}]");
        // level codes in sorted order, NaN for missing
        List<double[]> rows = rows(id(body), 4);
        assertThat(rows.get(1)[0]).isEqualTo(1);
        assertThat(rows.get(1)[1]).isNaN();
    }

    @Test
    void takesATabDelimiterAsAQueryParameter() {
        JsonNode body = created(http.postCsv("a\tb\ty\n1\t2\t0\n3\t4\t1\n", "?delimiter=tab"));

        assertThat(body.get("delimiter").asString()).isEqualTo("tab");
        assertThat(body.get("features").toString()).isEqualTo("[\"a\",\"b\"]");
    }

    @Test
    void namesAFileUploadAfterTheFileNameWithoutItsPath() {
        JsonNode body = created(http.postMultipart(
                Part.file("C:\\Users\\me\\iris two.csv", "a,y\n1,0\n2,1\n".getBytes(StandardCharsets.UTF_8))));

        assertThat(body.get("name").asString()).isEqualTo("iris two.csv");
    }

    @Test
    void sortsNumericLabelsNumericallyAndShowsThemAsNumbers() {
        JsonNode body = created(http.postCsv("a,y\n1,1\n2,-1\n3,1\n"));

        assertThat(body.get("classes").toString()).isEqualTo("[{\"value\":-1,\"count\":1},{\"value\":1,\"count\":2}]");
        assertThat(labels(body)).containsExactly(1, -1, 1); // a numeric label is read as its numbers

        JsonNode tens = created(http.postCsv("a,y\n1,10\n2,9\n"));
        assertThat(tens.get("classes").toString()).isEqualTo("[{\"value\":9,\"count\":1},{\"value\":10,\"count\":1}]");

        JsonNode halves = created(http.postCsv("a,y\n1,0.5\n2,0\n"));
        assertThat(halves.get("classes").toString()).isEqualTo("[{\"value\":0,\"count\":1},{\"value\":0.5,\"count\":1}]");
    }

    @Test
    void acceptsBomCrlfQuotesSpacesAndATrailingEmptyLine() {
        byte[] bom = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };
        byte[] text = "\"a\",\" b\",y\r\n\"1.5\", 2 ,\"0\"\r\n  -3 ,\"4e-1\",1\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] csv = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, csv, 0, bom.length);
        System.arraycopy(text, 0, csv, bom.length, text.length);

        JsonNode body = created(http.post("", "text/csv; charset=UTF-8", csv));

        assertThat(body.get("features").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(body.get("rows").asLong()).isEqualTo(2);
        assertThat(body.get("sizeBytes").asLong()).isEqualTo(csv.length);
        assertThat(body.get("sha256").asString()).isEqualTo(CsvDatasetParserTest.sha256(csv));
        assertThat(rows(id(body), 3)).containsExactly(new double[] { 1.5, 2, 0 }, new double[] { -3, 0.4, 1 });
    }

    @Test
    void namesADatasetWithoutNameOrFileNameAfterItsId() {
        JsonNode body = created(http.postCsv("a,y\n1,0\n2,1\n"));

        assertThat(body.get("name").asString()).isEqualTo("dataset-" + body.get("id").asString().substring(0, 8));
    }

    @Test
    void listsDatasetsNewestFirst() {
        JsonNode first = created(http.postCsv("a,y\n1,0\n2,1\n", "?name=first"));
        JsonNode second = created(http.postCsv("a,y\n1,0\n2,1\n", "?name=second"));

        Response list = http.get("/datasets");

        assertThat(list.status()).isEqualTo(200);
        List<String> ids = list.json().values().stream().map(d -> d.get("id").asString()).toList();
        assertThat(ids).containsSubsequence(second.get("id").asString(), first.get("id").asString());
        assertThat(ids.get(0)).isEqualTo(second.get("id").asString());
        // the list leaves the column descriptions out
        ((tools.jackson.databind.node.ObjectNode) second).remove("columns");
        assertThat(list.json().get(0)).isEqualTo(second);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Deletion
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void deletesADatasetWithItsChunks() {
        JsonNode body = created(http.postCsv("a,y\n1,0\n2,1\n"));
        UUID id = id(body);

        assertThat(http.delete("/datasets/" + id).status()).isEqualTo(204);

        http.get("/datasets/" + id).assertProblem(404, "dataset " + id + " does not exist");
        http.delete("/datasets/" + id).assertProblem(404, "dataset " + id + " does not exist");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM dataset_chunks WHERE dataset_id = ?", Long.class, id)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM dataset_columns WHERE dataset_id = ?", Long.class, id)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM dataset_levels WHERE dataset_id = ?", Long.class, id)).isZero();
        assertThat(store.find(id)).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.readRows(id, new int[] { 0 }, (a, b, c) -> { }))
                .isInstanceOf(DomainException.class).hasMessage("dataset " + id + " does not exist");
    }

    @Test
    void refusesToDeleteADatasetThatQueuedOrRunningModelsNeed() {
        UUID id = id(created(http.postCsv("a,y\n1,0\n2,1\n")));
        UUID model = UUID.randomUUID();
        usage.active.put(id, List.of(model));

        JsonNode problem = http.delete("/datasets/" + id).assertProblem(409, "dataset " + id, model.toString()).json();

        assertThat(problem.get("models").values()).extracting(JsonNode::asString).containsExactly(model.toString());
        assertThat(http.get("/datasets/" + id).status()).isEqualTo(200);

        usage.active.clear();
        assertThat(http.delete("/datasets/" + id).status()).isEqualTo(204);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Streaming and atomicity
    // ---------------------------------------------------------------------------------------------------------

    /** ~27 MB: tens of MB, many chunks, sent as it is generated. */
    static final long STREAM_ROWS = 150_000;

    @Test
    void storesACsvStreamedWithoutLengthAndReadsEveryValueBack() {
        GeneratedCsv[] sent = new GeneratedCsv[1];

        Response created = http.postStream("?name=streamed", () -> sent[0] = new GeneratedCsv(STREAM_ROWS));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode body = created.json();
        assertThat(body.get("rows").asLong()).isEqualTo(STREAM_ROWS);
        assertThat(body.get("sizeBytes").asLong()).isEqualTo(sent[0].served()).isGreaterThan(20_000_000);
        assertThat(body.get("sha256").asString()).isEqualTo(sent[0].sha256Hex());
        assertThat(body.get("classes").toString()).isEqualTo("[{\"value\":0,\"count\":" + (STREAM_ROWS - GeneratedCsv.ones(STREAM_ROWS))
                + "},{\"value\":1,\"count\":" + GeneratedCsv.ones(STREAM_ROWS) + "}]");
        long[] seen = new long[2]; // rows, chunks
        int width = GeneratedCsv.FEATURES + 1;
        store.readRows(id(body), IntStream.range(0, width).toArray(), (firstRow, count, values) -> {
            assertThat(firstRow).isEqualTo(seen[0]);
            assertThat((long) values.length * Long.BYTES).isLessThanOrEqualTo(CsvDatasetParser.CHUNK_BYTES);
            for (int r = 0; r < count; r++) {
                long row = firstRow + r + 1;
                for (int j = 0; j < GeneratedCsv.FEATURES; j++) {
                    if (values[r * width + j] != GeneratedCsv.value(row, j)) {
                        throw new AssertionError("row " + row + " x" + j + ": " + values[r * width + j]
                                + " != " + GeneratedCsv.value(row, j));
                    }
                }
                if (values[r * width + GeneratedCsv.FEATURES] != GeneratedCsv.label(row)) {
                    throw new AssertionError("row " + row + ": label " + values[r * width + GeneratedCsv.FEATURES]);
                }
            }
            seen[0] += count;
            seen[1]++;
        });
        assertThat(seen[0]).isEqualTo(STREAM_ROWS);
        assertThat(seen[1]).isGreaterThan(20);
    }

    @Test
    void leavesNothingBehindWhenARowFailsAfterManyChunks() {
        long datasets = count("datasets");
        long chunks = count("dataset_chunks");
        long columns = count("dataset_columns");
        long poison = 60_000; // 6241 rows a chunk: 9 chunks were written before the bad row

        http.postStream("", () -> new GeneratedCsv(poison + 10, poison))
                .assertProblem(400, "row 60000 (line 60001), column 'x3': 'inf' is not a finite number");

        assertThat(count("datasets")).isEqualTo(datasets);
        assertThat(count("dataset_chunks")).isEqualTo(chunks);
        assertThat(count("dataset_columns")).isEqualTo(columns);
    }

    @Test
    void leavesNothingBehindWhenTheClientDisconnectsMidUpload() throws Exception {
        long datasets = count("datasets");
        long chunks = count("dataset_chunks");
        HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
        GeneratedCsv csv = new GeneratedCsv(STREAM_ROWS);
        byte[] firstPart = csv.readNBytes(8_000_000);
        java.nio.file.Path tmp = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"));
        // other tests' bodies may still be arriving (a slow client waits for its read timeout): watch only this one
        Set<java.nio.file.Path> before = spooled(tmp);
        Set<java.nio.file.Path> ours = new HashSet<>();

        try (RawHttp raw = new RawHttp(port)) {
            raw.head("POST /datasets HTTP/1.1", "Content-Type: text/csv", "Content-Length: 40000000").send(firstPart);
            // the body is received into a file first, holding no database connection while it arrives
            // (SlowUploadTest shows the pool stays free; idle training workers may take one for a moment here)
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                ours.addAll(spooled(tmp));
                ours.removeAll(before);
                return !ours.isEmpty();
            });
            raw.abort();
        }
        // the half-received file is deleted, and no connection is left behind
        await().atMost(Duration.ofSeconds(30)).until(() -> ours.stream().noneMatch(java.nio.file.Files::exists));
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.getHikariPoolMXBean().getActiveConnections() == 0);
        assertThat(count("datasets")).isEqualTo(datasets);
        assertThat(count("dataset_chunks")).isEqualTo(chunks);
    }

    /** Bodies being received into files now. */
    private static Set<java.nio.file.Path> spooled(java.nio.file.Path tmp) throws IOException {
        try (var files = java.nio.file.Files.list(tmp)) {
            return files.filter(f -> f.getFileName().toString().startsWith("netforge-body-"))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void rejectsADeclaredLengthOverTheLimitBeforeReadingTheBody() throws Exception {
        try (RawHttp raw = new RawHttp(port)) {
            // 300 MB announced, nothing sent: the answer must come without waiting for the body.
            long start = System.nanoTime();
            RawHttp.Response response = raw.head("POST /datasets HTTP/1.1", "Content-Type: text/csv",
                    "Content-Length: 300000000").response();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.headers().get("content-type")).startsWith("application/problem+json");
            assertThat(response.body()).contains("request body: 300000000 bytes is larger than the limit of 268435456 bytes");
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    long count(String table) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM " + table, Long.class);
    }

    static JsonNode created(Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    static UUID id(JsonNode dataset) {
        return UUID.fromString(dataset.get("id").asString());
    }

    /** The values of the dataset's label column, as read (a level code for a categorical label). */
    List<Integer> labels(JsonNode dataset) {
        int position = dataset.get("columns").values().stream().map(c -> c.get("name").asString()).toList()
                .indexOf(dataset.get("label").asString());
        List<Integer> labels = new ArrayList<>();
        store.readRows(id(dataset), new int[] { position }, (first, count, values) -> {
            for (int r = 0; r < count; r++) {
                labels.add((int) values[r]);
            }
        });
        return labels;
    }
}
