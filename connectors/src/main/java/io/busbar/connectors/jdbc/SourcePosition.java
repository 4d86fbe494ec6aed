package io.busbar.connectors.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.sql.Timestamp;

/**
 * How far a JDBC source has read: the last published value of the incrementing column and, in
 * timestamp+incrementing mode, of the timestamp column (epoch millis plus nanos, so no precision is lost).
 * Stored as JSON in the {@link io.busbar.connectors.position.PositionStore}, e.g.
 * {@code {"incrementing":1042,"timestampMillis":1764071110123,"timestampNanos":123456000}}. Immutable.
 */
record SourcePosition(Long incrementing, Timestamp timestamp) {

    static final SourcePosition START = new SourcePosition(null, null);

    String toJson() {
        ObjectNode node = RecordJson.NODES.objectNode();
        if (incrementing != null) {
            node.put("incrementing", incrementing);
        }
        if (timestamp != null) {
            node.put("timestampMillis", timestamp.getTime());
            node.put("timestampNanos", timestamp.getNanos());
        }
        return node.toString();
    }

    static SourcePosition fromJson(String json) {
        try {
            JsonNode node = RecordJson.MAPPER.readTree(json);
            Long inc = node.hasNonNull("incrementing") ? node.get("incrementing").longValue() : null;
            Timestamp ts = null;
            if (node.hasNonNull("timestampMillis")) {
                ts = new Timestamp(node.get("timestampMillis").longValue());
                ts.setNanos(node.path("timestampNanos").intValue());
            }
            return new SourcePosition(inc, ts);
        } catch (java.io.IOException e) {
            throw new JdbcConfigException("Stored position '" + json + "' is not valid JSON: delete it from topic "
                    + io.busbar.connectors.position.PositionStore.TOPIC + " or use a new connectorId", e);
        }
    }
}
