package io.busbar.connectors.http;

import io.busbar.connectors.http.server.Access;
import io.busbar.connectors.http.server.Authenticator;
import io.busbar.connectors.http.server.HttpRouter;
import io.busbar.connectors.http.server.RouterProcessor;
import io.busbar.connectors.http.server.Scope;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.netty.http.NettyHttpEndpoint;
import org.apache.camel.support.jsse.SSLContextParameters;

import java.util.List;

/**
 * One Busbar HTTP listener: a camel-netty-http consumer on {@code host:port} (HTTPS when given TLS parameters) whose
 * every request goes to one {@link RouterProcessor}. The admin API, console, metrics, the HTTP ingest and the read
 * API are all served this way, alone or together on one port. The binding is {@link SseNettyHttpBinding}, so live
 * tails ({@code text/event-stream}) work on every listener. Bodies larger than {@code maxBodyBytes} get Netty's own
 * 413 before any handler runs. Not thread-safe while configured; Camel builds the route once.
 */
public class HttpListenerRoutes extends RouteBuilder {

    /** Route id of the ingest-and-read listener built by {@link #ingestAndReadApi}, for management and tests. */
    public static final String ROUTE_ID = "busbar-http-listener";

    private final String routeId;
    private final String host;
    private final int port;
    private final RouterProcessor router;
    private final SSLContextParameters tls;
    private final long maxBodyBytes;

    public HttpListenerRoutes(String routeId, String host, int port, RouterProcessor router, SSLContextParameters tls,
                              long maxBodyBytes) {
        this.routeId = routeId;
        this.host = host;
        this.port = port;
        this.router = router;
        this.tls = tls;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * The ingest ({@code POST /topics/{topic}}) and read API on one listener, with the ingest configuration's plain
     * tokens standing for {@code read:*} and {@code write:*} (as a single-purpose listener in a test or a program).
     */
    public static HttpListenerRoutes ingestAndReadApi(String host, int port, HttpIngestProcessor ingest, HttpReadApi readApi) {
        HttpIngestConfiguration c = ingest.getConfiguration();
        List<Scope> readWrite = List.of(Scope.parse("read:*"), Scope.parse("write:*"));
        Authenticator auth = Authenticator.builder(null).plainTokens("tokens", c.getTokens(), readWrite)
                .plainTokenFile("tokensFile", c.getTokensFile(), readWrite).build();
        return new HttpListenerRoutes(ROUTE_ID, host, port, new RouterProcessor(ingestRoutes(ingest, readApi), auth),
                null, Math.min(Integer.MAX_VALUE, 4L * c.getMaxBodyBytes()));
    }

    /** The routes of the ingest and the read API, each with the scope it needs. */
    public static HttpRouter<AsyncProcessor> ingestRoutes(HttpIngestProcessor ingest, HttpReadApi readApi) {
        HttpRouter<AsyncProcessor> routes = new HttpRouter<>();
        routes.add("POST", "/topics/{topic}", Access.write("topic"), ingest);
        readApi.addRoutes(routes);
        return routes;
    }

    @Override
    public void configure() {
        String scheme = tls == null ? "http" : "https";
        String uriHost = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host; // an IPv6 literal
        NettyHttpEndpoint listener = getContext().getEndpoint("netty-http:" + scheme + "://" + uriHost + ":" + port
                + "/?matchOnUriPrefix=true&chunkedMaxContentLength=" + Math.min(Integer.MAX_VALUE, maxBodyBytes),
                NettyHttpEndpoint.class);
        if (tls != null) {
            listener.getConfiguration().setSsl(true);
            listener.getConfiguration().setSslContextParameters(tls);
        }
        listener.setNettyHttpBinding(new SseNettyHttpBinding());
        listener.getNettyHttpBinding().setHeaderFilterStrategy(listener.getHeaderFilterStrategy());
        from(listener).routeId(routeId).process(router);
    }
}
