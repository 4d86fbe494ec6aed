package io.busbar.connectors.http;

import io.busbar.connectors.http.server.HttpRequestRejectedException;
import io.busbar.connectors.http.server.HttpProblem;
import java.util.concurrent.Semaphore;

/**
 * Bounds the records written but not yet durable across every request of a listener. A request that would go
 * over the bound is refused at once (503) rather than queued: queues would only hide overload until memory runs
 * out, while a refusal tells the client to back off. Thread-safe.
 */
final class InFlightRecords {

    private final int limit;
    private final Semaphore permits;

    InFlightRecords(int limit) {
        this.limit = limit;
        this.permits = new Semaphore(limit);
    }

    /** Reserves room for {@code count} records, or throws 503 (413 if {@code count} could never fit). */
    void acquire(int count, int retryAfterSeconds) {
        if (count > limit) {
            throw new HttpRequestRejectedException(HttpProblem.BODY_TOO_LARGE, "The request holds " + count
                    + " records, more than the " + limit + " this listener keeps in flight (maxInFlightRecords):"
                    + " send smaller batches");
        }
        if (!permits.tryAcquire(count)) {
            throw new HttpRequestRejectedException(HttpProblem.OVERLOADED, "The bus is not keeping up ("
                    + limit + " records already waiting to be durable): retry after " + retryAfterSeconds + " s");
        }
    }

    void release(int count) {
        permits.release(count);
    }

    int inFlight() {
        return limit - permits.availablePermits();
    }
}
