package io.busbar.kafka.security;

import io.busbar.bus.InvalidConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Secure by default: a listener that lets anyone in (PLAINTEXT, or SSL without required client certificates) may only
 * bind a loopback address. Beyond loopback the start fails, naming the settings to add, unless
 * {@code busbar.kafka.allow.insecure.listeners=true}, which logs a warning at every start. Stateless.
 */
public final class InsecureListenerCheck {

    private static final Logger LOG = LoggerFactory.getLogger(InsecureListenerCheck.class);

    private InsecureListenerCheck() {
    }

    public static void check(List<ListenerSpec> listeners, SecurityConfig security) {
        for (ListenerSpec l : listeners) {
            if (l.authenticates(security.tls()) || l.isLoopback()) {
                continue;
            }
            String what = "Kafka listener " + l.name() + " (" + l.protocol().name + ") on " + l.host() + ":" + l.port()
                    + " lets anyone who reaches it read, write and delete every topic";
            if (security.allowInsecure()) {
                LOG.warn("{}: started anyway because {}=true. Add authentication (docs/security.md).", what,
                        SecurityConfig.ALLOW_INSECURE);
                continue;
            }
            throw new InvalidConfigException(what + ". Add authentication: busbar.kafka.listeners=" + l.name()
                    + "://" + l.host() + ":" + l.port() + " with busbar.kafka.listener.security.protocol.map=" + l.name()
                    + ":SASL_SSL (and busbar.kafka.ssl.keystore.location), or SSL with "
                    + TlsSettings.CLIENT_AUTH + "=required; or bind 127.0.0.1; or set "
                    + SecurityConfig.ALLOW_INSECURE + "=true on a trusted network (docs/security.md)");
        }
    }
}
