package io.busbar.bus;

/** A group as listed: id, state (Kafka's names: Empty, PreparingRebalance, CompletingRebalance, Stable, Dead) and protocol type. */
public record GroupListing(String groupId, String state, String protocolType) {
}
