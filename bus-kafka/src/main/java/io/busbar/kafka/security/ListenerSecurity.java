package io.busbar.kafka.security;

import org.apache.kafka.common.Uuid;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The security state shared by every listener of one broker: SCRAM credentials, ACLs, the SASL exchange and the
 * per-request authorization step. Stored under {@code <data dir>/kafka-listener/}. Thread-safe.
 */
public final class ListenerSecurity {

    private final SecurityConfig config;
    private final ScramCredentialStore credentials;
    private final AclAuthorizer acls;
    private final SaslAuthentication sasl;
    private final RequestAuthorizer requests;

    private ListenerSecurity(SecurityConfig config, ScramCredentialStore credentials, AclAuthorizer acls,
                             RequestAuthorizer requests) {
        this.config = config;
        this.credentials = credentials;
        this.acls = acls;
        this.sasl = new SaslAuthentication(credentials, config.saslMechanisms());
        this.requests = requests;
    }

    public static ListenerSecurity open(Path stateDir, SecurityConfig config, List<ListenerSpec> listeners,
                                        Function<Uuid, String> topicNames) {
        ScramCredentialStore credentials = ScramCredentialStore.open(stateDir);
        AclAuthorizer acls = AclAuthorizer.open(stateDir, config.superUsers());
        return new ListenerSecurity(config, credentials, acls,
                new RequestAuthorizer(acls, config.aclsEnforced(listeners), topicNames));
    }

    /** No authentication, no ACLs (handler tests, the single PLAINTEXT listener of old). */
    public static ListenerSecurity open(Path stateDir) {
        return open(stateDir, SecurityConfig.DEFAULT, List.of(), id -> null);
    }

    public SecurityConfig config() {
        return config;
    }

    public ScramCredentialStore credentials() {
        return credentials;
    }

    public AclAuthorizer acls() {
        return acls;
    }

    public SaslAuthentication sasl() {
        return sasl;
    }

    public RequestAuthorizer requests() {
        return requests;
    }
}
