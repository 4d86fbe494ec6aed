package io.busbar.kafka.handler;

import io.busbar.bus.embedded.EmbeddedBus;
import org.apache.kafka.common.protocol.ApiKeys;

import java.util.Map;

/** Registers the consumer-group APIs (FindCoordinator ... DeleteGroups) on the bus's group coordinator. */
final class GroupHandlers {

    private GroupHandlers() {
    }

    static void register(EmbeddedBus bus, BrokerIdentity broker, Map<ApiKeys, ApiHandler> handlers) {
        // the group coordinator lands in bus-core; until then no group API is advertised
    }
}
