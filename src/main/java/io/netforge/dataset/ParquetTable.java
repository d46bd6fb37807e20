package io.netforge.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

import io.netforge.problem.DomainException;

/**
 * An Apache Parquet file read as rows of text cells for {@link CsvDatasetParser#parseRows}, with DuckDB's JDBC
 * driver (its own native Parquet reader; no Hadoop). The file's logical types decide the cells: strings are text
 * (never numbers, so a zip code keeps its zeros; dates and boolean words in them are recognised as in a CSV), booleans {@code true}/{@code false}, integers and decimals their
 * plain digits, floats and doubles their shortest round-trip decimal, dates {@code 2012-01-31}, timestamps ISO 8601
 * (with their offset when they have one), a null a missing cell. Other types (lists, structs, blobs, intervals) are
 * a 422 naming the column, unless the upload leaves it out with {@code ignore=}.
 *
 * <p>Rows stream in the file's order, a vector at a time: DuckDB runs on one thread under a memory limit of its own
 * ({@value #MEMORY_LIMIT}), and the JVM holds one row. The file must be on disk (Parquet's footer is at its end).
 */
final class ParquetTable implements CsvDatasetParser.TableRows {

    /** DuckDB's own memory for one read (native, beside the heap). */
    static final String MEMORY_LIMIT = "128MB";

    private static final byte[] MAGIC = {'P', 'A', 'R', '1'};

    private final Path file;
    private final String source;
    private final List<String> header = new ArrayList<>();
    private final List<String> types = new ArrayList<>();
    private final long sizeBytes;
    private final String sha256;

    /**
     * Opens the file's schema.
     *
     * @throws DomainException 400 when it is not a Parquet file
     */
    ParquetTable(Path file, String source) {
        this.file = file;
        this.source = source;
        try {
            this.sizeBytes = Files.size(file);
            this.sha256 = sha256(file);
            checkMagic();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (Connection connection = connect(); Statement statement = connection.createStatement();
                ResultSet columns = statement.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + literal() + ")")) {
            while (columns.next()) {
                header.add(columns.getString("column_name"));
                types.add(columns.getString("column_type").toUpperCase(Locale.ROOT));
            }
        } catch (SQLException e) {
            throw invalid(e);
        }
    }

    @Override
    public List<String> header() {
        return header;
    }

    @Override
    public List<String> textColumns() {
        List<String> text = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            if (types.get(i).equals("VARCHAR")) {
                text.add(header.get(i));
            }
        }
        return text;
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public String sha256() {
        return sha256;
    }

    @Override
    public void forEachRow(Set<String> stored, Consumer<List<String>> row) {
        int n = header.size();
        Render[] render = new Render[n];
        for (int i = 0; i < n; i++) {
            render[i] = stored.contains(header.get(i)) ? render(header.get(i), types.get(i)) : (rs, c) -> "";
        }
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.setFetchSize(2048);
            try (ResultSet rows = statement.executeQuery("SELECT * FROM read_parquet(" + literal() + ")")) {
                while (rows.next()) {
                    String[] cells = new String[n];
                    for (int i = 0; i < n; i++) {
                        String text = render[i].text(rows, i + 1);
                        cells[i] = text == null || rows.wasNull() ? "" : text; // SQL NULL: a missing cell
                    }
                    row.accept(Arrays.asList(cells));
                }
            }
        } catch (SQLException e) {
            throw invalid(e);
        }
    }

    /** One column's value as text, read once: null (or anything, with {@code wasNull()}) for SQL NULL. */
    @FunctionalInterface
    private interface Render {
        String text(ResultSet rows, int column) throws SQLException;
    }

    private Render render(String name, String type) {
        if (type.equals("VARCHAR")) {
            return ResultSet::getString;
        }
        if (type.equals("BOOLEAN")) {
            return (rs, c) -> rs.getBoolean(c) ? "true" : "false";
        }
        if (Set.of("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
                "HUGEINT", "UHUGEINT").contains(type)) {
            return (rs, c) -> java.util.Objects.toString(rs.getObject(c), null);
        }
        if (type.equals("FLOAT")) {
            return (rs, c) -> Float.toString(rs.getFloat(c));
        }
        if (type.equals("DOUBLE")) {
            return (rs, c) -> Double.toString(rs.getDouble(c));
        }
        if (type.startsWith("DECIMAL")) {
            return (rs, c) -> text(rs.getObject(c, BigDecimal.class), BigDecimal::toPlainString);
        }
        if (type.equals("DATE")) {
            return (rs, c) -> text(rs.getObject(c, LocalDate.class), LocalDate::toString);
        }
        if (type.equals("TIMESTAMP WITH TIME ZONE")) {
            return (rs, c) -> text(rs.getObject(c, OffsetDateTime.class), OffsetDateTime::toString);
        }
        if (type.startsWith("TIMESTAMP")) {
            return (rs, c) -> text(rs.getObject(c, LocalDateTime.class), LocalDateTime::toString);
        }
        throw DomainException.unprocessable(source + ": column '" + CsvDatasetParser.abbreviate(name)
                + "' has the Parquet type " + type + ", which is not a table cell netforge reads (strings, booleans,"
                + " integers, decimals, floats, dates and timestamps are); leave it out with ignore=" + name)
                .with("column", name);
    }

    private static <T> String text(T value, java.util.function.Function<T, String> render) {
        return value == null ? null : render.apply(value);
    }

    private Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("jdbc_stream_results", "true");
        Connection connection = DriverManager.getConnection("jdbc:duckdb:", properties);
        try (Statement settings = connection.createStatement()) {
            settings.execute("SET threads = 1");
            settings.execute("SET memory_limit = '" + MEMORY_LIMIT + "'");
            settings.execute("SET preserve_insertion_order = true");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /** The file's path as a SQL string literal (the service names its spool files; quotes are doubled anyway). */
    private String literal() {
        return "'" + file.toAbsolutePath().toString().replace("'", "''") + "'";
    }

    private void checkMagic() throws IOException {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (sizeBytes < 12 || in.readNBytes(head, 0, 4) < 4 || !Arrays.equals(head, MAGIC)) {
                throw DomainException.invalidInput(source + ": not a Parquet file (it does not start with PAR1)");
            }
        }
    }

    private DomainException invalid(SQLException e) {
        String message = e.getMessage() == null ? "unreadable" : e.getMessage().lines().findFirst().orElse("");
        DomainException failure = DomainException.invalidInput(source + ": the Parquet file could not be read: "
                + shortened(message.replace(file.toAbsolutePath().toString(), "<upload>")));
        failure.initCause(e);
        return failure;
    }

    private static String shortened(String message) {
        return message.length() <= 300 ? message : message.substring(0, 297) + "...";
    }

    private static String sha256(Path file) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
