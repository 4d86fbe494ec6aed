package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * COPY text encoding without a database (the round trip through PostgreSQL is {@link PostgresCopyWriterTest}): the
 * escapes and NULLs, and the streaming fast path writing exactly the bytes of the tree path, or nothing.
 */
class CopyTextFormatTest {

    private static final List<TableColumns.Column> COLUMNS = List.of(
            new TableColumns.Column("id", Types.BIGINT, "int8"),
            new TableColumns.Column("name", Types.VARCHAR, "varchar"),
            new TableColumns.Column("amount", Types.NUMERIC, "numeric"),
            new TableColumns.Column("at", Types.TIMESTAMP, "timestamp"),
            new TableColumns.Column("ok", Types.BIT, "bool"));
    private static final List<String> FIELDS = List.of("id", "name", "amount", "at", "ok");

    private static String treePath(String json) throws Exception {
        CopyTextFormat format = CopyTextFormat.forColumns(COLUMNS, TypeMapping.DEFAULTS);
        format.appendRow(FIELDS, RecordJson.MAPPER.readTree(json));
        return new String(format.bytes(), 0, format.length(), StandardCharsets.UTF_8);
    }

    /** The streamed row, or null when the fast path declined (and then it must have appended nothing). */
    private static String streamed(String json) {
        CopyTextFormat format = CopyTextFormat.forColumns(COLUMNS, TypeMapping.DEFAULTS);
        boolean taken = format.tryAppendRow(FIELDS, json.getBytes(StandardCharsets.UTF_8));
        if (!taken) {
            assertThat(format.length()).as("a declined row leaves nothing behind").isZero();
            return null;
        }
        return new String(format.bytes(), 0, format.length(), StandardCharsets.UTF_8);
    }

    @Test
    void escapesTextAndWritesNullsAsCopyTextReadsThem() throws Exception {
        assertThat(treePath("{\"id\":\"7\",\"name\":\"a\\tb\\nc\\r\\\\d \\\"q\\\", 한🚀\",\"amount\":\"\",\"at\":null,\"ok\":\"true\"}"))
                .isEqualTo("7\ta\\tb\\nc\\r\\\\d \"q\", 한🚀\t\\N\t\\N\tt\n");
        assertThat(treePath("{\"id\":1,\"name\":\"\",\"amount\":1234567890123456789012345678.5,"
                + "\"at\":\"2026-11-02T01:01:00+09:00\",\"ok\":false}"))
                .as("empty text stays text; 28 digits exact; a zoned timestamp in UTC")
                .isEqualTo("1\t\t1234567890123456789012345678.5\t2026-11-01 16:01:00\tf\n");
    }

    /** The sink's type mapping options hold on the COPY path as on the statement path. */
    @Test
    void copyFollowsTheSinksTypeMappingOptions() throws Exception {
        CopyTextFormat seoul = CopyTextFormat.forColumns(COLUMNS,
                new TypeMapping(false, java.time.ZoneId.of("Asia/Seoul"), true));
        seoul.appendRow(FIELDS, RecordJson.MAPPER.readTree("{\"id\":1,\"name\":\"n\",\"amount\":1,"
                + "\"at\":\"2026-11-02T01:01:00Z\",\"ok\":\"yes\"}"));
        assertThat(new String(seoul.bytes(), 0, seoul.length(), StandardCharsets.UTF_8))
                .as("a zoned timestamp stored in timestampZone; 'yes' is true")
                .isEqualTo("1\tn\t1\t2026-11-02 10:01:00\tt\n");
        CopyTextFormat strict = CopyTextFormat.forColumns(COLUMNS, new TypeMapping(false, java.time.ZoneOffset.UTC, true));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> strict.appendRow(FIELDS, RecordJson.MAPPER.readTree(
                "{\"id\":1,\"name\":\"n\",\"amount\":\"\",\"at\":null,\"ok\":true}")))
                .as("emptyStringAsNull=false: an empty amount is refused, not NULL")
                .isInstanceOf(RecordMappingException.class).hasMessageContaining("amount");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> strict.appendRow(FIELDS, RecordJson.MAPPER.readTree(
                "{\"id\":1,\"name\":\"n\",\"amount\":1,\"at\":null,\"ok\":\"maybe\"}")))
                .as("a boolean is read strictly").isInstanceOf(RecordMappingException.class);
    }

    /** (Fractions of seconds here end in a non-zero digit: the fast path copies "10.50" as it is, the tree writes "10.5".) */
    @Test
    void streamingWritesTheSameBytesAsTheTreeOrDeclines() throws Exception {
        for (String json : List.of(
                "{\"id\":\"42\",\"name\":\"plain\",\"amount\":\"12.50\",\"at\":\"2026-11-25T13:45:10.123456\",\"ok\":true}",
                "{\"id\":-9,\"name\":\"\\\\N \\t\\n🚀 서울\",\"amount\":-0.01,\"at\":\"2026-11-25T13:45:10\",\"ok\":\"false\"}",
                "{\"id\":\"\",\"name\":null,\"amount\":\"\",\"at\":\"\",\"ok\":null}",
                "{\"id\":\" 5 \",\"name\":\"x\",\"amount\":\"1e3\",\"at\":\"2026-11-25T13:45:10Z\",\"ok\":1}",
                "{\"id\":\"+5\",\"name\":{\"nested\":[1,2]},\"amount\":\"-7.25\",\"at\":\"2026-11-25T13:45:10.1234567\",\"ok\":0}")) {
            assertThat(streamed(json)).as(json).isEqualTo(treePath(json));
        }
        assertThat(streamed("{\"name\":\"x\",\"id\":1,\"amount\":1,\"at\":null,\"ok\":true}")).as("other order").isNull();
        assertThat(streamed("{\"id\":1,\"name\":\"x\",\"amount\":1,\"at\":null}")).as("a field missing").isNull();
        assertThat(streamed("{\"id\":1,\"name\":\"x\",\"amount\":1,\"at\":null,\"ok\":true,\"extra\":1}")).isNull();
        assertThat(streamed("{\"id\":1,\"name\":\"x\",\"amount\":\"lots\",\"at\":null,\"ok\":true}")).as("bad value").isNull();
        assertThat(streamed("{\"id\":1,\"name\":\"x\"")).as("truncated JSON").isNull();
        assertThat(streamed("[1,2]")).isNull();
    }

    @Test
    void aValueThatDoesNotFitNamesTheColumnAndWhatToSend() {
        assertThatThrownBy(() -> treePath("{\"id\":1,\"name\":\"x\",\"amount\":\"lots\",\"at\":null,\"ok\":true}"))
                .isInstanceOf(RecordMappingException.class).hasMessageContaining("'amount'").hasMessageContaining("lots");
        assertThatThrownBy(() -> treePath("{\"id\":1,\"name\":\"x\",\"amount\":1,\"at\":\"+12026-01-01T00:00:00\",\"ok\":true}"))
                .as("a year PostgreSQL writes otherwise: the batch goes by statements")
                .isInstanceOf(CopyTextFormat.NotCopyable.class);
    }

    @Test
    void columnTypesCopyTextIsNotUsedForAreLeftToStatements() {
        assertThat(CopyTextFormat.forColumns(List.of(new TableColumns.Column("flags", Types.BIT, "bit")), TypeMapping.DEFAULTS)).isNull();
        assertThat(CopyTextFormat.forColumns(List.of(new TableColumns.Column("price", Types.DOUBLE, "money")), TypeMapping.DEFAULTS)).isNull();
        assertThat(CopyTextFormat.forColumns(Arrays.asList(new TableColumns.Column("doc", Types.OTHER, "jsonb")), TypeMapping.DEFAULTS)).isNotNull();
    }

    @Test
    void bytesAreHexEscapedForBytea() throws Exception {
        CopyTextFormat format = CopyTextFormat.forColumns(List.of(new TableColumns.Column("b", Types.BINARY, "bytea")), TypeMapping.DEFAULTS);
        JsonNode row = RecordJson.MAPPER.readTree("{\"b\":\"AAH/\"}");
        format.appendRow(List.of("b"), row);
        assertThat(new String(format.bytes(), 0, format.length(), StandardCharsets.US_ASCII)).isEqualTo("\\\\x0001ff\n");
    }
}
