package io.busbar.kafka.security;

import org.apache.kafka.common.security.auth.SecurityProtocol;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One named Kafka listener: where it binds, its security protocol, and what clients are told to connect to.
 *
 * @param advertisedHost null: the bind host
 * @param advertisedPort -1: the bound port
 */
public record ListenerSpec(String name, String host, int port, SecurityProtocol protocol, String advertisedHost,
                           int advertisedPort) {

    public boolean usesTls() {
        return protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL;
    }

    public boolean usesSasl() {
        return protocol == SecurityProtocol.SASL_PLAINTEXT || protocol == SecurityProtocol.SASL_SSL;
    }

    /** Whether every client must prove who it is: SASL, or TLS with required client certificates. */
    public boolean authenticates(TlsSettings tls) {
        return usesSasl() || (protocol == SecurityProtocol.SSL && tls.clientAuth() == TlsSettings.ClientAuth.REQUIRED);
    }

    /** Whether the bind address is reachable only from this machine. */
    public boolean isLoopback() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public ListenerSpec withAdvertised(String h, int p) {
        return new ListenerSpec(name, host, port, protocol, h, p);
    }

    public ListenerSpec withAddress(String h, int p) {
        return new ListenerSpec(name, h, p, protocol, advertisedHost, advertisedPort);
    }
}
