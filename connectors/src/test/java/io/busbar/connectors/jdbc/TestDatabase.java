package io.busbar.connectors.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Assumptions;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The databases the JDBC connector tests run on: H2 (embedded, always) and the PostgreSQL and MariaDB servers of
 * this machine. A server that is unreachable skips its tests with a message, except under {@code CI=true}, where
 * it fails them. Each test names its tables with {@link #uniqueName} so helpers running at once never collide.
 */
enum TestDatabase {
    H2("jdbc:h2:mem:busbar_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1", "sa", "", null, 0),
    POSTGRESQL("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "", "127.0.0.1", 5432),
    MARIADB("jdbc:mariadb://127.0.0.1:3306/test", "root", "", "127.0.0.1", 3306);

    final String url;
    final String user;
    final String password;
    private final String host;
    private final int port;

    TestDatabase(String url, String user, String password, String host, int port) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.host = host;
        this.port = port;
    }

    /** Skips the calling test when the server is unreachable (fails instead under CI=true). */
    void assumeAvailable() {
        if (host == null) {
            return;
        }
        String problem = null;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
        } catch (java.io.IOException e) {
            problem = e.getMessage();
        }
        if (problem == null) {
            return;
        }
        String message = name() + " at " + host + ":" + port + " is unreachable (" + problem + "): start it to run"
                + " these tests (user " + user + ", database test)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(message + "; CI=true, so this fails instead of skipping");
        }
        Assumptions.abort(message + "; skipped");
    }

    HikariDataSource pool() {
        assumeAvailable();
        return ConnectionPools.create("test-" + name().toLowerCase(), url, user, password, 4);
    }

    JdbcDialect dialect() {
        return JdbcDialect.fromUrl(url);
    }

    static String uniqueName(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** Runs DDL/DML and commits (pool connections have auto-commit off). */
    static void execute(javax.sql.DataSource ds, String... sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
            c.commit();
        }
    }

    /** DDL of a table with one column of every mapped type (as this database spells them) and key {@code id}. */
    String allTypesTable(String table) {
        return switch (this) {
            case H2 -> "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, small_v SMALLINT, int_v INTEGER,"
                    + " big_v BIGINT, dec_v DECIMAL(40,10), dbl_v DOUBLE PRECISION, bool_v BOOLEAN, date_v DATE,"
                    + " time_v TIME, ts_v TIMESTAMP(6), tstz_v TIMESTAMP(6) WITH TIME ZONE, text_v VARCHAR(200),"
                    + " bin_v VARBINARY(100))";
            case POSTGRESQL -> "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, small_v SMALLINT, int_v INTEGER,"
                    + " big_v BIGINT, dec_v NUMERIC(40,10), dbl_v DOUBLE PRECISION, bool_v BOOLEAN, date_v DATE,"
                    + " time_v TIME, ts_v TIMESTAMP(6), tstz_v TIMESTAMPTZ(6), text_v VARCHAR(200), bin_v BYTEA)";
            case MARIADB -> "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, small_v SMALLINT, int_v INT,"
                    + " big_v BIGINT, dec_v DECIMAL(40,10), dbl_v DOUBLE, bool_v BOOLEAN, date_v DATE,"
                    + " time_v TIME, ts_v DATETIME(6), tstz_v TIMESTAMP(6) NULL, text_v VARCHAR(200),"
                    + " bin_v VARBINARY(100)) DEFAULT CHARSET=utf8mb4";
        };
    }

    /** Whether this database's "tstz" column carries a zone (MariaDB has no zoned type). */
    boolean hasZonedTimestamp() {
        return this != MARIADB;
    }
}
