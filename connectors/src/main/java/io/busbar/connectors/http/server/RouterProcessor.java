package io.busbar.connectors.http.server;

import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.service.ServiceHelper;

import java.util.Map;

/**
 * Serves a {@link HttpRouter} on a Camel HTTP consumer (camel-netty-http): matches the request, authenticates it
 * unless the endpoint is open, checks the scope the route declares, then hands the exchange to the route's handler
 * with the path parameters and the {@link Principal} as exchange properties. Every failure, from the router (404,
 * 405), the {@link Authenticator} (401), the scope check (403) or the handler, becomes problem details. Handlers may
 * answer later (asynchronously). Thread-safe: the router may gain routes while serving.
 */
public final class RouterProcessor extends AsyncProcessorSupport {

    /** Exchange property with the matched path parameters ({@code Map<String, String>}). */
    public static final String PATH_PARAMS = "busbar.http.pathParams";
    /** Exchange property with the request's {@link Principal}; absent on open endpoints. */
    public static final String PRINCIPAL = "busbar.http.principal";

    private final HttpRouter<AsyncProcessor> router;
    private final Authenticator authenticator;

    public RouterProcessor(HttpRouter<AsyncProcessor> router, Authenticator authenticator) {
        this.router = router;
        this.authenticator = authenticator;
    }

    /** A synchronous handler as a route handler. */
    public static AsyncProcessor handler(Processor processor) {
        return AsyncProcessorConverterHelper.convert(processor);
    }

    /** A path parameter of the matched route. */
    @SuppressWarnings("unchecked")
    public static String pathParam(Exchange exchange, String name) {
        Map<String, String> params = exchange.getProperty(PATH_PARAMS, Map.class);
        return params == null ? null : params.get(name);
    }

    /** The request's principal, or null on an open endpoint. */
    public static Principal principal(Exchange exchange) {
        return exchange.getProperty(PRINCIPAL, Principal.class);
    }

    /** The request path without the query. */
    public static String path(Exchange exchange) {
        String uri = exchange.getIn().getHeader(Exchange.HTTP_URI, String.class);
        if (uri == null || uri.isEmpty()) {
            return "/";
        }
        int scheme = uri.indexOf("://");
        if (scheme >= 0) { // an absolute-form request target
            int slash = uri.indexOf('/', scheme + 3);
            uri = slash < 0 ? "/" : uri.substring(slash);
        }
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    public HttpRouter<AsyncProcessor> router() {
        return router;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        String path = path(exchange);
        AsyncProcessor handler;
        try {
            String method = exchange.getIn().getHeader(Exchange.HTTP_METHOD, "GET", String.class);
            HttpRouter.Match<AsyncProcessor> match = router.match(method, path);
            exchange.setProperty(PATH_PARAMS, match.params());
            Access access = match.route().access();
            if (!access.isOpen()) {
                Principal principal = authenticator.authenticate(exchange.getIn().getHeader("Authorization", String.class));
                Scope needed = access.required(match.params());
                if (!principal.allows(needed)) {
                    String scope = Access.describe(needed);
                    throw new HttpRequestRejectedException(HttpProblem.FORBIDDEN, "The token '" + principal.name()
                            + "' lacks the scope " + scope + " that " + method + " " + path + " needs: issue one with"
                            + " busbar tokens add NAME --scope " + scope.replace("<any topic>", "<topic>"),
                            Map.of("scope", scope));
                }
                exchange.setProperty(PRINCIPAL, principal);
            }
            handler = match.route().handler();
        } catch (RuntimeException e) {
            Problems.write(exchange, Problems.of(e, path), 1);
            callback.done(true);
            return true;
        }
        try {
            return handler.process(exchange, doneSync -> {
                Exception failure = exchange.getException();
                if (failure != null) {
                    exchange.setException(null);
                    Problems.write(exchange, Problems.of(failure, path), 1);
                }
                callback.done(doneSync);
            });
        } catch (RuntimeException e) {
            Problems.write(exchange, Problems.of(e, path), 1);
            callback.done(true);
            return true;
        }
    }

    @Override
    protected void doStart() throws Exception {
        for (HttpRouter.Route<AsyncProcessor> r : router.routes()) {
            ServiceHelper.startService(r.handler());
        }
    }

    @Override
    protected void doStop() throws Exception {
        for (HttpRouter.Route<AsyncProcessor> r : router.routes()) {
            ServiceHelper.stopService(r.handler());
        }
    }
}
