package io.busbar.routes.http;

import io.busbar.connectors.http.HttpListenerRoutes;
import io.busbar.connectors.http.server.Authenticator;
import io.busbar.connectors.http.server.HttpRouter;
import io.busbar.connectors.http.server.ListenerTls;
import io.busbar.connectors.http.server.RouterProcessor;
import io.busbar.connectors.http.server.Scope;
import io.busbar.connectors.http.server.TokenStore;
import io.busbar.routes.BusbarSettings;
import io.busbar.routes.InvalidSettingException;
import io.busbar.routes.RuntimeKeys;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The runtime's HTTP listeners, shared by its services: each service asks to {@link #serve} its routes on the
 * address of its setting; services asking for the same {@code host:port} share one listener (one Netty server, one
 * router), others get their own. Every listener has the same authentication (the {@link TokenStore} and the plain
 * tokens of older settings, {@link HttpKeys}) and, when configured, the same HTTPS key and certificate. All
 * listeners run in one Camel context of their own, up before the pipelines start and until after they stop.
 *
 * <p>Secure by default: a listener beyond loopback with no token configured refuses to start, naming the settings.
 * Thread-safe (synchronized); services start and stop from the runtime's thread.
 */
public final class HttpListeners implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpListeners.class);
    private static final ListenerTls.SettingNames TLS_NAMES = new ListenerTls.SettingNames(HttpKeys.TLS_CERT.name(),
            HttpKeys.TLS_KEY.name(), HttpKeys.TLS_KEYSTORE.name());

    /** What one service serves on a listener; {@link #close()} takes its routes off (the last one stops the listener). */
    public final class Served implements AutoCloseable {
        private final Listener listener;
        private final HttpRouter<AsyncProcessor> routes;
        private boolean closed;

        private Served(Listener listener, HttpRouter<AsyncProcessor> routes) {
            this.listener = listener;
            this.routes = routes;
        }

        /** The bound address (the real port when 0 was asked). */
        public InetSocketAddress address() {
            return listener.address;
        }

        /** {@code http://host:port} or {@code https://host:port}. */
        public String url() {
            return listener.url();
        }

        @Override
        public void close() {
            synchronized (HttpListeners.this) {
                if (!closed) {
                    closed = true;
                    leave(listener, routes);
                }
            }
        }
    }

    private final class Listener {
        final String key;
        final String routeId;
        final InetSocketAddress address;
        final RouterProcessor processor;
        int services;

        Listener(String key, String routeId, InetSocketAddress address, RouterProcessor processor) {
            this.key = key;
            this.routeId = routeId;
            this.address = address;
            this.processor = processor;
        }

        String url() {
            String host = address.getHostString();
            return (tls != null ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":"
                    + address.getPort();
        }
    }

    private final BusbarSettings settings;
    private final Map<String, Listener> listeners = new HashMap<>();
    private CamelContext camel;
    private Authenticator authenticator;
    private SSLContextParameters tls;
    private int nextId;

    public HttpListeners(BusbarSettings settings) {
        this.settings = settings;
    }

    /**
     * Serves {@code routes} on the listener of {@code setting} (value {@code address}), opening it if no service did.
     *
     * @param what         what the routes are, for messages ("Admin API", "HTTP ingest")
     * @param maxBodyBytes largest request body the listener aggregates when this call opens it (Netty's 413 above)
     * @throws InvalidSettingException naming the setting: not bindable, beyond loopback without a token, bad TLS
     */
    public synchronized Served serve(String what, String setting, ListenerAddress address, HttpRouter<AsyncProcessor> routes,
                                     long maxBodyBytes) throws Exception {
        prepareSecurity();
        boolean loopback = address.isLoopback(setting);
        if (!loopback && !authenticator.required()) {
            throw new InvalidSettingException(what + " listener " + address + " (" + setting + ") is reachable beyond"
                    + " this machine but no HTTP token is configured: issue one with 'busbar tokens add NAME --scope admin'"
                    + " (stored hashed in " + tokenStorePath() + ", " + HttpKeys.TOKEN_STORE.name() + "), or set "
                    + HttpKeys.ADMIN_TOKEN.name() + " or " + HttpKeys.HTTP_TOKENS.name() + ", or bind 127.0.0.1");
        }
        if (!loopback && tls == null) {
            LOG.warn("{} listener {} is reachable beyond this machine over plain HTTP: tokens travel in clear. Set {} and {}"
                    + " (or {}) for HTTPS (docs/security.md)", what, address, HttpKeys.TLS_CERT.name(),
                    HttpKeys.TLS_KEY.name(), HttpKeys.TLS_KEYSTORE.name());
        }
        String key = address.port() == 0 ? null : address.host() + ":" + address.port();
        Listener listener = key == null ? null : listeners.get(key);
        for (HttpRouter.Route<AsyncProcessor> r : routes.routes()) {
            ServiceHelper.startService(r.handler());
        }
        if (listener == null) {
            listener = open(what, setting, address, maxBodyBytes, key);
        }
        listener.processor.router().addAll(routes);
        listener.services++;
        return new Served(listener, routes);
    }

    private Listener open(String what, String setting, ListenerAddress address, long maxBodyBytes, String key)
            throws Exception {
        if (camel == null) {
            camel = new DefaultCamelContext();
            camel.getCamelContextExtension().setName("busbar-http");
            camel.start();
        }
        InetSocketAddress bind = address.resolve(setting);
        int port = address.port() == 0 ? freePort(bind) : address.port();
        String routeId = "busbar-http-" + (++nextId);
        RouterProcessor processor = new RouterProcessor(new HttpRouter<>(), authenticator);
        try {
            camel.addRoutes(new HttpListenerRoutes(routeId, address.host(), port, processor, tls, maxBodyBytes));
        } catch (Exception e) {
            removeRoute(routeId);
            Throwable bindFailure = bindFailure(e);
            if (bindFailure != null) {
                throw new InvalidSettingException(what + " listener " + address.host() + ":" + port + " cannot be bound ("
                        + bindFailure.getMessage() + "): set " + setting + " to a free port, or port 0");
            }
            throw e;
        }
        Listener listener = new Listener(key == null ? routeId : key, routeId, new InetSocketAddress(bind.getAddress(), port),
                processor);
        listeners.put(listener.key, listener);
        return listener;
    }

    private void leave(Listener listener, HttpRouter<AsyncProcessor> routes) {
        listener.processor.router().removeAll(routes);
        for (HttpRouter.Route<AsyncProcessor> r : routes.routes()) {
            ServiceHelper.stopService(r.handler());
        }
        if (--listener.services > 0) {
            return;
        }
        listeners.remove(listener.key);
        removeRoute(listener.routeId);
        if (listeners.isEmpty()) {
            close();
        }
    }

    private void removeRoute(String routeId) {
        try {
            if (camel != null && camel.getRoute(routeId) != null) {
                camel.getRouteController().stopRoute(routeId);
                camel.removeRoute(routeId);
            }
        } catch (Exception e) {
            LOG.warn("HTTP listener route {} did not stop cleanly", routeId, e);
        }
    }

    /** Stops every listener (the runtime calls it after its services stopped). */
    @Override
    public synchronized void close() {
        listeners.clear();
        if (camel != null) {
            camel.stop();
            camel = null;
        }
    }

    /** The authentication every listener shares, built once from the settings. */
    public synchronized Authenticator authenticator() {
        prepareSecurity();
        return authenticator;
    }

    private void prepareSecurity() {
        if (authenticator != null) {
            return;
        }
        List<Scope> readWrite = List.of(Scope.parse("read:*"), Scope.parse("write:*"));
        try {
            authenticator = Authenticator.builder(TokenStore.open(tokenStorePath()))
                    .plainTokens(HttpKeys.ADMIN_TOKEN.name(), settings.get(HttpKeys.ADMIN_TOKEN), List.of(Scope.ADMIN))
                    .plainTokens(HttpKeys.HTTP_TOKENS.name(), settings.get(HttpKeys.HTTP_TOKENS), readWrite)
                    .plainTokenFile(HttpKeys.HTTP_TOKENS_FILE.name(), settings.get(HttpKeys.HTTP_TOKENS_FILE), readWrite)
                    .build();
            ListenerTls t = new ListenerTls(path(HttpKeys.TLS_CERT), path(HttpKeys.TLS_KEY),
                    settings.get(HttpKeys.TLS_KEY_PASSWORD), path(HttpKeys.TLS_KEYSTORE),
                    settings.get(HttpKeys.TLS_KEYSTORE_PASSWORD));
            tls = t.enabled() ? t.sslContextParameters(TLS_NAMES) : null;
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            authenticator = null;
            throw new InvalidSettingException(e.getMessage());
        }
    }

    /** Where the hashed tokens live: {@code busbar.http.token.store}, else {@code <data dir>/http-tokens}. */
    public Path tokenStorePath() {
        String configured = settings.get(HttpKeys.TOKEN_STORE);
        return configured != null ? Path.of(configured) : defaultTokenStore(settings.getPath(RuntimeKeys.DATA_DIR));
    }

    /** The token store's default place in a data directory (the CLI uses it too). */
    public static Path defaultTokenStore(Path dataDir) {
        return dataDir.resolve("http-tokens");
    }

    private Path path(io.busbar.routes.ConfigKey key) {
        String v = settings.get(key);
        return v == null || v.isBlank() ? null : Path.of(v);
    }

    private static int freePort(InetSocketAddress bind) throws IOException {
        // camel-netty-http does not tell the port it bound, so port 0 is resolved here, just before binding
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(bind.getAddress(), 0));
            return s.getLocalPort();
        }
    }

    private static Throwable bindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return t;
            }
        }
        return null;
    }
}
