package io.busbar.connectors.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Builds the HikariCP pool a connector uses. Connections start with auto-commit off (the sink commits its batches;
 * the source reads in short read-only transactions) and fail fast when the database is away, so the connector's
 * own backoff decides when to retry. PostgreSQL gets {@code reWriteBatchedInserts=true} (multi-row INSERTs from
 * JDBC batches), MariaDB {@code rewriteBatchedStatements}-style bulk via {@code useBulkStmts=true} and
 * {@code allowLocalInfile=true} (the sink's {@link MariaDbLoadWriter}).
 * Stateless; the returned pool is thread-safe.
 */
public final class ConnectionPools {

    private ConnectionPools() {
    }

    public static HikariDataSource create(String poolName, String jdbcUrl, String username, String password, int maxSize) {
        JdbcDialect dialect = JdbcDialect.fromUrl(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setJdbcUrl(jdbcUrl);
        if (username != null && !username.isBlank()) {
            config.setUsername(username);
        }
        if (password != null && !password.isEmpty()) {
            config.setPassword(password);
        }
        config.setAutoCommit(false);
        config.setMaximumPoolSize(maxSize);
        config.setMinimumIdle(0);
        // Do not fail at start when the database is away: the connector retries with backoff.
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        switch (dialect) {
            case POSTGRESQL -> {
                config.addDataSourceProperty("reWriteBatchedInserts", "true");
                config.addDataSourceProperty("connectTimeout", "5");
                config.addDataSourceProperty("socketTimeout", "60");
            }
            case MARIADB -> {
                config.addDataSourceProperty("useBulkStmts", "true");
                // the sink's LOAD DATA LOCAL sends its rows from memory; the driver sends no file the statement did not name
                config.addDataSourceProperty("allowLocalInfile", "true");
                config.addDataSourceProperty("connectTimeout", "5000");
                config.addDataSourceProperty("socketTimeout", "60000");
            }
            default -> {
            }
        }
        return new HikariDataSource(config);
    }
}
