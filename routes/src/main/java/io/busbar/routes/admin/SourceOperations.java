package io.busbar.routes.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.busbar.bus.Bus;
import io.busbar.connectors.position.PositionStore;

import java.util.ArrayList;
import java.util.List;

/**
 * The positions of the sources (file, JDBC), as they stored them in the bus's positions topic, with what can be
 * told from them alone: for a file source the bytes of its files not yet read ({@code lagBytes}); for a JDBC source
 * its last incrementing value and timestamp (epoch ms) (how many rows are behind it only the database knows). Thread-safe.
 */
public final class SourceOperations implements AutoCloseable {

    /** One source instance: {@code kind} is file, jdbc or other; {@code position} is its stored JSON. */
    public record SourcePosition(String id, String kind, JsonNode position, Long lagBytes, Long incrementing,
                                 Long timestampMillis) { }

    private final PositionStore store;

    public SourceOperations(Bus bus) {
        this.store = new PositionStore(bus);
    }

    public List<SourcePosition> list() {
        List<SourcePosition> out = new ArrayList<>();
        store.all().forEach((id, json) -> out.add(view(id, json)));
        return out;
    }

    static SourcePosition view(String id, String json) {
        JsonNode position;
        try {
            position = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException notJson) {
            return new SourcePosition(id, "other", Json.MAPPER.getNodeFactory().textNode(json), null, null, null);
        }
        if (position.has("files")) {
            long lag = 0;
            for (JsonNode f : position.path("files")) {
                if (!f.path("complete").asBoolean(false)) {
                    lag += Math.max(0, f.path("size").asLong() - f.path("position").asLong());
                }
            }
            return new SourcePosition(id, "file", position, lag, null, null);
        }
        if (position.has("incrementing") || position.has("timestampMillis")) {
            JsonNode inc = position.path("incrementing");
            JsonNode ts = position.path("timestampMillis");
            return new SourcePosition(id, "jdbc", position, null, inc.canConvertToLong() ? inc.asLong() : null,
                    ts.canConvertToLong() ? ts.asLong() : null);
        }
        return new SourcePosition(id, "other", position, null, null, null);
    }

    @Override
    public void close() {
        store.close();
    }
}
