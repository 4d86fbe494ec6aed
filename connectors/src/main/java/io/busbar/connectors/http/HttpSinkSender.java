package io.busbar.connectors.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import io.busbar.connectors.bus.BusConstants;
import io.busbar.connectors.sink.SinkErrorPolicy;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP sink: sends an exchange's body (a record consumed by {@code bus:}) to a URL and returns only once the
 * target answered 2xx, so the {@code bus:} consumer commits the offset only then. Timeouts, connection errors,
 * 408, 429 and 5xx are retried with exponential backoff, honouring {@code Retry-After}; any other status is a data
 * error handled by {@code errorPolicy} ({@link SinkErrorPolicy}): dead-letter throws {@link HttpSinkRejectedException}
 * (the {@code bus:} consumer dead-letters it at once), skip logs it and completes the exchange, fail retries it like
 * a transient failure.
 *
 * <p>Sends with the JDK's {@link HttpClient}: per-request timeouts, HTTP/1.1 keep-alive pooling and typed
 * connection and timeout errors are what the retry rules need, without a second HTTP stack on the classpath.
 * Thread-safe: the client is shared; settings are fixed before the first exchange.
 */
public class HttpSinkSender implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(HttpSinkSender.class);
    private static final int BODY_IN_ERROR = 2048;

    private final HttpSinkConfiguration configuration;
    private volatile HttpClient client;

    public HttpSinkSender() {
        this(new HttpSinkConfiguration());
    }

    public HttpSinkSender(HttpSinkConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        HttpRequest request = request(exchange);
        RetryBackoff backoff = new RetryBackoff(configuration.getInitialBackoffMs(), configuration.getMaxBackoffMs());
        String what = describe(exchange);
        for (int attempt = 1; ; attempt++) {
            Optional<String> retryAfter = Optional.empty();
            Exception failure;
            try {
                HttpResponse<String> response = client().send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
                    return;
                }
                String body = truncate(response.body());
                if (!retryable(status) && configuration.errorPolicy() != SinkErrorPolicy.FAIL) {
                    String reason = request.method() + " " + request.uri() + " answered " + status + " for " + what
                            + ", which retrying cannot fix; response body: " + body;
                    if (configuration.errorPolicy() == SinkErrorPolicy.SKIP) {
                        LOG.warn("Skipping {} (key {}): {}", what, exchange.getMessage().getHeader(BusConstants.KEY), reason);
                        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
                        return;
                    }
                    throw new HttpSinkRejectedException(status, body, reason);
                }
                retryAfter = response.headers().firstValue("Retry-After");
                failure = new IOException(request.method() + " " + request.uri() + " answered " + status + ": " + body);
            } catch (IOException e) {
                failure = e;
            }
            if (configuration.getMaxAttempts() > 0 && attempt >= configuration.getMaxAttempts()) {
                throw new HttpSinkRetriesExhaustedException("Sending " + what + " to " + request.uri() + " failed "
                        + attempt + " times (last: " + failure.getMessage() + "): check the target or raise maxAttempts", failure);
            }
            long delay = backoff.delayMs(attempt, retryAfter);
            LOG.info("Sending {} to {} failed (attempt {}: {}); retrying in {} ms", what, request.uri(), attempt,
                    failure.toString(), delay);
            waitOrStop(exchange, delay, what);
        }
    }

    private static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /** Sleeps in short slices so a stopping route is not held up for a long backoff; the record stays uncommitted. */
    private static void waitOrStop(Exchange exchange, long delayMs, String what) throws InterruptedException {
        long until = System.nanoTime() + delayMs * 1_000_000L;
        while (System.nanoTime() < until) {
            if (exchange.getContext().isStopping() || exchange.getContext().isStopped()) {
                throw new InterruptedException("Camel is stopping while " + what + " waits for a retry;"
                        + " it stays uncommitted and is sent again on restart");
            }
            Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000L)));
        }
    }

    private HttpRequest request(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(configuration.getUrl()))
                .timeout(Duration.ofMillis(configuration.getTimeoutMs()))
                .method(configuration.getMethod(), body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (!configuration.getContentType().isBlank()) {
            b.header("Content-Type", configuration.getContentType());
        }
        configuration.headerMap().forEach(b::header);
        String key = exchange.getMessage().getHeader(BusConstants.KEY, String.class);
        if (key != null && !configuration.getKeyHeader().isBlank()) {
            b.header(configuration.getKeyHeader(), key);
        }
        return b.build();
    }

    private static String describe(Exchange exchange) {
        Object topic = exchange.getMessage().getHeader(BusConstants.TOPIC);
        Object partition = exchange.getMessage().getHeader(BusConstants.PARTITION);
        Object offset = exchange.getMessage().getHeader(BusConstants.OFFSET);
        return topic == null ? "exchange " + exchange.getExchangeId() : "record " + topic + "-" + partition + "@" + offset;
    }

    private static String truncate(String body) {
        return body == null ? "" : body.length() <= BODY_IN_ERROR ? body : body.substring(0, BODY_IN_ERROR) + "...";
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    configuration.validate();
                    c = HttpClient.newBuilder()
                            .connectTimeout(Duration.ofMillis(configuration.getTimeoutMs()))
                            .version(HttpClient.Version.HTTP_1_1)
                            .followRedirects(HttpClient.Redirect.NORMAL)
                            .build();
                    client = c;
                }
            }
        }
        return c;
    }

    public HttpSinkConfiguration getConfiguration() { return configuration; }

    // Flat setters so a kamelet bean can configure the sender property by property.
    public void setUrl(String v) { configuration.setUrl(v); }
    public void setMethod(String v) { configuration.setMethod(v); }
    public void setHeaders(String v) { configuration.setHeaders(v); }
    public void setContentType(String v) { configuration.setContentType(v); }
    public void setKeyHeader(String v) { configuration.setKeyHeader(v); }
    public void setTimeoutMs(long v) { configuration.setTimeoutMs(v); }
    public void setInitialBackoffMs(long v) { configuration.setInitialBackoffMs(v); }
    public void setMaxBackoffMs(long v) { configuration.setMaxBackoffMs(v); }
    public void setMaxAttempts(int v) { configuration.setMaxAttempts(v); }
    public void setErrorPolicy(String v) { configuration.setErrorPolicy(v); }
}
