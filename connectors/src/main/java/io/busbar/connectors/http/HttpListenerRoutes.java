package io.busbar.connectors.http;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.netty.http.NettyHttpEndpoint;

/**
 * The default HTTP listener of the bus: one camel-netty-http consumer on {@code host:port} that sends
 * {@code POST /topics/{topic}} to the {@link HttpIngestProcessor} and every {@code GET} to the {@link HttpReadApi}
 * (topics, records, SSE streams, groups). The ingest's {@code maxBodyBytes} also bounds what Netty aggregates:
 * bodies up to four times the limit get a JSON 413 from the ingest, larger ones Netty's own 413.
 * Not thread-safe while configured; Camel builds the routes once.
 */
public class HttpListenerRoutes extends RouteBuilder {

    /** Route id of the listener, for management and tests. */
    public static final String ROUTE_ID = "busbar-http-listener";

    private final String host;
    private final int port;
    private final HttpIngestProcessor ingest;
    private final HttpReadApi readApi;

    public HttpListenerRoutes(String host, int port, HttpIngestProcessor ingest, HttpReadApi readApi) {
        this.host = host;
        this.port = port;
        this.ingest = ingest;
        this.readApi = readApi;
    }

    @Override
    public void configure() {
        long aggregateLimit = Math.min(Integer.MAX_VALUE, 4L * ingest.getConfiguration().getMaxBodyBytes());
        NettyHttpEndpoint listener = getContext().getEndpoint("netty-http:http://" + host + ":" + port
                + "/?matchOnUriPrefix=true&chunkedMaxContentLength=" + aggregateLimit, NettyHttpEndpoint.class);
        listener.setNettyHttpBinding(new SseNettyHttpBinding());
        listener.getNettyHttpBinding().setHeaderFilterStrategy(listener.getHeaderFilterStrategy());

        from(listener).routeId(ROUTE_ID)
                .choice()
                    .when(header(Exchange.HTTP_METHOD).isEqualTo("POST")).process(ingest)
                    .otherwise().process(readApi)
                .end();
    }
}
