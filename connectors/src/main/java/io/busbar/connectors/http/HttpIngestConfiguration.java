package io.busbar.connectors.http;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every setting of the HTTP ingest ({@link HttpIngestProcessor}), documented where it is declared; the kamelet
 * {@code http-source} and the runtime's {@code busbar.http.*} settings map onto these one to one.
 * Not thread-safe while being configured; read-only once the processor has started.
 */
public class HttpIngestConfiguration {

    /**
     * Topic every request is written to. Empty: the topic is the last segment of the request path
     * ({@code POST /topics/orders} writes to {@code orders}).
     */
    private String topic = "";

    /** Request header whose value becomes the record key (UTF-8). */
    private String keyHeader = "X-Record-Key";

    /** Query parameter whose value becomes the record key; wins over {@link #keyHeader}. */
    private String keyParameter = "key";

    /**
     * Comma-separated request headers copied into record headers (case-insensitive). Nothing else is copied:
     * never Camel's internal headers, never {@code Authorization}.
     */
    private String headers = "";

    /**
     * What a body must be: {@code json} (valid JSON; a JSON array, or {@code application/x-ndjson} lines, is a batch
     * of records, one per element or line), {@code text} (UTF-8 text, one record) or {@code binary} (bytes as sent,
     * one record).
     */
    private String format = "json";

    /** Largest body accepted, in bytes; larger requests get 413. */
    private int maxBodyBytes = 1024 * 1024;

    /**
     * Records written but not yet durable, across all requests, beyond which requests get 503 with
     * {@code Retry-After} instead of queueing: work in flight stays bounded however fast clients send.
     */
    private int maxInFlightRecords = 4096;

    /** Seconds a client is told to wait ({@code Retry-After}) when the bus cannot keep up. */
    private int retryAfterSeconds = 1;

    /** Create an unknown topic on first write (with the bus's default partitions) instead of answering 404. */
    private boolean autoCreateTopics;

    /** Partitions of a topic created by {@link #autoCreateTopics}. */
    private int partitions = 1;

    /** Comma-separated bearer tokens; when any token is configured, a request without a valid one gets 401. */
    private String tokens = "";

    /** File with one bearer token per line (blank lines and lines starting with # ignored); read at start. */
    private String tokensFile = "";

    /** The configured format, validated. */
    IngestFormat ingestFormat() {
        return IngestFormat.parse(format);
    }

    /** Names of the headers copied to records, lower-cased. */
    Set<String> headerAllowList() {
        return Arrays.stream(headers.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Checks every setting; the message names the setting and the fix. */
    void validate() {
        ingestFormat();
        requirePositive("maxBodyBytes", maxBodyBytes);
        requirePositive("maxInFlightRecords", maxInFlightRecords);
        requirePositive("retryAfterSeconds", retryAfterSeconds);
        requirePositive("partitions", partitions);
    }

    private static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("HTTP ingest setting " + name + " = " + value
                    + " is invalid: use a positive number");
        }
    }

    public String getTopic() { return topic; }
    public void setTopic(String topic) { this.topic = topic == null ? "" : topic.trim(); }
    public String getKeyHeader() { return keyHeader; }
    public void setKeyHeader(String keyHeader) { this.keyHeader = keyHeader; }
    public String getKeyParameter() { return keyParameter; }
    public void setKeyParameter(String keyParameter) { this.keyParameter = keyParameter; }
    public String getHeaders() { return headers; }
    public void setHeaders(String headers) { this.headers = headers == null ? "" : headers; }
    public String getFormat() { return format; }
    public void setFormat(String format) { this.format = format; }
    public int getMaxBodyBytes() { return maxBodyBytes; }
    public void setMaxBodyBytes(int maxBodyBytes) { this.maxBodyBytes = maxBodyBytes; }
    public int getMaxInFlightRecords() { return maxInFlightRecords; }
    public void setMaxInFlightRecords(int maxInFlightRecords) { this.maxInFlightRecords = maxInFlightRecords; }
    public int getRetryAfterSeconds() { return retryAfterSeconds; }
    public void setRetryAfterSeconds(int retryAfterSeconds) { this.retryAfterSeconds = retryAfterSeconds; }
    public boolean isAutoCreateTopics() { return autoCreateTopics; }
    public void setAutoCreateTopics(boolean autoCreateTopics) { this.autoCreateTopics = autoCreateTopics; }
    public int getPartitions() { return partitions; }
    public void setPartitions(int partitions) { this.partitions = partitions; }
    public String getTokens() { return tokens; }
    public void setTokens(String tokens) { this.tokens = tokens == null ? "" : tokens; }
    public String getTokensFile() { return tokensFile; }
    public void setTokensFile(String tokensFile) { this.tokensFile = tokensFile == null ? "" : tokensFile; }
}
