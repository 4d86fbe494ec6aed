package io.busbar.connectors.jdbc;

import io.busbar.bus.Bus;
import org.apache.camel.CamelContext;

/** Finds the {@link Bus} a connector bean uses: the single one bound in the Camel registry. */
final class BusLookup {

    private BusLookup() {
    }

    static Bus find(CamelContext context, String connector) {
        Bus bus = context.getRegistry().findSingleByType(Bus.class);
        if (bus == null) {
            throw new JdbcConfigException(connector + " needs a Bus in the Camel registry: run the pipeline with"
                    + " `busbar run`, or bind one (context.getRegistry().bind(\"bus\", Bus.open(config)))");
        }
        return bus;
    }
}
