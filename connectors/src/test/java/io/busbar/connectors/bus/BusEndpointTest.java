package io.busbar.connectors.bus;

import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BusEndpointTest extends BusTestSupport {

    @Override
    public boolean isUseRouteBuilder() {
        return false;
    }

    @Test
    void readsEveryOptionFromTheUri() {
        BusEndpoint endpoint = context.getEndpoint("bus:orders?groupId=g&concurrency=3&maxInFlight=16"
                + "&autoOffsetReset=latest&maximumRedeliveries=5&redeliveryDelay=20&backoffMultiplier=3"
                + "&deadLetterTopic=orders-failed&partitions=6&valueFormat=json&key=${header.id}", BusEndpoint.class);

        BusConfiguration c = endpoint.getConfiguration();
        assertThat(c.getTopic()).isEqualTo("orders");
        assertThat(c.getGroupId()).isEqualTo("g");
        assertThat(c.getConcurrency()).isEqualTo(3);
        assertThat(c.getMaxInFlight()).isEqualTo(16);
        assertThat(c.getAutoOffsetReset()).isEqualTo("latest");
        assertThat(c.getMaximumRedeliveries()).isEqualTo(5);
        assertThat(c.getRedeliveryDelay()).isEqualTo(20);
        assertThat(c.getBackoffMultiplier()).isEqualTo(3.0);
        assertThat(c.effectiveDeadLetterTopic()).isEqualTo("orders-failed");
        assertThat(c.getPartitions()).isEqualTo(6);
        assertThat(c.getValueFormat()).isEqualTo("json");
        assertThat(c.getKey()).isEqualTo("${header.id}");
    }

    @Test
    void defaultsTheDeadLetterTopicToTopicDotDlq() {
        BusEndpoint endpoint = context.getEndpoint("bus:payments?groupId=g", BusEndpoint.class);
        assertThat(endpoint.getConfiguration().effectiveDeadLetterTopic()).isEqualTo("payments.dlq");
    }

    @Test
    void rejectsAnUnknownOptionNamingIt() {
        assertThatThrownBy(() -> context.getEndpoint("bus:orders?groupIdentifier=g"))
                .isInstanceOf(ResolveEndpointFailedException.class)
                .hasMessageContaining("groupIdentifier");
    }

    @Test
    void rejectsAnInvalidTopicName() {
        assertThatThrownBy(() -> context.getEndpoint("bus:bad topic!"))
                .isInstanceOf(ResolveEndpointFailedException.class)
                .hasMessageContaining("letters, digits");
    }

    @Test
    void consumingWithoutAGroupFailsWithTheFix() {
        assertThatThrownBy(() -> addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:orders").to("log:x");
            }
        })).rootCause()
                .hasMessageContaining("add ?groupId=<name>");
    }

    @Test
    void componentOptionsAreTheDefaultsOfItsEndpoints() {
        BusComponent component = context.getComponent("bus", BusComponent.class);
        component.getConfiguration().setMaximumRedeliveries(9);

        BusEndpoint endpoint = context.getEndpoint("bus:defaults?groupId=g", BusEndpoint.class);

        assertThat(endpoint.getConfiguration().getMaximumRedeliveries()).isEqualTo(9);
        assertThat(component.resolveBus()).isSameAs(bus);
    }
}
