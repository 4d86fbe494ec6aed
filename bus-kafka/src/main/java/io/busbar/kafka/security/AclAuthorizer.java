package io.busbar.kafka.security;

import io.busbar.bus.log.LogFiles;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Kafka's ACL model (as Kafka's StandardAuthorizer): an ACL is a resource pattern (type, LITERAL or PREFIXED name, or
 * the literal wildcard {@code *}), a principal ({@code User:name} or {@code User:*}), a host ({@code *} or an
 * address), an operation and ALLOW or DENY. A request is allowed when the principal is a super user, or some ALLOW ACL
 * matches and no DENY ACL does (deny wins); with no matching ACL it is denied. Operations imply others as in Kafka:
 * READ, WRITE, DELETE and ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS; ALL implies every one.
 *
 * <p>ACLs live in {@code <data dir>/kafka-listener/acls}, one per line, rewritten atomically on every change.
 * Thread-safe: reads use a copy-on-write snapshot.
 */
public final class AclAuthorizer {

    private final Path file;
    private final Set<String> superUsers;
    private volatile List<AclBinding> acls;

    private AclAuthorizer(Path file, Set<String> superUsers, List<AclBinding> acls) {
        this.file = file;
        this.superUsers = Set.copyOf(superUsers);
        this.acls = List.copyOf(acls);
    }

    public static AclAuthorizer open(Path stateDir, Set<String> superUsers) {
        Path file = stateDir.resolve("acls");
        List<AclBinding> acls = new ArrayList<>();
        if (Files.exists(file)) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        acls.add(parse(line, file));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the ACLs in " + file + ": " + e.getMessage(), e);
            }
        }
        return new AclAuthorizer(file, superUsers, acls);
    }

    public boolean isSuperUser(KafkaPrincipal principal) {
        return superUsers.contains(principal.toString());
    }

    /** Whether {@code principal} connecting from {@code host} may do {@code op} on the named resource. */
    public boolean authorize(KafkaPrincipal principal, String host, AclOperation op, ResourceType type, String name) {
        if (isSuperUser(principal)) {
            return true;
        }
        boolean allowed = false;
        for (AclBinding acl : acls) {
            if (!matches(acl, principal, host, type, name)) {
                continue;
            }
            AclOperation aclOp = acl.entry().operation();
            if (acl.entry().permissionType() == AclPermissionType.DENY) {
                if (aclOp == op || aclOp == AclOperation.ALL) {
                    return false; // deny wins
                }
            } else if (aclOp == AclOperation.ALL || aclOp == op || impliedBy(op).contains(aclOp)) {
                allowed = true;
            }
        }
        return allowed;
    }

    /**
     * Whether some ALLOW ACL lets the principal do {@code op} on at least one resource of {@code type} (Kafka's
     * idempotent-producer rule: WRITE on any topic is enough for InitProducerId without a transactional id).
     */
    public boolean authorizeAny(KafkaPrincipal principal, String host, AclOperation op, ResourceType type) {
        if (isSuperUser(principal)) {
            return true;
        }
        for (AclBinding acl : acls) {
            ResourcePattern p = acl.pattern();
            if (p.resourceType() == type && acl.entry().permissionType() == AclPermissionType.ALLOW
                    && (acl.entry().operation() == op || acl.entry().operation() == AclOperation.ALL)
                    && principalMatches(acl.entry(), principal) && hostMatches(acl.entry(), host)
                    && authorize(principal, host, op, type, p.name())) {
                return true;
            }
        }
        return false;
    }

    private static Set<AclOperation> impliedBy(AclOperation op) {
        return switch (op) {
            case DESCRIBE -> EnumSet.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER);
            case DESCRIBE_CONFIGS -> EnumSet.of(AclOperation.ALTER_CONFIGS);
            default -> EnumSet.noneOf(AclOperation.class);
        };
    }

    private static boolean matches(AclBinding acl, KafkaPrincipal principal, String host, ResourceType type, String name) {
        ResourcePattern p = acl.pattern();
        if (p.resourceType() != type || !principalMatches(acl.entry(), principal) || !hostMatches(acl.entry(), host)) {
            return false;
        }
        return switch (p.patternType()) {
            case LITERAL -> p.name().equals(ResourcePattern.WILDCARD_RESOURCE) || p.name().equals(name);
            case PREFIXED -> name.startsWith(p.name());
            default -> false;
        };
    }

    private static boolean principalMatches(AccessControlEntry e, KafkaPrincipal principal) {
        return e.principal().equals(principal.toString()) || e.principal().equals(principal.getPrincipalType() + ":*");
    }

    private static boolean hostMatches(AccessControlEntry e, String host) {
        return e.host().equals("*") || e.host().equals(host);
    }

    /** Adds ACLs (duplicates are kept once); persisted before returning. */
    public synchronized void add(List<AclBinding> bindings) {
        for (AclBinding b : bindings) {
            validate(b);
        }
        Set<AclBinding> next = new LinkedHashSet<>(acls);
        next.addAll(bindings);
        save(List.copyOf(next));
    }

    /** Throws IllegalArgumentException naming what is wrong with an ACL Busbar cannot store. */
    public static void validate(AclBinding b) {
        if (b.isUnknown() || b.pattern().patternType() == PatternType.ANY || b.pattern().patternType() == PatternType.MATCH
                || b.entry().operation() == AclOperation.ANY || b.entry().permissionType() == AclPermissionType.ANY
                || b.pattern().resourceType() == ResourceType.ANY) {
            throw new IllegalArgumentException("ACL " + b + " is not concrete: give a resource type, a LITERAL or"
                    + " PREFIXED pattern, an operation and ALLOW or DENY");
        }
        if (!b.entry().principal().contains(":")) {
            throw new IllegalArgumentException("ACL principal '" + b.entry().principal() + "' has no type: use User:<name>");
        }
    }

    public List<AclBinding> describe(AclBindingFilter filter) {
        return acls.stream().filter(filter::matches).toList();
    }

    /** Deletes the ACLs matching the filter; returns them. */
    public synchronized List<AclBinding> delete(AclBindingFilter filter) {
        List<AclBinding> removed = describe(filter);
        if (!removed.isEmpty()) {
            List<AclBinding> next = new ArrayList<>(acls);
            next.removeAll(removed);
            save(List.copyOf(next));
        }
        return removed;
    }

    private void save(List<AclBinding> next) {
        StringBuilder s = new StringBuilder("# Kafka ACLs of the Busbar listener: type pattern name principal host operation permission\n");
        for (AclBinding b : next) {
            s.append(b.pattern().resourceType()).append(' ').append(b.pattern().patternType()).append(' ')
                    .append(enc(b.pattern().name())).append(' ').append(enc(b.entry().principal())).append(' ')
                    .append(enc(b.entry().host())).append(' ').append(b.entry().operation()).append(' ')
                    .append(b.entry().permissionType()).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            LogFiles.writeAtomically(file, s.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the ACLs to " + file + ": " + e.getMessage(), e);
        }
        acls = next;
    }

    private static AclBinding parse(String line, Path file) {
        String[] f = line.trim().split(" ");
        try {
            return new AclBinding(new ResourcePattern(ResourceType.valueOf(f[0]), dec(f[2]), PatternType.valueOf(f[1])),
                    new AccessControlEntry(dec(f[3]), dec(f[4]), AclOperation.valueOf(f[5]), AclPermissionType.valueOf(f[6])));
        } catch (RuntimeException e) {
            throw new IllegalStateException("Damaged ACL line '" + line + "' in " + file + ": fix or remove it", e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
