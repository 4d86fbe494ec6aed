package io.busbar.connectors.http;

import io.busbar.connectors.http.server.HttpRequestRejectedException;
import io.busbar.connectors.http.server.HttpProblem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.busbar.bus.BusRecord;
import io.busbar.bus.Header;

/**
 * Turns one ingest request body into the records it carries, refusing a body that is not what the configured
 * {@link IngestFormat} promises (400), is declared as another media type (415) or is too large (413).
 * A JSON array body, or an {@code application/x-ndjson} body, is a batch: one record per element or line; every
 * record of a request gets the request's key and headers. Stateless and thread-safe.
 */
final class IngestRequestParser {

    static final String NDJSON = "application/x-ndjson";

    private static final ObjectMapper MAPPER = JsonResponses.MAPPER;

    private final IngestFormat format;
    private final int maxBodyBytes;

    IngestRequestParser(IngestFormat format, int maxBodyBytes) {
        this.format = format;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The records of one request; {@code batch} when the body was an array or JSON lines (answered per record). */
    record ParsedBody(List<BusRecord> records, boolean batch) { }

    ParsedBody parse(byte[] body, String contentType, byte[] key, List<Header> headers) {
        if (body.length > maxBodyBytes) {
            throw new HttpRequestRejectedException(HttpProblem.BODY_TOO_LARGE, "The body has " + body.length
                    + " bytes, more than the limit of " + maxBodyBytes + ": split it into several requests"
                    + " or raise maxBodyBytes");
        }
        String mediaType = mediaType(contentType);
        return switch (format) {
            case JSON -> parseJson(body, mediaType, key, headers);
            case TEXT -> new ParsedBody(List.of(record(key, requireUtf8(body), headers)), false);
            case BINARY -> new ParsedBody(List.of(record(key, body, headers)), false);
        };
    }

    private ParsedBody parseJson(byte[] body, String mediaType, byte[] key, List<Header> headers) {
        if (!mediaType.isEmpty() && !mediaType.equals("application/json") && !mediaType.equals(NDJSON)
                && !mediaType.endsWith("+json")) {
            throw new HttpRequestRejectedException(HttpProblem.UNSUPPORTED_MEDIA_TYPE, "Content-Type '" + mediaType
                    + "' is not accepted here: this endpoint takes JSON, send 'Content-Type: application/json'"
                    + " (or application/x-ndjson for one record per line)");
        }
        if (isBlank(body)) {
            throw new HttpRequestRejectedException(HttpProblem.INVALID_BODY,
                    "The body is empty: send a JSON value, a JSON array of values or JSON lines");
        }
        if (mediaType.equals(NDJSON)) {
            return new ParsedBody(parseJsonLines(body, key, headers), true);
        }
        JsonNode document = readJson(body, "The body");
        if (!document.isArray()) {
            // a single value is stored exactly as sent, so a client's bytes round-trip unchanged
            return new ParsedBody(List.of(record(key, body, headers)), false);
        }
        return new ParsedBody(arrayElements(document, key, headers), true);
    }

    private List<BusRecord> arrayElements(JsonNode document, byte[] key, List<Header> headers) {
        if (document.isEmpty()) {
            throw new HttpRequestRejectedException(HttpProblem.INVALID_BODY,
                    "The body is an empty JSON array: send at least one element");
        }
        List<BusRecord> records = new ArrayList<>(document.size());
        for (JsonNode element : document) {
            records.add(record(key, writeJson(element), headers));
        }
        return records;
    }

    private List<BusRecord> parseJsonLines(byte[] body, byte[] key, List<Header> headers) {
        List<BusRecord> records = new ArrayList<>();
        String text = new String(requireUtf8(body), StandardCharsets.UTF_8);
        int lineNumber = 0;
        for (String line : text.split("\n")) {
            lineNumber++;
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            byte[] value = trimmed.getBytes(StandardCharsets.UTF_8);
            readJson(value, "Line " + lineNumber);
            records.add(record(key, value, headers));
        }
        if (records.isEmpty()) {
            throw new HttpRequestRejectedException(HttpProblem.INVALID_BODY,
                    "The JSON lines body has no line with a value: send one JSON value per line");
        }
        return records;
    }

    /** Parses exactly one JSON value; trailing content after it is an error. */
    private static JsonNode readJson(byte[] json, String what) {
        try (JsonParser parser = MAPPER.createParser(json)) {
            JsonNode node = MAPPER.readTree(parser);
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw new HttpRequestRejectedException(HttpProblem.INVALID_BODY, what + " holds more than one JSON value"
                        + " (extra " + trailing + " at character " + parser.currentLocation().getCharOffset()
                        + "): wrap the values in a JSON array, or send them as application/x-ndjson");
            }
            return node;
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
            throw new HttpRequestRejectedException(HttpProblem.INVALID_BODY, what + " is not valid JSON ("
                    + e.getOriginalMessage() + at + "): fix the JSON or declare another format");
        } catch (IOException e) {
            throw new HttpRequestRejectedException(HttpProblem.INVALID_BODY, what + " cannot be read as JSON ("
                    + e.getMessage() + "): fix the JSON or declare another format");
        }
    }

    private static byte[] writeJson(JsonNode element) {
        try {
            return MAPPER.writeValueAsBytes(element);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot re-encode a parsed JSON element: " + e.getMessage(), e);
        }
    }

    private static byte[] requireUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
            return body;
        } catch (CharacterCodingException e) {
            throw new HttpRequestRejectedException(HttpProblem.INVALID_BODY,
                    "The body is not valid UTF-8 text: send UTF-8, or use format=binary for bytes");
        }
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    /** "application/json; charset=utf-8" → "application/json"; absent → "". */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return type.trim().toLowerCase(Locale.ROOT);
    }

    private static BusRecord record(byte[] key, byte[] value, List<Header> headers) {
        return new BusRecord(null, key, value, headers, BusRecord.NO_TIMESTAMP);
    }
}
