package io.busbar.kafka;

import io.busbar.bus.InvalidConfigException;

import io.busbar.kafka.security.ListenerSpec;
import io.busbar.kafka.security.SecurityConfig;
import io.busbar.kafka.security.TlsSettings;
import org.apache.kafka.common.security.auth.SecurityProtocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of the Kafka listener, under the {@code busbar.kafka.} prefix. Immutable.
 *
 * @param enabled              {@code busbar.kafka.enabled}: start the listener at all (default true)
 * @param host                 host part of {@code busbar.kafka.listener} (default {@code 127.0.0.1:9092})
 * @param port                 port part; 0 picks a free port (tests)
 * @param advertisedHost       host part of {@code busbar.kafka.advertised.listener}: what clients are told to connect
 *                             to (default: the listener's host, and its bound port)
 * @param advertisedPort       port part, or -1 for the bound port
 * @param maxRequestBytes      {@code busbar.kafka.max.request.bytes}: larger request frames close the connection
 *                             (Kafka's socket.request.max.bytes, default 100 MiB)
 * @param connectionsMaxIdleMs {@code busbar.kafka.connections.max.idle.ms}: idle connections are closed (default 10 min)
 * @param handlerThreads       {@code busbar.kafka.handler.threads}: threads running request handlers
 * @param zeroCopy             {@code busbar.kafka.zero.copy}: send fetched segment bytes with sendfile (default true)
 * @param namedListeners       {@code busbar.kafka.listeners} (Kafka's {@code listeners}, with
 *                             {@code listener.security.protocol.map} and {@code advertised.listeners}); empty: one
 *                             PLAINTEXT listener on {@code busbar.kafka.listener}
 * @param security             TLS, SASL and ACL settings (docs/security.md)
 * @param maxConnections       {@code busbar.kafka.max.connections}: connections beyond it are closed at accept
 * @param maxConnectionsPerIp  {@code busbar.kafka.max.connections.per.ip}
 * @param queuedMaxRequestBytes {@code busbar.kafka.queued.max.request.bytes}: once requests read but not yet answered
 *                             hold this many bytes (all connections together), no more requests are read until
 *                             answers go out (Kafka's queued.max.request.bytes)
 */
public record KafkaListenerConfig(boolean enabled, String host, int port, String advertisedHost, int advertisedPort,
                                  int maxRequestBytes, long connectionsMaxIdleMs, int handlerThreads,
                                  boolean zeroCopy, List<ListenerSpec> namedListeners, SecurityConfig security,
                                  int maxConnections, int maxConnectionsPerIp, long queuedMaxRequestBytes) {

    public static final String ENABLED = "busbar.kafka.enabled";
    public static final String LISTENER = "busbar.kafka.listener";
    public static final String ADVERTISED_LISTENER = "busbar.kafka.advertised.listener";
    public static final String MAX_REQUEST_BYTES = "busbar.kafka.max.request.bytes";
    public static final String CONNECTIONS_MAX_IDLE_MS = "busbar.kafka.connections.max.idle.ms";
    public static final String HANDLER_THREADS = "busbar.kafka.handler.threads";
    public static final String ZERO_COPY = "busbar.kafka.zero.copy";
    public static final String LISTENERS = "busbar.kafka.listeners";
    public static final String PROTOCOL_MAP = "busbar.kafka.listener.security.protocol.map";
    public static final String ADVERTISED_LISTENERS = "busbar.kafka.advertised.listeners";
    public static final String MAX_CONNECTIONS = "busbar.kafka.max.connections";
    public static final String MAX_CONNECTIONS_PER_IP = "busbar.kafka.max.connections.per.ip";
    public static final String QUEUED_MAX_REQUEST_BYTES = "busbar.kafka.queued.max.request.bytes";

    public static final KafkaListenerConfig DEFAULT = new KafkaListenerConfig(true, "127.0.0.1", 9092, null, -1,
            100 * 1024 * 1024, 600_000, Math.max(2, Runtime.getRuntime().availableProcessors()), true, List.of(),
            SecurityConfig.DEFAULT, 10_000, 1_000, 512L * 1024 * 1024);

    public KafkaListenerConfig {
        if (port < 0 || port > 65535) {
            throw new InvalidConfigException(LISTENER + " port " + port + " is invalid: use 0-65535 (0: any free port)");
        }
        if (maxRequestBytes < 1024) {
            throw new InvalidConfigException(MAX_REQUEST_BYTES + " = " + maxRequestBytes + " is invalid: use at least 1024");
        }
        if (connectionsMaxIdleMs < 1) {
            throw new InvalidConfigException(CONNECTIONS_MAX_IDLE_MS + " = " + connectionsMaxIdleMs + " is invalid: use at least 1");
        }
        if (handlerThreads < 1) {
            throw new InvalidConfigException(HANDLER_THREADS + " = " + handlerThreads + " is invalid: use at least 1");
        }
        namedListeners = List.copyOf(namedListeners);
        if (maxConnections < 1) {
            throw new InvalidConfigException(MAX_CONNECTIONS + " = " + maxConnections + " is invalid: use at least 1");
        }
        if (maxConnectionsPerIp < 1) {
            throw new InvalidConfigException(MAX_CONNECTIONS_PER_IP + " = " + maxConnectionsPerIp + " is invalid: use at least 1");
        }
        if (queuedMaxRequestBytes < maxRequestBytes) {
            throw new InvalidConfigException(QUEUED_MAX_REQUEST_BYTES + " = " + queuedMaxRequestBytes + " is invalid: use at"
                    + " least " + MAX_REQUEST_BYTES + " (" + maxRequestBytes + "), so the largest request can be read");
        }
    }

    /** The listeners to start: the named ones, or one PLAINTEXT listener on host:port. */
    public List<ListenerSpec> listenerSpecs() {
        if (!namedListeners.isEmpty()) {
            return namedListeners;
        }
        return List.of(new ListenerSpec("PLAINTEXT", host, port, SecurityProtocol.PLAINTEXT, advertisedHost, advertisedPort));
    }

    /** The defaults on another host:port, e.g. {@code onAddress("127.0.0.1", 0)} in tests. */
    public static KafkaListenerConfig onAddress(String host, int port) {
        return DEFAULT.withListener(host, port);
    }

    public KafkaListenerConfig withListener(String newHost, int newPort) {
        return new KafkaListenerConfig(enabled, newHost, newPort, advertisedHost, advertisedPort, maxRequestBytes,
                connectionsMaxIdleMs, handlerThreads, zeroCopy, namedListeners, security, maxConnections,
                maxConnectionsPerIp, queuedMaxRequestBytes);
    }

    public KafkaListenerConfig withAdvertised(String newHost, int newPort) {
        return new KafkaListenerConfig(enabled, host, port, newHost, newPort, maxRequestBytes, connectionsMaxIdleMs,
                handlerThreads, zeroCopy, namedListeners, security, maxConnections, maxConnectionsPerIp,
                queuedMaxRequestBytes);
    }

    public KafkaListenerConfig withMaxRequestBytes(int v) {
        return new KafkaListenerConfig(enabled, host, port, advertisedHost, advertisedPort, v, connectionsMaxIdleMs,
                handlerThreads, zeroCopy, namedListeners, security, maxConnections, maxConnectionsPerIp,
                Math.max(v, queuedMaxRequestBytes));
    }

    public KafkaListenerConfig withConnectionsMaxIdleMs(long v) {
        return new KafkaListenerConfig(enabled, host, port, advertisedHost, advertisedPort, maxRequestBytes, v,
                handlerThreads, zeroCopy, namedListeners, security, maxConnections, maxConnectionsPerIp,
                queuedMaxRequestBytes);
    }

    public KafkaListenerConfig withZeroCopy(boolean v) {
        return new KafkaListenerConfig(enabled, host, port, advertisedHost, advertisedPort, maxRequestBytes,
                connectionsMaxIdleMs, handlerThreads, v, namedListeners, security, maxConnections, maxConnectionsPerIp,
                queuedMaxRequestBytes);
    }

    /** Several named listeners instead of the single PLAINTEXT one. */
    public KafkaListenerConfig withListeners(List<ListenerSpec> v) {
        return new KafkaListenerConfig(enabled, host, port, advertisedHost, advertisedPort, maxRequestBytes,
                connectionsMaxIdleMs, handlerThreads, zeroCopy, v, security, maxConnections, maxConnectionsPerIp,
                queuedMaxRequestBytes);
    }

    public KafkaListenerConfig withSecurity(SecurityConfig v) {
        return new KafkaListenerConfig(enabled, host, port, advertisedHost, advertisedPort, maxRequestBytes,
                connectionsMaxIdleMs, handlerThreads, zeroCopy, namedListeners, v, maxConnections, maxConnectionsPerIp,
                queuedMaxRequestBytes);
    }

    public KafkaListenerConfig withLimits(int newMaxConnections, int newMaxPerIp, long newQueuedMaxRequestBytes) {
        return new KafkaListenerConfig(enabled, host, port, advertisedHost, advertisedPort, maxRequestBytes,
                connectionsMaxIdleMs, handlerThreads, zeroCopy, namedListeners, security, newMaxConnections, newMaxPerIp,
                newQueuedMaxRequestBytes);
    }

    /** Reads the {@code busbar.kafka.*} keys of {@code props}; absent keys keep their defaults. */
    public static KafkaListenerConfig fromProperties(Map<String, String> props) {
        KafkaListenerConfig c = DEFAULT;
        String listener = props.get(LISTENER);
        String advertised = props.get(ADVERTISED_LISTENER);
        boolean enabled = Boolean.parseBoolean(props.getOrDefault(ENABLED, "true").trim());
        String host = c.host;
        int port = c.port;
        if (listener != null) {
            HostPort hp = HostPort.parse(LISTENER, listener);
            host = hp.host();
            port = hp.port();
        }
        String advHost = null;
        int advPort = -1;
        if (advertised != null && !advertised.isBlank()) {
            HostPort hp = HostPort.parse(ADVERTISED_LISTENER, advertised);
            advHost = hp.host();
            advPort = hp.port();
        }
        List<ListenerSpec> named = parseListeners(props);
        if (!named.isEmpty() && listener != null) {
            throw new InvalidConfigException("Both " + LISTENER + " and " + LISTENERS + " are set: keep " + LISTENERS
                    + " (it names every listener) and remove " + LISTENER);
        }
        int maxRequestBytes = (int) number(props, MAX_REQUEST_BYTES, c.maxRequestBytes);
        return new KafkaListenerConfig(enabled, host, port, advHost, advPort, maxRequestBytes,
                number(props, CONNECTIONS_MAX_IDLE_MS, c.connectionsMaxIdleMs),
                (int) number(props, HANDLER_THREADS, c.handlerThreads),
                Boolean.parseBoolean(props.getOrDefault(ZERO_COPY, "true").trim()), named, parseSecurity(props),
                (int) number(props, MAX_CONNECTIONS, c.maxConnections),
                (int) number(props, MAX_CONNECTIONS_PER_IP, c.maxConnectionsPerIp),
                Math.max(maxRequestBytes, number(props, QUEUED_MAX_REQUEST_BYTES, c.queuedMaxRequestBytes)));
    }

    /** Kafka's listeners / listener.security.protocol.map / advertised.listeners, under busbar.kafka. */
    static List<ListenerSpec> parseListeners(Map<String, String> props) {
        String listeners = props.get(LISTENERS);
        if (listeners == null || listeners.isBlank()) {
            return List.of();
        }
        Map<String, SecurityProtocol> protocols = new LinkedHashMap<>();
        for (SecurityProtocol p : List.of(SecurityProtocol.PLAINTEXT, SecurityProtocol.SSL, SecurityProtocol.SASL_PLAINTEXT,
                SecurityProtocol.SASL_SSL)) {
            protocols.put(p.name, p);
        }
        String map = props.get(PROTOCOL_MAP);
        if (map != null) {
            for (String entry : map.split(",")) {
                if (entry.isBlank()) {
                    continue;
                }
                String[] kv = entry.trim().split(":");
                SecurityProtocol p = kv.length == 2 ? protocols.get(kv[1].trim().toUpperCase(Locale.ROOT)) : null;
                if (kv.length != 2 || (p == null && !List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
                        .contains(kv[1].trim().toUpperCase(Locale.ROOT)))) {
                    throw new InvalidConfigException(PROTOCOL_MAP + " entry '" + entry.trim() + "' is invalid: use NAME:PROTOCOL"
                            + " with PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, e.g. INTERNAL:PLAINTEXT,EXTERNAL:SASL_SSL");
                }
                protocols.put(kv[0].trim().toUpperCase(Locale.ROOT), SecurityProtocol.forName(kv[1].trim().toUpperCase(Locale.ROOT)));
            }
        }
        Map<String, HostPort> advertised = new LinkedHashMap<>();
        String adv = props.get(ADVERTISED_LISTENERS);
        if (adv != null) {
            for (String entry : adv.split(",")) {
                if (!entry.isBlank()) {
                    String name = nameOf(ADVERTISED_LISTENERS, entry);
                    advertised.put(name, HostPort.parse(ADVERTISED_LISTENERS, entry));
                }
            }
        }
        List<ListenerSpec> out = new ArrayList<>();
        for (String entry : listeners.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String name = nameOf(LISTENERS, entry);
            SecurityProtocol protocol = protocols.get(name);
            if (protocol == null) {
                throw new InvalidConfigException(LISTENERS + " names listener " + name + " with no security protocol: add "
                        + name + ":<PLAINTEXT|SSL|SASL_PLAINTEXT|SASL_SSL> to " + PROTOCOL_MAP);
            }
            if (out.stream().anyMatch(l -> l.name().equals(name))) {
                throw new InvalidConfigException(LISTENERS + " names listener " + name + " twice: give each a unique name");
            }
            HostPort hp = HostPort.parse(LISTENERS, entry);
            HostPort a = advertised.remove(name);
            out.add(new ListenerSpec(name, hp.host(), hp.port(), protocol, a == null ? null : a.host(), a == null ? -1 : a.port()));
        }
        if (!advertised.isEmpty()) {
            throw new InvalidConfigException(ADVERTISED_LISTENERS + " names " + advertised.keySet() + ", not in " + LISTENERS
                    + ": advertise only listeners that exist");
        }
        return out;
    }

    private static String nameOf(String key, String entry) {
        int i = entry.indexOf("://");
        if (i <= 0) {
            throw new InvalidConfigException(key + " entry '" + entry.trim() + "' has no listener name: use NAME://host:port,"
                    + " e.g. INTERNAL://127.0.0.1:9092,EXTERNAL://0.0.0.0:9093");
        }
        return entry.substring(0, i).trim().toUpperCase(Locale.ROOT);
    }

    static SecurityConfig parseSecurity(Map<String, String> props) {
        String clientAuth = props.getOrDefault(TlsSettings.CLIENT_AUTH, "none");
        TlsSettings tls = new TlsSettings(blankToNull(props.get(TlsSettings.KEYSTORE_LOCATION)),
                props.get(TlsSettings.KEYSTORE_TYPE), blankToNull(props.get(TlsSettings.KEYSTORE_PASSWORD)),
                blankToNull(props.get(TlsSettings.KEY_PASSWORD)), blankToNull(props.get(TlsSettings.TRUSTSTORE_LOCATION)),
                props.get(TlsSettings.TRUSTSTORE_TYPE), blankToNull(props.get(TlsSettings.TRUSTSTORE_PASSWORD)),
                TlsSettings.ClientAuth.valueOf(clientAuthName(clientAuth)));
        String mechanisms = props.get(SecurityConfig.SASL_MECHANISMS);
        return new SecurityConfig(tls, mechanisms == null || mechanisms.isBlank() ? SecurityConfig.DEFAULT_MECHANISMS
                : SecurityConfig.parseMechanisms(mechanisms), SecurityConfig.parseSuperUsers(props.get(SecurityConfig.SUPER_USERS)),
                props.getOrDefault(SecurityConfig.AUTHORIZER, "auto"),
                Boolean.parseBoolean(props.getOrDefault(SecurityConfig.ALLOW_INSECURE, "false").trim()));
    }

    private static String clientAuthName(String v) {
        String n = v.trim().toUpperCase(Locale.ROOT);
        if (!List.of("NONE", "REQUESTED", "REQUIRED").contains(n)) {
            throw new InvalidConfigException(TlsSettings.CLIENT_AUTH + " = '" + v + "' is invalid: use none, requested or required");
        }
        return n;
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static long number(Map<String, String> props, String key, long dflt) {
        String v = props.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(key + " = '" + v + "' is not a number: use an integer");
        }
    }

    /** A {@code host:port} setting value. */
    record HostPort(String host, int port) {
        static HostPort parse(String key, String value) {
            String v = value.trim();
            if (v.contains("://")) {
                v = v.substring(v.indexOf("://") + 3); // accept Kafka's PLAINTEXT://host:port form
            }
            int colon = v.lastIndexOf(':');
            if (colon <= 0 || colon == v.length() - 1) {
                throw new InvalidConfigException(key + " = '" + value + "' is invalid: use host:port, e.g. 127.0.0.1:9092");
            }
            try {
                return new HostPort(v.substring(0, colon), Integer.parseInt(v.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new InvalidConfigException(key + " = '" + value + "' has no numeric port: use host:port, e.g. 127.0.0.1:9092");
            }
        }
    }
}
