package io.busbar.connectors.jdbc;

import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.Header;
import io.busbar.connectors.bus.BusConstants;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reading the JDBC sink's dead letters in tests: their headers, and the SQL state each record failed with. */
final class DeadLetters {

    private DeadLetters() {
    }

    /** The last value of header {@code name} (a retried record carries the latest attempt's), or null. */
    static String header(ConsumedRecord record, String name) {
        return record.headers().stream().filter(h -> h.key().equals(name)).map(Header::valueAsString)
                .reduce((a, b) -> b).orElse(null);
    }

    /** Record key → the database's SQL state in its dead letter. */
    static Map<String, String> sqlStatesByKey(List<ConsumedRecord> deadLetters) {
        Map<String, String> states = new HashMap<>();
        for (ConsumedRecord dl : deadLetters) {
            states.put(dl.keyAsString(), header(dl, BusConstants.DLQ_SQL_STATE));
        }
        return states;
    }
}
