package io.busbar.bus.group;

/**
 * The states of a classic Kafka group, under Kafka's names.
 *
 * <pre>
 * Empty --join--> PreparingRebalance --all joined or rebalance timeout--> CompletingRebalance --leader syncs--> Stable
 *   ^                    ^                                                        |                            |
 *   +---last member gone-+----------- join, leave, session expiry ----------------+----------------------------+
 * </pre>
 * Dead: the group was deleted (or its offsets expired) and is being removed.
 */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String kafkaName;

    GroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    /** The name Kafka's DescribeGroups and ListGroups report. */
    public String kafkaName() {
        return kafkaName;
    }

    @Override
    public String toString() {
        return kafkaName;
    }
}
