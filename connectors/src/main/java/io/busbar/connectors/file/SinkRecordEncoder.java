package io.busbar.connectors.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVFormat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Turns record values into the bytes of a sink file in its {@link SinkFormat}. A value the format cannot hold
 * (a JSONL value spanning lines, a CSV value that is not a JSON object) is refused with
 * {@link IllegalArgumentException}: the bus: consumer then retries it and finally dead-letters it.
 * Thread-safe after construction (CSV columns are fixed per file by the caller).
 */
final class SinkRecordEncoder {

    private static final byte[] NEWLINE = {'\n'};

    private final SinkFormat format;
    private final byte[] separator;
    private final List<String> columns;
    private final ObjectMapper mapper;
    private final CSVFormat csv;

    SinkRecordEncoder(SinkFormat format, String separator, List<String> columns, ObjectMapper mapper) {
        this.format = format;
        this.separator = separator.replace("\\n", "\n").replace("\\r", "\r").replace("\\t", "\t").getBytes(StandardCharsets.UTF_8);
        this.columns = columns;
        this.mapper = mapper;
        this.csv = CSVFormat.RFC4180.builder().setRecordSeparator("\n").get();
    }

    /** Columns for a new CSV file: the configured ones, else the fields of its first record. */
    List<String> columnsFor(byte[] firstValue) {
        if (format != SinkFormat.CSV) {
            return List.of();
        }
        if (columns != null && !columns.isEmpty()) {
            return columns;
        }
        List<String> names = new ArrayList<>();
        jsonObject(firstValue).fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The header row of a new file (CSV only), or an empty array. */
    byte[] header(List<String> fileColumns) {
        if (format != SinkFormat.CSV) {
            return new byte[0];
        }
        return (csv.format(fileColumns.toArray()) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The bytes of one record in a file with these columns (CSV) — refused if the format cannot hold it. */
    byte[][] encode(byte[] value, List<String> fileColumns) {
        if (value == null) {
            throw new IllegalArgumentException("Record has no value (a tombstone): the file sink writes values only;"
                    + " filter tombstones out before it");
        }
        return switch (format) {
            case RAW -> new byte[][] {value, separator};
            case JSONL -> {
                for (byte b : value) {
                    if (b == '\n' || b == '\r') {
                        throw new IllegalArgumentException("Record value spans several lines and cannot be one JSON"
                                + " line: write compact JSON, or use format=raw");
                    }
                }
                yield new byte[][] {value, NEWLINE};
            }
            case CSV -> new byte[][] {csvRow(value, fileColumns)};
        };
    }

    private byte[] csvRow(byte[] value, List<String> fileColumns) {
        JsonNode node = jsonObject(value);
        List<String> row = new ArrayList<>(fileColumns.size());
        for (String column : fileColumns) {
            JsonNode field = node.get(column);
            row.add(field == null || field.isNull() ? "" : field.isValueNode() ? field.asText() : field.toString());
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fileColumns.contains(name)) {
                throw new IllegalArgumentException("Record has field '" + name + "' which is not a column of this file "
                        + fileColumns + ": set columns to the full list");
            }
        }
        return (csv.format(row.toArray()) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private JsonNode jsonObject(byte[] value) {
        try {
            JsonNode node = mapper.readTree(value);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("Record value is not a JSON object: format=csv needs objects"
                        + " {\"column\": value}; use format=jsonl or raw");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("Record value is not JSON (" + e.getMessage() + "): format=csv needs"
                    + " JSON objects; use format=raw", e);
        }
    }
}
