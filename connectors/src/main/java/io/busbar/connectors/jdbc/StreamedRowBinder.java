package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Binds a record shaped like the previous one (the same top-level fields in the same order) straight from Jackson's
 * streaming parser, without building the record's tree: each value still goes through {@link JsonColumnBinder}, so
 * the rules are the same; only the object, its map and its entries are not built. Used by the statement path of
 * inserts (MariaDB, H2; PostgreSQL streams into COPY instead, {@link CopyTextFormat#tryAppendRow}). Stateless.
 */
final class StreamedRowBinder {

    private StreamedRowBinder() {
    }

    /**
     * Binds parameter i+1 from {@code fields.get(i)} of the record; false when the record is shaped otherwise, is not
     * valid JSON, or a value does not convert (the parameters may then be half bound: the caller binds the row again
     * from the tree, which sets every parameter or reports the error).
     */
    static boolean bind(PreparedStatement ps, List<TableColumns.Column> columns, List<String> fields, byte[] json,
                        TypeMapping mapping)
            throws SQLException {
        try (JsonParser p = RecordJson.MAPPER.getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            int i = 0;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                if (i == columns.size() || !fields.get(i).equals(p.currentName())) {
                    return false;
                }
                JsonToken v = p.nextToken();
                JsonNode value = v == JsonToken.VALUE_STRING ? TextNode.valueOf(p.getText())
                        : v == JsonToken.VALUE_NULL ? NullNode.getInstance() : RecordJson.MAPPER.readTree(p);
                JsonColumnBinder.bind(ps, i + 1, columns.get(i), value, mapping);
                i++;
            }
            return t == JsonToken.END_OBJECT && i == columns.size();
        } catch (IOException | RuntimeException e) {
            return false; // malformed, or a value that does not fit: the tree path says which
        }
    }
}
