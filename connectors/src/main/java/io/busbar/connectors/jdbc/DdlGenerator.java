package io.busbar.connectors.jdbc;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Spells the JDBC sink's DDL in a dialect: {@code CREATE TABLE IF NOT EXISTS} from inferred column types and
 * {@code ALTER TABLE ... ADD COLUMN IF NOT EXISTS} (nullable) for new fields. The only place DDL text is made; the
 * sink and {@code busbar sql preview} both use it through {@link SchemaEvolution}. It never drops, narrows or
 * changes a column. Stateless, thread-safe.
 *
 * <p>Plain names ({@code letters, digits, _}) are folded to the case the database gives unquoted names (H2 upper,
 * PostgreSQL lower, MariaDB as written), so people can query the table without quotes; other names keep their
 * spelling and stay quoted.
 */
public final class DdlGenerator {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private DdlGenerator() {
    }

    /**
     * {@code CREATE TABLE IF NOT EXISTS}: every column nullable except the key columns (the primary key, when given).
     *
     * @param columns column name (already {@linkplain #storedName stored}) → type; null type (never a value) is text
     */
    public static String createTable(JdbcDialect dialect, String table, Map<String, InferredType> columns,
                                     List<String> keyColumns) {
        List<String> parts = new ArrayList<>();
        columns.forEach((name, type) -> parts.add(dialect.quote(name) + " " + sqlType(dialect, type, keyColumns.contains(name))
                + (keyColumns.contains(name) ? " NOT NULL" : "")));
        if (!keyColumns.isEmpty()) {
            parts.add("PRIMARY KEY (" + dialect.joinQuoted(keyColumns) + ")");
        }
        return "CREATE TABLE IF NOT EXISTS " + dialect.quoteQualified(storedName(dialect, table)) + " ("
                + String.join(", ", parts) + ")" + (dialect == JdbcDialect.MARIADB ? " DEFAULT CHARSET=utf8mb4" : "");
    }

    /** {@code ALTER TABLE ... ADD COLUMN IF NOT EXISTS}, nullable; {@code storedTable} as {@link TableColumns#table()}. */
    public static String addColumn(JdbcDialect dialect, String storedTable, String column, InferredType type) {
        return "ALTER TABLE " + dialect.quoteQualified(storedTable) + " ADD COLUMN IF NOT EXISTS " + dialect.quote(column)
                + " " + sqlType(dialect, type, false);
    }

    /** The name as the database stores it unquoted (each part of {@code schema.table}); other names as written. */
    public static String storedName(JdbcDialect dialect, String name) {
        return Arrays.stream(name.split("\\.")).map(part -> !PLAIN.matcher(part).matches() ? part : switch (dialect) {
            case H2 -> part.toUpperCase(Locale.ROOT);
            case POSTGRESQL -> part.toLowerCase(Locale.ROOT);
            case MARIADB -> part;
        }).collect(Collectors.joining("."));
    }

    /**
     * The column type. Decimals are exact and as wide as the database allows: H2 {@code DECFLOAT} and PostgreSQL
     * {@code NUMERIC} are unbounded, MariaDB has no such type, so {@code DECIMAL(65,30)} (35 digits before the point,
     * 30 after). Zoned timestamps are {@code TIMESTAMPTZ} where the database has one (MariaDB: {@code DATETIME(6)},
     * converted to the sink's timestampZone). MariaDB text keys are {@code VARCHAR(255)} (an index cannot hold LONGTEXT).
     */
    static String sqlType(JdbcDialect dialect, InferredType type, boolean key) {
        InferredType t = type == null ? InferredType.TEXT : type;
        return switch (dialect) {
            case H2 -> switch (t) {
                case BOOLEAN -> "BOOLEAN";
                case BIGINT -> "BIGINT";
                case DECIMAL -> "DECFLOAT";
                case DATE -> "DATE";
                case TIMESTAMP -> "TIMESTAMP(6)";
                case TIMESTAMPTZ -> "TIMESTAMP(6) WITH TIME ZONE";
                case TEXT -> "CHARACTER VARYING";
            };
            case POSTGRESQL -> switch (t) {
                case BOOLEAN -> "BOOLEAN";
                case BIGINT -> "BIGINT";
                case DECIMAL -> "NUMERIC";
                case DATE -> "DATE";
                case TIMESTAMP -> "TIMESTAMP(6)";
                case TIMESTAMPTZ -> "TIMESTAMPTZ(6)";
                case TEXT -> "TEXT";
            };
            case MARIADB -> switch (t) {
                case BOOLEAN -> "BOOLEAN";
                case BIGINT -> "BIGINT";
                case DECIMAL -> "DECIMAL(65,30)";
                case DATE -> "DATE";
                case TIMESTAMP, TIMESTAMPTZ -> "DATETIME(6)";
                case TEXT -> key ? "VARCHAR(255)" : "LONGTEXT";
            };
        };
    }
}
