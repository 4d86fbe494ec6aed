package io.busbar.kafka.security;

import io.busbar.bus.InvalidConfigException;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Authentication and authorization settings shared by the Kafka listeners. Immutable.
 *
 * @param tls                 key and trust stores of the SSL/SASL_SSL listeners
 * @param saslMechanisms      {@code busbar.kafka.sasl.enabled.mechanisms}: of SCRAM-SHA-256, SCRAM-SHA-512, PLAIN
 * @param superUsers          {@code busbar.kafka.super.users}: principals ({@code User:name}) allowed everything
 * @param authorizer          {@code busbar.kafka.authorizer}: {@code auto} (ACLs enforced once any listener
 *                            authenticates), {@code acl} (always), {@code none} (never)
 * @param allowInsecure       {@code busbar.kafka.allow.insecure.listeners}: start listeners without authentication on
 *                            non-loopback addresses anyway (a warning at every start)
 */
public record SecurityConfig(TlsSettings tls, Set<String> saslMechanisms, Set<String> superUsers, String authorizer,
                             boolean allowInsecure) {

    public static final String SASL_MECHANISMS = "busbar.kafka.sasl.enabled.mechanisms";
    public static final String SUPER_USERS = "busbar.kafka.super.users";
    public static final String AUTHORIZER = "busbar.kafka.authorizer";
    public static final String ALLOW_INSECURE = "busbar.kafka.allow.insecure.listeners";

    public static final String PLAIN = "PLAIN";
    public static final Set<String> DEFAULT_MECHANISMS = Set.of("SCRAM-SHA-256", "SCRAM-SHA-512");

    public static final SecurityConfig DEFAULT = new SecurityConfig(TlsSettings.NONE, DEFAULT_MECHANISMS, Set.of(),
            "auto", false);

    public SecurityConfig {
        saslMechanisms = Set.copyOf(saslMechanisms);
        superUsers = Set.copyOf(superUsers);
        for (String m : saslMechanisms) {
            if (!m.equals(PLAIN) && !ScramMechanism.isScram(m)) {
                throw new InvalidConfigException(SASL_MECHANISMS + " has '" + m
                        + "': use SCRAM-SHA-256, SCRAM-SHA-512 and/or PLAIN");
            }
        }
        for (String u : superUsers) {
            if (!u.contains(":")) {
                throw new InvalidConfigException(SUPER_USERS + " has '" + u + "' without a type: use User:<name>;User:<name2>");
            }
        }
        authorizer = authorizer.trim().toLowerCase(Locale.ROOT);
        if (!List.of("auto", "acl", "none").contains(authorizer)) {
            throw new InvalidConfigException(AUTHORIZER + " = '" + authorizer + "' is invalid: use auto, acl or none");
        }
    }

    /** Whether ACLs are enforced, given the listeners. */
    public boolean aclsEnforced(List<ListenerSpec> listeners) {
        return switch (authorizer) {
            case "acl" -> true;
            case "none" -> false;
            default -> listeners.stream().anyMatch(l -> l.authenticates(tls));
        };
    }

    public SecurityConfig withTls(TlsSettings t) {
        return new SecurityConfig(t, saslMechanisms, superUsers, authorizer, allowInsecure);
    }

    public SecurityConfig withSaslMechanisms(Set<String> m) {
        return new SecurityConfig(tls, m, superUsers, authorizer, allowInsecure);
    }

    public SecurityConfig withSuperUsers(Set<String> u) {
        return new SecurityConfig(tls, saslMechanisms, u, authorizer, allowInsecure);
    }

    public SecurityConfig withAuthorizer(String a) {
        return new SecurityConfig(tls, saslMechanisms, superUsers, a, allowInsecure);
    }

    public SecurityConfig withAllowInsecure(boolean a) {
        return new SecurityConfig(tls, saslMechanisms, superUsers, authorizer, a);
    }

    static Set<String> splitList(String v, String separatorRegex) {
        Set<String> out = new LinkedHashSet<>();
        if (v != null) {
            for (String s : v.split(separatorRegex)) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out;
    }

    public static Set<String> parseMechanisms(String v) {
        Set<String> out = new LinkedHashSet<>();
        splitList(v, ",").forEach(s -> out.add(s.toUpperCase(Locale.ROOT)));
        return out;
    }

    /** Kafka's super.users form: {@code User:alice;User:bob}. */
    public static Set<String> parseSuperUsers(String v) {
        return splitList(v, ";");
    }
}
