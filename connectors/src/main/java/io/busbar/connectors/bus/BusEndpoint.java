package io.busbar.connectors.bus;

import io.busbar.bus.Bus;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.ResolveEndpointFailedException;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategyAware;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.support.DefaultEndpoint;

import java.util.Set;

/**
 * A topic of the bus. As a producer ({@code to: bus:orders}) it appends each exchange as a record; as a consumer
 * ({@code from: bus:orders?groupId=billing}) it delivers each record as an exchange, committing offsets only past
 * completed exchanges (at-least-once). Thread-safe; one instance per URI.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "bus", title = "Busbar Bus", syntax = "bus:topic",
        category = { Category.MESSAGING }, headersClass = BusConstants.class)
public class BusEndpoint extends DefaultEndpoint implements HeaderFilterStrategyAware {

    private static final Set<String> VALUE_FORMATS = Set.of("raw", "json");
    private static final Set<String> OFFSET_RESETS = Set.of("earliest", "latest", "none");

    @UriParam
    private final BusConfiguration configuration;

    public BusEndpoint(String uri, BusComponent component, BusConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
    }

    @Override
    public BusComponent getComponent() {
        return (BusComponent) super.getComponent();
    }

    public BusConfiguration getConfiguration() {
        return configuration;
    }

    /** The bus this endpoint reads and writes. */
    public Bus bus() {
        return getComponent().resolveBus();
    }

    @Override
    public Producer createProducer() {
        require(VALUE_FORMATS.contains(configuration.getValueFormat()), "valueFormat",
                configuration.getValueFormat(), "raw or json");
        return new BusProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        BusConfiguration c = configuration;
        if (c.getGroupId() == null || c.getGroupId().isBlank()) {
            throw new ResolveEndpointFailedException(getEndpointUri(),
                    "Consuming bus:" + c.getTopic() + " needs a consumer group: add ?groupId=<name>");
        }
        require(OFFSET_RESETS.contains(c.getAutoOffsetReset()), "autoOffsetReset", c.getAutoOffsetReset(),
                "earliest, latest or none");
        require(c.getConcurrency() >= 1, "concurrency", c.getConcurrency(), "at least 1");
        require(c.getMaxInFlight() >= 1, "maxInFlight", c.getMaxInFlight(), "at least 1");
        require(c.getMaxPollRecords() >= 1, "maxPollRecords", c.getMaxPollRecords(), "at least 1");
        require(c.getMaximumRedeliveries() >= -1, "maximumRedeliveries", c.getMaximumRedeliveries(), "0 or more, or -1 (until it succeeds)");
        require(c.getBackoffMultiplier() >= 1.0, "backoffMultiplier", c.getBackoffMultiplier(), "1.0 or more");
        require(!c.effectiveDeadLetterTopic().equals(c.getTopic()), "deadLetterTopic", c.getDeadLetterTopic(),
                "a topic other than the one consumed");
        BusConsumer consumer = new BusConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    private void require(boolean ok, String option, Object value, String expected) {
        if (!ok) {
            throw new ResolveEndpointFailedException(getEndpointUri(),
                    "Option " + option + "=" + value + " is invalid: use " + expected);
        }
    }

    @Override
    public HeaderFilterStrategy getHeaderFilterStrategy() {
        return configuration.getHeaderFilterStrategy();
    }

    @Override
    public void setHeaderFilterStrategy(HeaderFilterStrategy strategy) {
        configuration.setHeaderFilterStrategy(strategy);
    }
}
