package io.busbar.bus.group;

import io.busbar.bus.BusConfig;
import io.busbar.bus.InvalidConfigException;

/**
 * Settings of the group coordinator, named after Kafka's broker settings. Immutable.
 *
 * @param offsetsRetentionMs          committed offsets of a group that has been empty for longer than this are
 *                                    deleted ({@code offsets.retention.minutes} in Kafka)
 * @param offsetsRetentionCheckIntervalMs how often expired offsets are looked for
 * @param initialRebalanceDelayMs     how long the first rebalance of an empty group waits for more members
 *                                    ({@code group.initial.rebalance.delay.ms})
 * @param minSessionTimeoutMs         lowest session timeout a member may ask for ({@code group.min.session.timeout.ms})
 * @param maxSessionTimeoutMs         highest session timeout a member may ask for ({@code group.max.session.timeout.ms})
 */
public record GroupCoordinatorConfig(long offsetsRetentionMs, long offsetsRetentionCheckIntervalMs,
                                     long initialRebalanceDelayMs, int minSessionTimeoutMs, int maxSessionTimeoutMs) {

    public GroupCoordinatorConfig {
        if (offsetsRetentionMs < 1) {
            throw new InvalidConfigException("offsets retention = " + offsetsRetentionMs + " ms is invalid: use a positive number");
        }
        if (offsetsRetentionCheckIntervalMs < 1) {
            throw new InvalidConfigException("offsets retention check interval = " + offsetsRetentionCheckIntervalMs
                    + " ms is invalid: use a positive number");
        }
        if (initialRebalanceDelayMs < 0) {
            throw new InvalidConfigException("group.initial.rebalance.delay.ms = " + initialRebalanceDelayMs + " is invalid: use 0 or more");
        }
        if (minSessionTimeoutMs < 1 || maxSessionTimeoutMs < minSessionTimeoutMs) {
            throw new InvalidConfigException("group session timeout bounds [" + minSessionTimeoutMs + ", " + maxSessionTimeoutMs
                    + "] are invalid: use 1 <= min <= max");
        }
    }

    /** The coordinator settings of a bus: its offsets retention and check interval; short rebalance delay. */
    public static GroupCoordinatorConfig from(BusConfig bus) {
        return new GroupCoordinatorConfig(bus.offsetsRetentionMs(), Math.max(1, bus.retentionCheckIntervalMs()),
                bus.groupInitialRebalanceDelayMs(), 500, 1_800_000);
    }

    public static GroupCoordinatorConfig defaults() {
        return new GroupCoordinatorConfig(7L * 24 * 3600 * 1000, 60_000,
                io.busbar.bus.BusConfig.DEFAULT_GROUP_INITIAL_REBALANCE_DELAY_MS, 500, 1_800_000);
    }
}
