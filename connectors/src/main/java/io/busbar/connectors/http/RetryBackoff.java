package io.busbar.connectors.http;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Waits between attempts of the HTTP sink: exponential ({@code initial × 2^(attempt-1)}, capped), or what the
 * target asked for with {@code Retry-After} (seconds or an HTTP date) when that is longer, still capped.
 * Stateless and thread-safe.
 */
final class RetryBackoff {

    private final long initialMs;
    private final long maxMs;

    RetryBackoff(long initialMs, long maxMs) {
        this.initialMs = initialMs;
        this.maxMs = maxMs;
    }

    /** The wait after failed attempt number {@code attempt} (1-based). */
    long delayMs(int attempt, Optional<String> retryAfter) {
        long exponential = initialMs;
        for (int i = 1; i < attempt && exponential < maxMs; i++) {
            exponential *= 2;
        }
        long asked = retryAfter.flatMap(RetryBackoff::retryAfterMs).orElse(0L);
        return Math.min(maxMs, Math.max(exponential, asked));
    }

    /** {@code Retry-After: 3} or {@code Retry-After: Wed, 21 Oct 2015 07:28:00 GMT}, as milliseconds from now. */
    static Optional<Long> retryAfterMs(String value) {
        String v = value.trim();
        try {
            return Optional.of(Math.max(0, Long.parseLong(v)) * 1000);
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Optional.of(Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis()));
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }
}
