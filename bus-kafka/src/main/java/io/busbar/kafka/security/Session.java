package io.busbar.kafka.security;

import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.sasl.SaslServer;

/**
 * Who is on the other end of one Kafka connection: the listener it came in on, the client's address, and the principal
 * once known ({@code User:ANONYMOUS} on PLAINTEXT, the certificate's subject on SSL with a client certificate, the
 * SASL user after authentication). Confined to the connection's handler executor, except {@link #principal()}.
 */
public final class Session {

    /** SASL progress of a SASL listener's connection. */
    public enum SaslState { HANDSHAKE, AUTHENTICATE, DONE, FAILED }

    private final ListenerSpec listener;
    private final String clientHost;
    private volatile KafkaPrincipal principal = KafkaPrincipal.ANONYMOUS;
    private SaslState saslState;
    private SaslServer saslServer;
    private boolean closeAfterResponse;

    public Session(ListenerSpec listener, String clientHost) {
        this.listener = listener;
        this.clientHost = clientHost;
        this.saslState = listener.usesSasl() ? SaslState.HANDSHAKE : SaslState.DONE;
    }

    /** A session for callers outside any listener (tests of handlers): PLAINTEXT, anonymous. */
    public static Session anonymous(String clientHost) {
        return new Session(new ListenerSpec("PLAINTEXT", "127.0.0.1", 0, SecurityProtocol.PLAINTEXT, null, -1), clientHost);
    }

    public ListenerSpec listener() {
        return listener;
    }

    public String clientHost() {
        return clientHost;
    }

    public KafkaPrincipal principal() {
        return principal;
    }

    /** Whether requests other than ApiVersions and the SASL ones may be served. */
    public boolean isAuthenticated() {
        return saslState == SaslState.DONE;
    }

    public SaslState saslState() {
        return saslState;
    }

    /** Takes the client certificate's subject as the principal (Kafka's default SSL principal builder). */
    public void tlsEstablished(SSLSession tls) {
        if (listener.usesSasl()) {
            return; // SASL_SSL: the SASL user is the principal
        }
        try {
            principal = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, tls.getPeerPrincipal().getName());
        } catch (SSLPeerUnverifiedException e) {
            principal = KafkaPrincipal.ANONYMOUS; // no client certificate (ssl.client.auth=none or requested)
        }
    }

    void saslStarted(SaslServer server) {
        this.saslServer = server;
        this.saslState = SaslState.AUTHENTICATE;
    }

    SaslServer saslServer() {
        return saslServer;
    }

    void saslSucceeded(String user) {
        principal = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, user);
        saslState = SaslState.DONE;
        disposeSasl();
    }

    void saslFailed() {
        saslState = SaslState.FAILED;
        closeAfterResponse = true;
        disposeSasl();
    }

    private void disposeSasl() {
        if (saslServer != null) {
            try {
                saslServer.dispose();
            } catch (Exception ignored) {
                // nothing held that outlives the connection
            }
            saslServer = null;
        }
    }

    /** Set after a failed or illegal SASL step: the connection closes once its response is written (as Kafka does). */
    public boolean closeAfterResponse() {
        return closeAfterResponse;
    }

    /** A request was denied in a way Kafka answers by closing the connection (Produce with acks=0). */
    public void closeWithoutResponse() {
        closeAfterResponse = true;
    }

    void markCloseAfterResponse() {
        closeAfterResponse = true;
    }
}
