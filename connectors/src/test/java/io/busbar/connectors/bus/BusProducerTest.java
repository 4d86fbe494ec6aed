package io.busbar.connectors.bus;

import io.busbar.bus.ConsumedRecord;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BusProducerTest extends BusTestSupport {

    record Order(String id, int amount) { }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:keyed").to("bus:orders?key=${header.customerId}");
                from("direct:plain").to("bus:plain");
                from("direct:json").to("bus:json?valueFormat=json");
                from("direct:partitioned").to("bus:events?partitions=4");
            }
        };
    }

    @Test
    void appendsBodyKeyAndUserHeadersAndRepliesWithTheDurablePosition() {
        Exchange reply = template.request("direct:keyed", e -> {
            e.getMessage().setBody("hello");
            e.getMessage().setHeader("customerId", "c-42");
            e.getMessage().setHeader("traceId", "t-1");
            e.getMessage().setHeader("attempt", 3);
        });

        assertThat(reply.getException()).isNull();
        assertThat(reply.getMessage().getHeader(BusConstants.TOPIC)).isEqualTo("orders");
        assertThat(reply.getMessage().getHeader(BusConstants.OFFSET, Long.class)).isZero();
        assertThat(reply.getMessage().getHeader(BusConstants.PARTITION, Integer.class)).isZero();
        assertThat(reply.getMessage().getHeader(BusConstants.TIMESTAMP, Long.class)).isPositive();

        ConsumedRecord record = readAll("orders", 1).get(0);
        assertThat(record.keyAsString()).isEqualTo("c-42");
        assertThat(record.valueAsString()).isEqualTo("hello");
        assertThat(header(record, "traceId")).isEqualTo("t-1");
        assertThat(header(record, "attempt")).isEqualTo("3");
    }

    @Test
    void takesTheKeyFromTheKeyHeaderWhenTheEndpointHasNoKeyOption() {
        template.sendBodyAndHeader("direct:plain", "v".getBytes(), BusConstants.KEY, "from-header");

        ConsumedRecord record = readAll("plain", 1).get(0);
        assertThat(record.keyAsString()).isEqualTo("from-header");
        assertThat(record.value()).containsExactly('v');
        assertThat(headerNames(record)).doesNotContain(BusConstants.KEY);
    }

    @Test
    void neverCopiesCamelComponentOrTransportHeadersWhateverTheirCase() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("CamelFileName", "/etc/passwd");
        headers.put("camelExecCommandExecutable", "rm");
        headers.put("CAmelExecCommandArgs", "-rf /");
        headers.put("CAMELHTTPURI", "http://evil");
        headers.put("org.apache.camel.SomeInternal", "x");
        headers.put("ORG.APACHE.CAMEL.Other", "x");
        headers.put("bus.OFFSET", 99L);
        headers.put("BUS.PARTITION", 7);
        headers.put("Content-Length", "12");
        headers.put("HOST", "example.org");
        headers.put("Transfer-Encoding", "chunked");
        headers.put("orderId", "o-1");
        headers.put("camera", "kept: starts with cam, not camel");
        template.sendBodyAndHeaders("direct:plain", "body", headers);

        ConsumedRecord record = readAll("plain", 1).get(0);
        assertThat(headerNames(record)).containsExactlyInAnyOrder("orderId", "camera");
    }

    @Test
    void writesObjectsAsJsonWithValueFormatJson() {
        template.sendBody("direct:json", new Order("o-7", 120));
        template.sendBody("direct:json", "{\"already\":\"json\"}");

        List<ConsumedRecord> records = readAll("json", 2);
        assertThat(records.get(0).valueAsString()).isEqualTo("{\"id\":\"o-7\",\"amount\":120}");
        assertThat(records.get(1).valueAsString()).isEqualTo("{\"already\":\"json\"}");
    }

    @Test
    void refusesAnObjectItCannotConvertAndNamesTheFix() {
        assertThatThrownBy(() -> template.sendBody("direct:plain", new Order("o-8", 1)))
                .isInstanceOf(CamelExecutionException.class)
                .rootCause().isInstanceOf(UnconvertibleBodyException.class)
                .hasMessageContaining(Order.class.getName()).hasMessageContaining("valueFormat=json");
    }

    @Test
    void createsTheTopicWithTheRequestedPartitionsOnFirstUse() {
        template.sendBody("direct:partitioned", "e");

        assertThat(bus.admin().describeTopic("events").partitions()).hasSize(4);
    }
}
