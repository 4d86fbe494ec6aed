package com.example.shout;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;

import java.util.Locale;
import java.util.Map;

/**
 * A user's own Camel component, packaged as a jar and dropped into Busbar's plugins folder: {@code shout:<suffix>}
 * turns the message body to upper case and appends the suffix. Camel finds it through
 * META-INF/services/org/apache/camel/component/shout.
 */
public class ShoutComponent extends DefaultComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        return new ShoutEndpoint(uri, this, remaining);
    }

    static final class ShoutEndpoint extends DefaultEndpoint {
        private final String suffix;

        ShoutEndpoint(String uri, ShoutComponent component, String suffix) {
            super(uri, component);
            this.suffix = suffix;
        }

        @Override
        public Producer createProducer() {
            return new DefaultProducer(this) {
                @Override
                public void process(Exchange exchange) {
                    String body = exchange.getMessage().getBody(String.class);
                    exchange.getMessage().setBody(body.toUpperCase(Locale.ROOT) + suffix);
                }
            };
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            throw new UnsupportedOperationException("shout: is a producer only (use it in to:)");
        }
    }
}
