package io.busbar.connectors.http.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.connectors.bus.BusComponent;
import io.busbar.connectors.http.HttpIngestConfiguration;
import io.busbar.connectors.http.HttpIngestProcessor;
import io.busbar.connectors.http.HttpListenerRoutes;
import io.busbar.connectors.http.HttpReadApi;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The server side of {@code connectors/bench/http-load.sh}: on {@code args[1]} the real HTTP ingest (durable
 * acknowledgement, fsync durability) into a fresh bus in {@code args[0]}; on {@code args[2]} the same camel-netty-http
 * listener answering the same kind of JSON without touching the bus — the ceiling the ingest is compared with.
 * Prints READY, then runs until stdin closes.
 */
public final class HttpIngestBenchServer {

    private HttpIngestBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args[0]));
        int ingestPort = Integer.parseInt(args[1]);
        int limitPort = Integer.parseInt(args[2]);
        try (Bus bus = Bus.open(BusConfig.builder(dir).build())) {
            bus.admin().createTopicIfAbsent("bench", 1, Map.of());
            CamelContext camel = new DefaultCamelContext();
            camel.addComponent("bus", new BusComponent(bus));
            HttpIngestConfiguration config = new HttpIngestConfiguration();
            config.setMaxInFlightRecords(16_384);
            camel.addRoutes(HttpListenerRoutes.ingestAndReadApi("127.0.0.1", ingestPort, new HttpIngestProcessor(bus, config),
                    new HttpReadApi(bus)));
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("netty-http:http://127.0.0.1:" + limitPort + "/?matchOnUriPrefix=true").routeId("no-bus-limit")
                            .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(200))
                            .setHeader(Exchange.CONTENT_TYPE, constant("application/json"))
                            .setBody(constant("{\"topic\":\"bench\",\"partition\":0,\"offset\":0,\"timestamp\":0}"));
                }
            });
            camel.start();
            System.out.println("READY");
            System.out.flush();
            while (System.in.read() >= 0) {
                // run until the script closes our stdin
            }
            System.out.println("records in topic bench: "
                    + bus.admin().describeTopic("bench").partitions().get(0).endOffset());
            camel.stop();
        }
    }
}
