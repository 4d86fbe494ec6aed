package io.busbar.bus;

import java.util.List;

/**
 * Settings of one consumer, named after Kafka's consumer settings. Immutable; build with {@link #builder()}.
 *
 * @param groupId              the consumer group, or null for a consumer that only uses assign/seek
 * @param clientId             shown in group descriptions
 * @param autoOffsetReset      where to start without a committed offset
 * @param enableAutoCommit     commit polled positions every {@code autoCommitIntervalMs} (off by default: pipelines commit after processing)
 * @param assignmentStrategies Kafka assignor names in preference order: {@code range}, {@code roundrobin}, {@code cooperative-sticky}
 * @param maxPollRecords       most records one poll returns
 * @param maxPollIntervalMs    a member that does not poll for this long leaves the group
 * @param sessionTimeoutMs     a member whose heartbeats stop for this long is removed
 * @param heartbeatIntervalMs  how often the member heartbeats
 * @param fetchMaxBytes        most bytes read from one partition per fetch
 */
public record ConsumerConfig(String groupId, String clientId, OffsetResetPolicy autoOffsetReset,
                             boolean enableAutoCommit, long autoCommitIntervalMs,
                             List<String> assignmentStrategies, int maxPollRecords, long maxPollIntervalMs,
                             int sessionTimeoutMs, int heartbeatIntervalMs, int fetchMaxBytes) {

    public ConsumerConfig {
        assignmentStrategies = List.copyOf(assignmentStrategies);
        if (assignmentStrategies.isEmpty()) {
            throw new InvalidConfigException("assignment strategies must not be empty: use range, roundrobin or cooperative-sticky");
        }
        if (maxPollRecords < 1) {
            throw new InvalidConfigException("max.poll.records = " + maxPollRecords + " is invalid: use at least 1");
        }
        if (heartbeatIntervalMs >= sessionTimeoutMs) {
            throw new InvalidConfigException("heartbeat.interval.ms (" + heartbeatIntervalMs
                    + ") must be lower than session.timeout.ms (" + sessionTimeoutMs + ")");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static ConsumerConfig group(String groupId) {
        return builder().groupId(groupId).build();
    }

    /** Builder with Kafka's defaults, except auto-commit (off). */
    public static final class Builder {
        private String groupId;
        private String clientId = "busbar-consumer";
        private OffsetResetPolicy autoOffsetReset = OffsetResetPolicy.EARLIEST;
        private boolean enableAutoCommit;
        private long autoCommitIntervalMs = 5000;
        private List<String> assignmentStrategies = List.of("range", "cooperative-sticky");
        private int maxPollRecords = 500;
        private long maxPollIntervalMs = 300_000;
        private int sessionTimeoutMs = 45_000;
        private int heartbeatIntervalMs = 3_000;
        private int fetchMaxBytes = 1024 * 1024;

        public Builder groupId(String v) { groupId = v; return this; }
        public Builder clientId(String v) { clientId = v; return this; }
        public Builder autoOffsetReset(OffsetResetPolicy v) { autoOffsetReset = v; return this; }
        public Builder enableAutoCommit(boolean v) { enableAutoCommit = v; return this; }
        public Builder autoCommitIntervalMs(long v) { autoCommitIntervalMs = v; return this; }
        public Builder assignmentStrategies(List<String> v) { assignmentStrategies = v; return this; }
        public Builder maxPollRecords(int v) { maxPollRecords = v; return this; }
        public Builder maxPollIntervalMs(long v) { maxPollIntervalMs = v; return this; }
        public Builder sessionTimeoutMs(int v) { sessionTimeoutMs = v; return this; }
        public Builder heartbeatIntervalMs(int v) { heartbeatIntervalMs = v; return this; }
        public Builder fetchMaxBytes(int v) { fetchMaxBytes = v; return this; }

        public ConsumerConfig build() {
            return new ConsumerConfig(groupId, clientId, autoOffsetReset, enableAutoCommit, autoCommitIntervalMs,
                    assignmentStrategies, maxPollRecords, maxPollIntervalMs, sessionTimeoutMs, heartbeatIntervalMs, fetchMaxBytes);
        }
    }
}
