package io.busbar.connectors.http;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.Header;

/**
 * The JSON shape of a record in the read API and the SSE stream: {@code topic, partition, offset, timestamp, key,
 * value, headers}. Key, value and header values are UTF-8 text when they decode as such, else base64, and
 * {@code keyEncoding}/{@code valueEncoding} say which ({@code base64} can also be forced). Stateless, thread-safe.
 */
final class RecordJson {

    private RecordJson() {
    }

    static ObjectNode toJson(ConsumedRecord record, boolean forceBase64) {
        ObjectNode node = JsonResponses.MAPPER.createObjectNode();
        node.put("topic", record.topic());
        node.put("partition", record.partition());
        node.put("offset", record.offset());
        node.put("timestamp", record.timestamp());
        putBytes(node, "key", record.key(), forceBase64);
        putBytes(node, "value", record.value(), forceBase64);
        ArrayNode headers = node.putArray("headers");
        for (Header h : record.headers()) {
            putBytes(headers.addObject().put("key", h.key()), "value", h.value(), forceBase64);
        }
        return node;
    }

    private static void putBytes(ObjectNode node, String field, byte[] bytes, boolean forceBase64) {
        if (bytes == null) {
            node.putNull(field);
            return;
        }
        String text = forceBase64 ? null : utf8OrNull(bytes);
        if (text != null) {
            node.put(field, text);
        } else {
            node.put(field, Base64.getEncoder().encodeToString(bytes));
            node.put(field + "Encoding", "base64");
        }
    }

    private static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
