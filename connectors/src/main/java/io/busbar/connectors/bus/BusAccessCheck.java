package io.busbar.connectors.bus;

/**
 * Whether the pipelines may use a topic or group, asked by every {@code bus:} endpoint when it starts (and by a
 * producer for each topic a {@code bus.OVERRIDE_TOPIC} header names). The runtime installs one backed by the Kafka
 * listener's ACLs when {@code busbar.pipelines.principal} is set, so pipelines are held to the same rules as Kafka
 * clients; the default allows everything (pipelines are the bus's own code). Implementations are thread-safe.
 */
@FunctionalInterface
public interface BusAccessCheck {

    /** What a pipeline does with a topic or group. */
    enum Operation { READ, WRITE }

    BusAccessCheck ALLOW_ALL = (operation, resource, name) -> { };

    /**
     * @param resource {@code topic} or {@code group}
     * @throws BusAccessDeniedException naming the principal, the operation, the resource and how to grant it
     */
    void check(Operation operation, String resource, String name);
}
