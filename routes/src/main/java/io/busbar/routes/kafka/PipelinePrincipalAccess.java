package io.busbar.routes.kafka;

import io.busbar.connectors.bus.BusAccessCheck;
import io.busbar.connectors.bus.BusAccessDeniedException;
import io.busbar.kafka.security.AclAuthorizer;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

import java.util.Locale;

/**
 * Holds the pipelines to the Kafka listener's ACLs as one principal ({@code busbar.pipelines.principal}): a
 * {@code bus:} consumer needs READ on its topic and group (and WRITE on its dead-letter topic), a producer WRITE on its
 * topic, as a Kafka client would. A denial stops the route's start with the grant to add. The ACLs are read live, so a
 * grant takes effect at the next start or reload of the route. Thread-safe.
 */
final class PipelinePrincipalAccess implements BusAccessCheck {

    /** The host the pipelines' requests count as coming from (host-scoped ACLs). */
    private static final String HOST = "127.0.0.1";

    private final AclAuthorizer acls;
    private final KafkaPrincipal principal;

    PipelinePrincipalAccess(AclAuthorizer acls, KafkaPrincipal principal) {
        this.acls = acls;
        this.principal = principal;
    }

    @Override
    public void check(Operation operation, String resource, String name) {
        AclOperation op = operation == Operation.READ ? AclOperation.READ : AclOperation.WRITE;
        ResourceType type = "group".equals(resource) ? ResourceType.GROUP : ResourceType.TOPIC;
        if (acls.isSuperUser(principal) || acls.authorize(principal, HOST, op, type, name)) {
            return;
        }
        throw new BusAccessDeniedException("Pipelines run as " + principal + " (busbar.pipelines.principal), which may"
                + " not " + op.name() + " " + resource + " '" + name + "': grant it, e.g. kafka-acls --add"
                + " --allow-principal " + principal + " --operation " + op.name().toLowerCase(Locale.ROOT).replace('_', '-')
                + " --" + resource + " " + name);
    }
}
