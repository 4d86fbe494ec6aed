package io.busbar.kafka.handler;

import io.busbar.bus.log.PartitionLog;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes long-polling fetches when a partition's high watermark moves. Each partition has at most one pending
 * {@link PartitionLog#awaitHighWatermarkAbove} future however many fetches wait on it, so an idle partition polled
 * every 500 ms by many consumers does not pile up futures in the log. Thread-safe.
 */
final class HighWatermarkWatch {

    /** Cancels a registration (the fetch answered for another reason). */
    interface Registration {
        void cancel();
    }

    private final ConcurrentHashMap<PartitionLog, Watch> watches = new ConcurrentHashMap<>();

    /**
     * Runs {@code wake} once, as soon as the high watermark is above {@code seenHighWatermark} (at once if it
     * already is) or the log closes.
     */
    Registration register(PartitionLog log, long seenHighWatermark, Runnable wake) {
        if (log.highWatermark() > seenHighWatermark) {
            wake.run();
            return () -> { };
        }
        while (true) {
            Watch w = watches.computeIfAbsent(log, Watch::new);
            if (w.add(wake)) {
                w.armOnce();
                if (log.highWatermark() > seenHighWatermark) {
                    wake.run(); // moved while registering; wake must tolerate running twice
                }
                return () -> w.remove(wake);
            }
            // that watch just fired; take a fresh one
        }
    }

    private final class Watch {
        private final PartitionLog log;
        private final List<Runnable> waiters = new ArrayList<>();
        private boolean fired;
        private boolean armed;

        Watch(PartitionLog log) {
            this.log = log;
        }

        /** Outside computeIfAbsent: the future may complete at once, and fire() removes from the map. */
        void armOnce() {
            synchronized (this) {
                if (armed) {
                    return;
                }
                armed = true;
            }
            log.awaitHighWatermarkAbove(log.highWatermark()).whenComplete((v, e) -> fire());
        }

        synchronized boolean add(Runnable wake) {
            if (fired) {
                return false;
            }
            waiters.add(wake);
            return true;
        }

        synchronized void remove(Runnable wake) {
            waiters.remove(wake);
        }

        private void fire() {
            List<Runnable> toWake;
            synchronized (this) {
                fired = true;
                toWake = new ArrayList<>(waiters);
                waiters.clear();
            }
            watches.remove(log, this);
            toWake.forEach(Runnable::run);
        }
    }
}
