package io.busbar.connectors.bus;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class BusHeaderFilterStrategyTest {

    private final BusHeaderFilterStrategy filter = new BusHeaderFilterStrategy();
    private final CamelContext context = new DefaultCamelContext();
    private final Exchange exchange = new DefaultExchange(context);

    @ParameterizedTest
    @ValueSource(strings = { "CamelFileName", "camelFileName", "CAMELFILENAME", "cAmElExecCommandExecutable",
            "org.apache.camel.Foo", "ORG.Apache.Camel.Foo", "bus.KEY", "BUS.offset", "Bus.Dlq.Attempts",
            "Content-Length", "content-length", "HOST", "Transfer-Encoding", "Authorization" })
    void keepsInternalAndTransportHeadersOutOfRecords(String name) {
        assertThat(filter.applyFilterToCamelHeaders(name, "v", exchange)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "orderId", "customer", "camera", "x-trace-id", "busy", "Content-Type" })
    void copiesTheUsersHeadersIntoRecords(String name) {
        assertThat(filter.applyFilterToCamelHeaders(name, "v", exchange)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = { "CamelFileName", "camelfilename", "CAMELHTTPURI", "org.apache.camel.X" })
    void neverLetsARecordSetCamelHeaders(String name) {
        assertThat(filter.applyFilterToExternalHeaders(name, "v", exchange)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = { "orderId", "bus.dlq.exception.class", "Content-Type" })
    void deliversRecordHeadersIncludingDeadLetterInformation(String name) {
        assertThat(filter.applyFilterToExternalHeaders(name, "v", exchange)).isFalse();
    }
}
