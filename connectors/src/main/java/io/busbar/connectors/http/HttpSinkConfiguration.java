package io.busbar.connectors.http;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every setting of the HTTP sink ({@link HttpSinkSender}), documented where declared; the kamelet
 * {@code http-sink} maps onto these one to one. Not thread-safe while configured; read-only afterwards.
 */
public class HttpSinkConfiguration {

    private static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH", "DELETE", "GET");

    /** Where each record is sent (http or https). */
    private String url = "";

    /** HTTP method: POST, PUT, PATCH, DELETE or GET. */
    private String method = "POST";

    /** Extra request headers, {@code Name=value} pairs separated by commas, e.g. {@code Authorization=Bearer x}. */
    private String headers = "";

    /** Content-Type of the request; empty sends none. */
    private String contentType = "application/json";

    /** Request header carrying the record key (when the record has one); empty sends none. */
    private String keyHeader = "X-Record-Key";

    /** Connect and response timeout of one attempt. */
    private long timeoutMs = 10_000;

    /** Wait after the first failed attempt; doubled after each further one. */
    private long initialBackoffMs = 200;

    /** Longest wait between attempts, also for a larger {@code Retry-After}. */
    private long maxBackoffMs = 30_000;

    /** Attempts before giving up on retryable failures (then dead letter); 0 retries until the route stops. */
    private int maxAttempts;
    /** A record the target refuses (4xx other than 408/429): dead-letter, skip or fail (retry like a 5xx). */
    private io.busbar.connectors.sink.SinkErrorPolicy errorPolicy = io.busbar.connectors.sink.SinkErrorPolicy.DEAD_LETTER;

    void validate() {
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() == null || !Set.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("no http(s) scheme");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("HTTP sink url '" + url + "' is invalid (" + e.getMessage()
                    + "): use an absolute http:// or https:// URL", e);
        }
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("HTTP sink method '" + method + "' is not supported: use one of " + METHODS);
        }
        if (timeoutMs < 1 || initialBackoffMs < 1 || maxBackoffMs < initialBackoffMs || maxAttempts < 0) {
            throw new IllegalArgumentException("HTTP sink timings are invalid (timeoutMs=" + timeoutMs + ", initialBackoffMs="
                    + initialBackoffMs + ", maxBackoffMs=" + maxBackoffMs + ", maxAttempts=" + maxAttempts
                    + "): use positive times, maxBackoffMs >= initialBackoffMs and maxAttempts >= 0");
        }
        headerMap();
    }

    Map<String, String> headerMap() {
        Map<String, String> map = new LinkedHashMap<>();
        for (String pair : headers.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("HTTP sink header '" + pair.trim() + "' is invalid: write Name=value");
            }
            map.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return map;
    }

    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url == null ? "" : url.trim(); }
    public String getMethod() { return method; }
    public void setMethod(String method) { this.method = method == null ? "POST" : method.trim().toUpperCase(Locale.ROOT); }
    public String getHeaders() { return headers; }
    public void setHeaders(String headers) { this.headers = headers == null ? "" : headers; }
    public String getContentType() { return contentType; }
    public void setContentType(String contentType) { this.contentType = contentType == null ? "" : contentType; }
    public String getKeyHeader() { return keyHeader; }
    public void setKeyHeader(String keyHeader) { this.keyHeader = keyHeader == null ? "" : keyHeader; }
    public long getTimeoutMs() { return timeoutMs; }
    public void setTimeoutMs(long timeoutMs) { this.timeoutMs = timeoutMs; }
    public long getInitialBackoffMs() { return initialBackoffMs; }
    public void setInitialBackoffMs(long initialBackoffMs) { this.initialBackoffMs = initialBackoffMs; }
    public long getMaxBackoffMs() { return maxBackoffMs; }
    public void setMaxBackoffMs(long maxBackoffMs) { this.maxBackoffMs = maxBackoffMs; }
    public int getMaxAttempts() { return maxAttempts; }
    public void setMaxAttempts(int maxAttempts) { this.maxAttempts = maxAttempts; }
    public io.busbar.connectors.sink.SinkErrorPolicy errorPolicy() { return errorPolicy; }
    public void setErrorPolicy(String v) { this.errorPolicy = io.busbar.connectors.sink.SinkErrorPolicy.parse(v); }
}
