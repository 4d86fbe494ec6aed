package io.busbar.routes.kafka;

import io.busbar.bus.embedded.EmbeddedBus;
import io.busbar.kafka.KafkaListener;
import io.busbar.kafka.KafkaListenerConfig;
import io.busbar.kafka.security.SecurityConfig;
import io.busbar.kafka.security.TlsSettings;
import io.busbar.routes.BusbarService;
import io.busbar.routes.ConfigKey;
import io.busbar.routes.ServiceContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs bus-kafka's Kafka wire listener beside the pipelines, on the runtime's bus, so Kafka clients and tools
 * (kafka-console-*, kcat, any Kafka client library) can produce and consume. On by default on 127.0.0.1:9092;
 * {@code busbar.kafka.enabled=false} turns it off. With a Kafka cluster as the bus backend there is nothing to
 * serve (clients talk to the cluster), so it stays off. Several named listeners with TLS, SASL and ACLs are
 * configured with Kafka's setting names under {@code busbar.kafka.} (docs/security.md). Pipelines do not go through
 * the listener: they use the bus in-process, so listener authentication and ACLs do not apply to them. Not thread-safe: the runtime calls start and stop once.
 */
public final class KafkaListenerService implements BusbarService {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaListenerService.class);

    static final ConfigKey ENABLED = ConfigKey.bool(KafkaListenerConfig.ENABLED, true,
            "Start the Kafka wire-protocol listener, so Kafka clients can use the bus.");
    static final ConfigKey LISTENER = ConfigKey.string(KafkaListenerConfig.LISTENER, "127.0.0.1:9092",
            "host:port the Kafka listener binds (port 0: any free port).");
    static final ConfigKey ADVERTISED = ConfigKey.string(KafkaListenerConfig.ADVERTISED_LISTENER, null,
            "host:port Kafka clients are told to connect to (default: the listener's address).");
    static final ConfigKey MAX_REQUEST_BYTES = ConfigKey.integer(KafkaListenerConfig.MAX_REQUEST_BYTES,
            KafkaListenerConfig.DEFAULT.maxRequestBytes(), 1024, "Largest Kafka request accepted; larger ones close the connection.");
    static final ConfigKey IDLE_MS = ConfigKey.longValue(KafkaListenerConfig.CONNECTIONS_MAX_IDLE_MS,
            KafkaListenerConfig.DEFAULT.connectionsMaxIdleMs(), 1, "Kafka connections idle for this long are closed.");
    static final ConfigKey ZERO_COPY = ConfigKey.bool(KafkaListenerConfig.ZERO_COPY, true,
            "Send fetched records straight from the segment files (sendfile).");
    // several named listeners and their security (docs/security.md); Kafka's names under busbar.kafka.
    static final ConfigKey LISTENERS = ConfigKey.string(KafkaListenerConfig.LISTENERS, null,
            "Named listeners NAME://host:port,... (Kafka's listeners), instead of busbar.kafka.listener.");
    static final ConfigKey PROTOCOL_MAP = ConfigKey.string(KafkaListenerConfig.PROTOCOL_MAP, null,
            "NAME:PROTOCOL,... with PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (names equal to a protocol map to it).");
    static final ConfigKey ADVERTISED_LISTENERS = ConfigKey.string(KafkaListenerConfig.ADVERTISED_LISTENERS, null,
            "NAME://host:port,... clients of each listener are told to connect to.");
    static final ConfigKey SASL_MECHANISMS = ConfigKey.string(SecurityConfig.SASL_MECHANISMS, "SCRAM-SHA-256,SCRAM-SHA-512",
            "SASL mechanisms of the SASL listeners: SCRAM-SHA-256, SCRAM-SHA-512, PLAIN (PLAIN only with TLS).");
    static final ConfigKey SUPER_USERS = ConfigKey.string(SecurityConfig.SUPER_USERS, null,
            "Principals allowed everything, User:a;User:b (e.g. User:CN=ops,O=Example for a certificate).");
    static final ConfigKey AUTHORIZER = ConfigKey.oneOf(SecurityConfig.AUTHORIZER, "auto", List.of("auto", "acl", "none"),
            "ACLs: auto (enforced, deny by default, once any listener authenticates), acl (always), none.");
    static final ConfigKey ALLOW_INSECURE = ConfigKey.bool(SecurityConfig.ALLOW_INSECURE, false,
            "Start listeners without authentication on non-loopback addresses anyway (warns at every start).");
    static final ConfigKey KEYSTORE_LOCATION = ConfigKey.string(TlsSettings.KEYSTORE_LOCATION, null,
            "Key store of the SSL/SASL_SSL listeners: PKCS12, JKS, or PEM (private key and certificate chain).");
    static final ConfigKey KEYSTORE_TYPE = ConfigKey.oneOf(TlsSettings.KEYSTORE_TYPE, "PKCS12", List.of("PKCS12", "JKS", "PEM"),
            "Format of busbar.kafka.ssl.keystore.location.");
    static final ConfigKey KEYSTORE_PASSWORD = ConfigKey.string(TlsSettings.KEYSTORE_PASSWORD, null,
            "Key store password; ${env:NAME} or ${file:/path} keeps it out of the file.");
    static final ConfigKey KEY_PASSWORD = ConfigKey.string(TlsSettings.KEY_PASSWORD, null,
            "Private key password (default: the key store password); ${env:NAME} or ${file:/path}.");
    static final ConfigKey TRUSTSTORE_LOCATION = ConfigKey.string(TlsSettings.TRUSTSTORE_LOCATION, null,
            "CA certificates client certificates are checked against (PKCS12, JKS or PEM).");
    static final ConfigKey TRUSTSTORE_TYPE = ConfigKey.oneOf(TlsSettings.TRUSTSTORE_TYPE, "PKCS12", List.of("PKCS12", "JKS", "PEM"),
            "Format of busbar.kafka.ssl.truststore.location.");
    static final ConfigKey TRUSTSTORE_PASSWORD = ConfigKey.string(TlsSettings.TRUSTSTORE_PASSWORD, null,
            "Trust store password; ${env:NAME} or ${file:/path}.");
    static final ConfigKey CLIENT_AUTH = ConfigKey.oneOf(TlsSettings.CLIENT_AUTH, "none", List.of("none", "requested", "required"),
            "Client certificates on SSL listeners: required makes an SSL listener authenticated (mTLS).");
    static final ConfigKey MAX_CONNECTIONS = ConfigKey.integer(KafkaListenerConfig.MAX_CONNECTIONS,
            KafkaListenerConfig.DEFAULT.maxConnections(), 1, "Open Kafka connections at most; more are closed at accept.");
    static final ConfigKey MAX_CONNECTIONS_PER_IP = ConfigKey.integer(KafkaListenerConfig.MAX_CONNECTIONS_PER_IP,
            KafkaListenerConfig.DEFAULT.maxConnectionsPerIp(), 1, "Open Kafka connections per client address at most.");
    static final ConfigKey QUEUED_MAX_REQUEST_BYTES = ConfigKey.longValue(KafkaListenerConfig.QUEUED_MAX_REQUEST_BYTES,
            KafkaListenerConfig.DEFAULT.queuedMaxRequestBytes(), 1024,
            "Request bytes read but not yet answered, all connections together; beyond it reading pauses.");

    static final ConfigKey PIPELINES_PRINCIPAL = ConfigKey.string("busbar.pipelines.principal", null,
            "Principal the pipelines run as under the Kafka listener's ACLs (e.g. User:pipelines); unset: unrestricted.");

    private KafkaListener listener;
    private String pipelinesPrincipal;
    private Runnable unregisterMetrics = () -> { };

    @Override
    public String name() {
        return "kafka-listener";
    }

    @Override
    public List<ConfigKey> configKeys() {
        return List.of(ENABLED, LISTENER, ADVERTISED, MAX_REQUEST_BYTES, IDLE_MS, ZERO_COPY, LISTENERS, PROTOCOL_MAP,
                ADVERTISED_LISTENERS, SASL_MECHANISMS, SUPER_USERS, AUTHORIZER, ALLOW_INSECURE, KEYSTORE_LOCATION,
                KEYSTORE_TYPE, KEYSTORE_PASSWORD, KEY_PASSWORD, TRUSTSTORE_LOCATION, TRUSTSTORE_TYPE, TRUSTSTORE_PASSWORD,
                CLIENT_AUTH, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_IP, QUEUED_MAX_REQUEST_BYTES, PIPELINES_PRINCIPAL);
    }

    @Override
    public void start(ServiceContext context) {
        if (!context.settings().getBoolean(ENABLED)) {
            return;
        }
        if (!(context.bus() instanceof EmbeddedBus embedded)) {
            LOG.info("Kafka listener not started: the bus is not the embedded one (Kafka clients use the cluster directly)");
            return;
        }
        Map<String, String> props = new HashMap<>();
        for (ConfigKey key : configKeys()) {
            String value = context.settings().get(key);
            boolean defaultListenerBesideNamed = key == LISTENER && context.settings().get(LISTENERS) != null
                    && context.settings().sourceOf(LISTENER.name()).equals("default");
            if (key == PIPELINES_PRINCIPAL) {
                pipelinesPrincipal = value;
                continue;
            }
            if (value != null && !defaultListenerBesideNamed) {
                props.put(key.name(), value);
            }
        }
        listener = KafkaListener.start(embedded, KafkaListenerConfig.fromProperties(props));
        KafkaRequestCollector collector = new KafkaRequestCollector(listener.requestMetrics());
        context.metrics().getPrometheusRegistry().register(collector);
        unregisterMetrics = () -> context.metrics().getPrometheusRegistry().unregister(collector);
    }

    /**
     * Installs the pipelines' principal on the {@code bus:} component before the pipelines start: from then on every
     * {@code bus:} endpoint is checked against the listener's ACLs as that principal.
     */
    @Override
    public void camelConfigured(org.apache.camel.CamelContext camelContext) {
        if (listener == null) {
            return;
        }
        boolean enforced = listener.security().requests().enforced();
        if (pipelinesPrincipal == null) {
            if (enforced) {
                LOG.info("Pipelines run unrestricted by the Kafka listener's ACLs; set busbar.pipelines.principal"
                        + " (e.g. User:pipelines) to hold them to the ACLs too");
            }
            return;
        }
        if (!enforced) {
            LOG.warn("busbar.pipelines.principal = {} has no effect: the Kafka listener enforces no ACLs"
                    + " (busbar.kafka.authorizer, or no authenticated listener)", pipelinesPrincipal);
            return;
        }
        org.apache.kafka.common.security.auth.KafkaPrincipal principal;
        try {
            principal = org.apache.kafka.common.utils.SecurityUtils.parseKafkaPrincipal(pipelinesPrincipal);
        } catch (IllegalArgumentException e) {
            throw new io.busbar.routes.InvalidSettingException("busbar.pipelines.principal = '" + pipelinesPrincipal
                    + "' is invalid: use TYPE:NAME, e.g. User:pipelines");
        }
        camelContext.getComponent("bus", io.busbar.connectors.bus.BusComponent.class)
                .setAccessCheck(new PipelinePrincipalAccess(listener.security().acls(), principal));
        LOG.info("Pipelines run as {} under the Kafka listener's ACLs", principal);
    }

    @Override
    public void stop() {
        if (listener != null) {
            unregisterMetrics.run();
            listener.close();
            listener = null;
        }
    }

    @Override
    public List<String> endpoints() {
        return listener == null ? List.of() : listener.describeListeners();
    }
}
