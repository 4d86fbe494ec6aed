package io.busbar.connectors.http;

import java.nio.file.Path;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.connectors.bus.BusComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * A child JVM for {@link HttpIngestCrashTest}: opens the bus on {@code args[0]}, serves the HTTP listener on port
 * {@code args[1]}, prints READY and runs until it is killed.
 */
public final class HttpIngestChild {

    private HttpIngestChild() {
    }

    public static void main(String[] args) throws Exception {
        Bus bus = Bus.open(BusConfig.builder(Path.of(args[0])).build());
        bus.admin().createTopicIfAbsent("crash", 2, java.util.Map.of());
        CamelContext camel = new DefaultCamelContext();
        camel.addComponent("bus", new BusComponent(bus));
        HttpIngestConfiguration config = new HttpIngestConfiguration();
        camel.addRoutes(HttpListenerRoutes.ingestAndReadApi("127.0.0.1", Integer.parseInt(args[1]),
                new HttpIngestProcessor(bus, config), new HttpReadApi(bus)));
        camel.start();
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
