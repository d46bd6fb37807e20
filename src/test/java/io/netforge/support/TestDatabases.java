package io.netforge.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Real databases for tests, never mocks.
 *
 * <p>PostgreSQL comes from Testcontainers when a Docker engine answers, otherwise from the server at
 * {@code 127.0.0.1:5432} (database {@code test}, trust auth), overridable by the environment variables
 * {@code NETFORGE_TEST_PG_URL}, {@code NETFORGE_TEST_PG_USER} and {@code NETFORGE_TEST_PG_PASSWORD};
 * {@code NETFORGE_TEST_DOCKER=false} skips the Docker probe. Each call gets its own fresh schema, so
 * test classes never see each other's rows; the schemas are dropped when the JVM exits.
 */
public final class TestDatabases {

    private static PostgreSQLContainer container;
    private static boolean announced;

    private TestDatabases() {
    }

    /** Connection settings of one database schema. */
    public record Db(String url, String username, String password, String schema) {

        /** Points Spring's data source and Flyway at this database. */
        public void register(DynamicPropertyRegistry registry) {
            registry.add("spring.datasource.url", this::url);
            registry.add("spring.datasource.username", this::username);
            registry.add("spring.datasource.password", this::password);
            if (schema != null) {
                registry.add("spring.flyway.schemas", this::schema);
                registry.add("spring.flyway.default-schema", this::schema);
            }
        }

        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url, username, password);
        }
    }

    /** A fresh, empty schema on a real PostgreSQL server. */
    public static synchronized Db postgres() {
        String base;
        String user;
        String password;
        if (dockerAvailable()) {
            if (container == null) {
                container = new PostgreSQLContainer("postgres:16-alpine");
                container.start();
            }
            base = container.getJdbcUrl();
            user = container.getUsername();
            password = container.getPassword();
        } else {
            if (!announced) {
                announced = true;
                System.out.println("[TestDatabases] no Docker engine: PostgreSQL tests use "
                        + env("NETFORGE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test"));
            }
            base = env("NETFORGE_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
            user = env("NETFORGE_TEST_PG_USER", "postgres");
            password = env("NETFORGE_TEST_PG_PASSWORD", "");
        }
        String schema = "nf_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(base, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL for tests is not reachable at " + base
                    + " (start it, or set NETFORGE_TEST_PG_URL): " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> dropSchema(base, user, password, schema)));
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return new Db(url, user, password, schema);
    }

    /** A fresh in-memory H2 database, alive until the JVM exits. */
    public static Db h2() {
        return new Db("jdbc:h2:mem:nf_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1",
                "sa", "", null);
    }

    /** A fresh H2 database in a file under {@code directory}, as the default profile uses. */
    public static Db h2File(java.nio.file.Path directory) {
        return new Db("jdbc:h2:file:" + directory.resolve("netforge").toAbsolutePath() + ";WRITE_DELAY=0",
                "sa", "", null);
    }

    private static boolean dockerAvailable() {
        if ("false".equalsIgnoreCase(System.getenv("NETFORGE_TEST_DOCKER"))) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    private static void dropSchema(String base, String user, String password, String schema) {
        try (Connection c = DriverManager.getConnection(base, user, password); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException ignored) {
            // The server may already be gone at JVM exit; a leftover schema is harmless.
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
