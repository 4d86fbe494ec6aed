package io.busbar.kafka;

import io.busbar.bus.InvalidConfigException;

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
 */
public record KafkaListenerConfig(boolean enabled, String host, int port, String advertisedHost, int advertisedPort,
                                  int maxRequestBytes, long connectionsMaxIdleMs, int handlerThreads,
                                  boolean zeroCopy) {

    public static final String ENABLED = "busbar.kafka.enabled";
    public static final String LISTENER = "busbar.kafka.listener";
    public static final String ADVERTISED_LISTENER = "busbar.kafka.advertised.listener";
    public static final String MAX_REQUEST_BYTES = "busbar.kafka.max.request.bytes";
    public static final String CONNECTIONS_MAX_IDLE_MS = "busbar.kafka.connections.max.idle.ms";
    public static final String HANDLER_THREADS = "busbar.kafka.handler.threads";
    public static final String ZERO_COPY = "busbar.kafka.zero.copy";

    public static final KafkaListenerConfig DEFAULT = new KafkaListenerConfig(true, "127.0.0.1", 9092, null, -1,
            100 * 1024 * 1024, 600_000, Math.max(2, Runtime.getRuntime().availableProcessors()), true);

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
    }

    /** The defaults on another host:port, e.g. {@code onAddress("127.0.0.1", 0)} in tests. */
    public static KafkaListenerConfig onAddress(String host, int port) {
        return DEFAULT.withListener(host, port);
    }

    public KafkaListenerConfig withListener(String newHost, int newPort) {
        return new KafkaListenerConfig(enabled, newHost, newPort, advertisedHost, advertisedPort, maxRequestBytes,
                connectionsMaxIdleMs, handlerThreads, zeroCopy);
    }

    public KafkaListenerConfig withAdvertised(String newHost, int newPort) {
        return new KafkaListenerConfig(enabled, host, port, newHost, newPort, maxRequestBytes, connectionsMaxIdleMs,
                handlerThreads, zeroCopy);
    }

    public KafkaListenerConfig withMaxRequestBytes(int v) {
        return new KafkaListenerConfig(enabled, host, port, advertisedHost, advertisedPort, v, connectionsMaxIdleMs,
                handlerThreads, zeroCopy);
    }

    public KafkaListenerConfig withConnectionsMaxIdleMs(long v) {
        return new KafkaListenerConfig(enabled, host, port, advertisedHost, advertisedPort, maxRequestBytes, v,
                handlerThreads, zeroCopy);
    }

    public KafkaListenerConfig withZeroCopy(boolean v) {
        return new KafkaListenerConfig(enabled, host, port, advertisedHost, advertisedPort, maxRequestBytes,
                connectionsMaxIdleMs, handlerThreads, v);
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
        return new KafkaListenerConfig(enabled, host, port, advHost, advPort,
                (int) number(props, MAX_REQUEST_BYTES, c.maxRequestBytes),
                number(props, CONNECTIONS_MAX_IDLE_MS, c.connectionsMaxIdleMs),
                (int) number(props, HANDLER_THREADS, c.handlerThreads),
                Boolean.parseBoolean(props.getOrDefault(ZERO_COPY, "true").trim()));
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
