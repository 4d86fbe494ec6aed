package io.busbar.connectors.bus;

import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;
import org.apache.camel.spi.UriPath;

/**
 * Every option of a {@code bus:} endpoint, documented where it is declared. The component holds one as the
 * defaults of all its endpoints ({@code camel.component.bus.configuration.*}); each endpoint gets a copy with its
 * URI options applied. Not thread-safe while being configured; read-only afterwards.
 */
@UriParams
public class BusConfiguration implements Cloneable {

    /** Topic to read from or write to. */
    @UriPath(label = "common")
    @Metadata(required = true)
    private String topic;

    // ---- producer

    /**
     * Expression (simple language) for the record key, e.g. {@code ${header.customerId}}. Without it the key is
     * the {@code bus.KEY} header, or none.
     */
    @UriParam(label = "producer")
    private String key;

    /**
     * How the body becomes the record value: {@code raw} converts it with Camel's type converters (String, byte[],
     * InputStream, ...); {@code json} writes any other object as JSON with Jackson (String, byte[] and streams are
     * sent as they are).
     */
    @UriParam(label = "producer", defaultValue = "raw", enums = "raw,json")
    private String valueFormat = "raw";

    /**
     * Create the topic on first use, with {@code partitions} partitions. Without it a missing topic is created by
     * the bus if its own auto-creation is on ({@code busbar.topics.auto.create}), else it is an error.
     */
    @UriParam(label = "common", defaultValue = "true")
    private boolean autoCreateTopic = true;

    /** Partitions of a topic this endpoint creates; 0 uses the bus's default ({@code busbar.topics.default.partitions}). */
    @UriParam(label = "common", defaultValue = "0")
    private int partitions;

    // ---- consumer

    /** Consumer group; required to consume. Members of a group share the topic's partitions and its offsets. */
    @UriParam(label = "consumer")
    private String groupId;

    /** Where a group without a committed offset starts: {@code earliest}, {@code latest} or {@code none} (fail). */
    @UriParam(label = "consumer", defaultValue = "earliest", enums = "earliest,latest,none")
    private String autoOffsetReset = "earliest";

    /** Most records one poll returns. */
    @UriParam(label = "consumer", defaultValue = "500")
    private int maxPollRecords = 500;

    /**
     * Consumers in the group, each on its own thread; partitions are spread over them. Order is kept within a
     * partition, never across partitions.
     */
    @UriParam(label = "consumer", defaultValue = "1")
    private int concurrency = 1;

    /**
     * Exchanges a consumer thread keeps in flight. Asynchronous steps (a {@code bus:} producer waits for its record
     * to be durable) overlap up to this many records, so one fsync serves many; synchronous routes are not affected.
     * Records enter the route in partition order, offsets are committed only past completed records, and a failed
     * record is retried in order (its successors that had already started are delivered again after it). 1 processes
     * a partition's records strictly one after the other, without such repeats.
     */
    @UriParam(label = "consumer", defaultValue = "500")
    private int maxInFlight = 500;

    /**
     * Threads that continue an exchange once the bus has made its record durable (the steps after {@code to: bus:}).
     * The bus completes its acknowledgements on the log's own threads (append, flush, fsync), which must never run
     * route work: a slow step there would stall every partition's group commit. Default: a cached pool shared by the
     * component's endpoints, fed in batches with a watchdog for blocked steps (ContinuationRunner), shut down with it.
     * Set your own {@code ExecutorService} bean (e.g. {@code #myPool}) to
     * bound or monitor it; like camel-kafka's {@code workerPool}.
     */
    @UriParam(label = "producer,advanced")
    private java.util.concurrent.ExecutorService workerPool;

    /**
     * Exactly-once for {@code bus:} → {@code bus:} routes: each polled batch runs in one Kafka transaction holding the
     * records the route sends to {@code bus:} topics and the consumed offsets, committed together or not at all;
     * input is read {@code read_committed}. Built on the bus's Kafka transactions: on the embedded bus it needs the
     * Kafka listener (a PLAINTEXT one, loopback by default), on a Kafka cluster the cluster's. Steps outside the bus
     * (HTTP, files, databases) are not part of the transaction. See docs/bus-component.md.
     */
    @UriParam(label = "consumer", defaultValue = "false")
    private boolean exactlyOnce;

    /**
     * Exactly-once only: the transactional id prefix; member {@code i} uses {@code <prefix>-<i>}. Must stay the same
     * across restarts (it is what fences a former instance) and be unique per route. Default
     * {@code busbar-<groupId>-<topic>}.
     */
    @UriParam(label = "consumer,advanced")
    private String transactionalId;

    /** A member whose heartbeats stop for this long is removed from the group. */
    @UriParam(label = "consumer,advanced", defaultValue = "45000")
    private int sessionTimeoutMs = 45_000;

    /** How often a member heartbeats; lower than sessionTimeoutMs. */
    @UriParam(label = "consumer,advanced", defaultValue = "3000")
    private int heartbeatIntervalMs = 3_000;

    /** A member that does not poll for this long (e.g. stuck in a slow route) leaves the group. */
    @UriParam(label = "consumer,advanced", defaultValue = "300000")
    private long maxPollIntervalMs = 300_000;

    /** Longest wait of one poll for new records. */
    @UriParam(label = "consumer,advanced", defaultValue = "500")
    private long pollTimeoutMs = 500;

    /**
     * How often processed offsets are committed; 0 commits after every polled batch. Offsets are also committed
     * when partitions are revoked and on shutdown.
     */
    @UriParam(label = "consumer", defaultValue = "1000")
    private long commitIntervalMs = 1000;

    /** Client id shown in group descriptions; defaults to the route id. */
    @UriParam(label = "consumer,advanced")
    private String clientId;

    /**
     * Times the consumer delivers a failed record again (after the route's own error handler gave up) before it
     * goes to the dead-letter topic; -1 redelivers until it succeeds (for sinks whose only errors that are not
     * data errors are transient). A sink's data error ({@code SinkDataException}) goes to the dead-letter topic at
     * once, whatever this says.
     */
    @UriParam(label = "consumer,error", defaultValue = "2")
    private int maximumRedeliveries = 2;

    /** Wait before the first redelivery, in milliseconds. */
    @UriParam(label = "consumer,error", defaultValue = "500")
    private long redeliveryDelay = 500;

    /** Each further redelivery waits this many times longer. */
    @UriParam(label = "consumer,error", defaultValue = "2.0")
    private double backoffMultiplier = 2.0;

    /** Upper bound of the wait between redeliveries, in milliseconds. */
    @UriParam(label = "consumer,error", defaultValue = "30000")
    private long maximumRedeliveryDelay = 30_000;

    /**
     * Topic that receives a record whose redeliveries are exhausted: the original key, value and headers plus
     * {@code bus.dlq.*} headers saying what failed. Defaults to {@code <topic>.dlq}. The record's offset is
     * committed only once the dead-letter record is durable.
     */
    @UriParam(label = "consumer,error")
    private String deadLetterTopic;

    /** Longest wait on shutdown (or rebalance) for in-flight exchanges before offsets are committed. */
    @UriParam(label = "consumer,advanced", defaultValue = "30000")
    private long shutdownTimeoutMs = 30_000;

    // ---- both

    /**
     * Which headers are copied between exchanges and records. The default copies only the user's own headers:
     * never Camel's internal ones, this component's {@code bus.*} or HTTP transport headers, whatever their case.
     */
    @UriParam(label = "advanced")
    private HeaderFilterStrategy headerFilterStrategy = new BusHeaderFilterStrategy();

    public BusConfiguration copy() {
        try {
            return (BusConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    /** The dead-letter topic in effect: the option, else {@code <topic>.dlq}. */
    /** How long to wait before delivering a record again after its {@code failedDelivery}-th delivery failed. */
    public long redeliveryDelayAfter(int failedDelivery) {
        double delay = redeliveryDelay * Math.pow(backoffMultiplier, failedDelivery - 1);
        return (long) Math.min(delay, maximumRedeliveryDelay);
    }

    public String effectiveDeadLetterTopic() {
        return deadLetterTopic == null || deadLetterTopic.isBlank() ? topic + ".dlq" : deadLetterTopic;
    }

    public String getTopic() { return topic; }
    public void setTopic(String topic) { this.topic = topic; }
    public String getKey() { return key; }
    public void setKey(String key) { this.key = key; }
    public String getValueFormat() { return valueFormat; }
    public void setValueFormat(String valueFormat) { this.valueFormat = valueFormat; }
    public boolean isAutoCreateTopic() { return autoCreateTopic; }
    public void setAutoCreateTopic(boolean autoCreateTopic) { this.autoCreateTopic = autoCreateTopic; }
    public int getPartitions() { return partitions; }
    public void setPartitions(int partitions) { this.partitions = partitions; }
    public String getGroupId() { return groupId; }
    public void setGroupId(String groupId) { this.groupId = groupId; }
    public String getAutoOffsetReset() { return autoOffsetReset; }
    public void setAutoOffsetReset(String autoOffsetReset) { this.autoOffsetReset = autoOffsetReset; }
    public int getMaxPollRecords() { return maxPollRecords; }
    public boolean isExactlyOnce() { return exactlyOnce; }
    public void setExactlyOnce(boolean exactlyOnce) { this.exactlyOnce = exactlyOnce; }
    public String getTransactionalId() { return transactionalId; }
    public void setTransactionalId(String transactionalId) { this.transactionalId = transactionalId; }
    public void setMaxPollRecords(int maxPollRecords) { this.maxPollRecords = maxPollRecords; }
    public int getConcurrency() { return concurrency; }
    public void setConcurrency(int concurrency) { this.concurrency = concurrency; }
    public java.util.concurrent.ExecutorService getWorkerPool() { return workerPool; }
    public void setWorkerPool(java.util.concurrent.ExecutorService workerPool) { this.workerPool = workerPool; }
    public int getMaxInFlight() { return maxInFlight; }
    public void setMaxInFlight(int maxInFlight) { this.maxInFlight = maxInFlight; }
    public int getSessionTimeoutMs() { return sessionTimeoutMs; }
    public void setSessionTimeoutMs(int sessionTimeoutMs) { this.sessionTimeoutMs = sessionTimeoutMs; }
    public int getHeartbeatIntervalMs() { return heartbeatIntervalMs; }
    public void setHeartbeatIntervalMs(int heartbeatIntervalMs) { this.heartbeatIntervalMs = heartbeatIntervalMs; }
    public long getMaxPollIntervalMs() { return maxPollIntervalMs; }
    public void setMaxPollIntervalMs(long maxPollIntervalMs) { this.maxPollIntervalMs = maxPollIntervalMs; }
    public long getPollTimeoutMs() { return pollTimeoutMs; }
    public void setPollTimeoutMs(long pollTimeoutMs) { this.pollTimeoutMs = pollTimeoutMs; }
    public long getCommitIntervalMs() { return commitIntervalMs; }
    public void setCommitIntervalMs(long commitIntervalMs) { this.commitIntervalMs = commitIntervalMs; }
    public String getClientId() { return clientId; }
    public void setClientId(String clientId) { this.clientId = clientId; }
    public int getMaximumRedeliveries() { return maximumRedeliveries; }
    public void setMaximumRedeliveries(int maximumRedeliveries) { this.maximumRedeliveries = maximumRedeliveries; }
    public long getRedeliveryDelay() { return redeliveryDelay; }
    public void setRedeliveryDelay(long redeliveryDelay) { this.redeliveryDelay = redeliveryDelay; }
    public double getBackoffMultiplier() { return backoffMultiplier; }
    public void setBackoffMultiplier(double backoffMultiplier) { this.backoffMultiplier = backoffMultiplier; }
    public long getMaximumRedeliveryDelay() { return maximumRedeliveryDelay; }
    public void setMaximumRedeliveryDelay(long maximumRedeliveryDelay) { this.maximumRedeliveryDelay = maximumRedeliveryDelay; }
    public String getDeadLetterTopic() { return deadLetterTopic; }
    public void setDeadLetterTopic(String deadLetterTopic) { this.deadLetterTopic = deadLetterTopic; }
    public long getShutdownTimeoutMs() { return shutdownTimeoutMs; }
    public void setShutdownTimeoutMs(long shutdownTimeoutMs) { this.shutdownTimeoutMs = shutdownTimeoutMs; }
    public HeaderFilterStrategy getHeaderFilterStrategy() { return headerFilterStrategy; }
    public void setHeaderFilterStrategy(HeaderFilterStrategy headerFilterStrategy) { this.headerFilterStrategy = headerFilterStrategy; }
}
