package io.busbar.kafka.security;

import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.plain.PlainAuthenticateCallback;
import org.apache.kafka.common.security.plain.internals.PlainSaslServer;
import org.apache.kafka.common.security.scram.ScramCredentialCallback;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramSaslServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.SaslServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The broker side of Kafka's SASL exchange (SaslHandshake v1, then SaslAuthenticate tokens), with kafka-clients' own
 * SASL servers: {@link ScramSaslServer} (RFC 5802/7677) and {@link PlainSaslServer}, checked against the
 * {@link ScramCredentialStore}. A failed or out-of-order step answers with Kafka's error and closes the connection.
 * Thread-safe (per-connection state is in the {@link Session}).
 */
public final class SaslAuthentication {

    private static final Logger LOG = LoggerFactory.getLogger(SaslAuthentication.class);

    private final ScramCredentialStore credentials;
    private final List<String> mechanisms;

    public SaslAuthentication(ScramCredentialStore credentials, java.util.Set<String> mechanisms) {
        this.credentials = credentials;
        this.mechanisms = new ArrayList<>(new java.util.TreeSet<>(mechanisms));
    }

    public SaslHandshakeResponseData handshake(Session session, SaslHandshakeRequestData request, short version) {
        SaslHandshakeResponseData response = new SaslHandshakeResponseData().setMechanisms(mechanisms);
        if (!session.listener().usesSasl()) {
            return response.setErrorCode(Errors.ILLEGAL_SASL_STATE.code()); // as Kafka on a non-SASL listener
        }
        if (session.saslState() != Session.SaslState.HANDSHAKE || version < 1) {
            // v0 would be followed by raw SASL tokens, which Busbar does not read: every current client sends v1
            session.markCloseAfterResponse();
            return response.setErrorCode(Errors.ILLEGAL_SASL_STATE.code());
        }
        String mechanism = request.mechanism();
        if (!mechanisms.contains(mechanism)) {
            session.saslFailed();
            return response.setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code());
        }
        try {
            session.saslStarted(newServer(mechanism));
            return response.setErrorCode(Errors.NONE.code());
        } catch (Exception e) {
            session.saslFailed();
            LOG.warn("Cannot start SASL {} for {}: {}", mechanism, session.clientHost(), e.toString());
            return response.setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code());
        }
    }

    public SaslAuthenticateResponseData authenticate(Session session, SaslAuthenticateRequestData request) {
        SaslAuthenticateResponseData response = new SaslAuthenticateResponseData().setAuthBytes(new byte[0]);
        SaslServer server = session.saslServer();
        if (session.saslState() != Session.SaslState.AUTHENTICATE || server == null) {
            if (session.listener().usesSasl()) {
                session.markCloseAfterResponse();
            }
            return response.setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
                    .setErrorMessage("SaslAuthenticate before a successful SaslHandshake");
        }
        String mechanism = server.getMechanismName();
        try {
            byte[] challenge = server.evaluateResponse(request.authBytes() == null ? new byte[0] : request.authBytes());
            if (server.isComplete()) {
                String user = server.getAuthorizationID();
                session.saslSucceeded(user);
                LOG.debug("SASL {} login of '{}' from {}", mechanism, user, session.clientHost());
            }
            return response.setErrorCode(Errors.NONE.code()).setAuthBytes(challenge == null ? new byte[0] : challenge);
        } catch (Exception e) {
            session.saslFailed();
            // never echo what the client sent; say which mechanism failed, as Kafka does
            LOG.info("SASL {} authentication from {} failed", mechanism, session.clientHost());
            return response.setErrorCode(Errors.SASL_AUTHENTICATION_FAILED.code()).setErrorMessage(
                    "Authentication failed during authentication due to invalid credentials with SASL mechanism " + mechanism);
        }
    }

    private SaslServer newServer(String mechanism) throws Exception {
        if (mechanism.equals(SecurityConfig.PLAIN)) {
            return new PlainSaslServer(callbacks -> {
                String user = null;
                for (Callback c : callbacks) {
                    if (c instanceof NameCallback n) {
                        user = n.getDefaultName();
                    } else if (c instanceof PlainAuthenticateCallback p) {
                        p.authenticated(user != null && credentials.checkPassword(user, p.password()));
                    } else {
                        throw new UnsupportedCallbackException(c);
                    }
                }
            });
        }
        ScramMechanism scram = ScramMechanism.forMechanismName(mechanism);
        return new ScramSaslServer(scram, Map.of(), callbacks -> {
            String user = null;
            for (Callback c : callbacks) {
                if (c instanceof NameCallback n) {
                    user = n.getDefaultName();
                } else if (c instanceof ScramCredentialCallback s) {
                    s.scramCredential(user == null ? null : credentials.credential(user, mechanism));
                } else {
                    throw new UnsupportedCallbackException(c); // delegation tokens: not supported
                }
            }
        });
    }
}
