package io.busbar.bus.log;

import io.busbar.bus.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Segments taken out of a log by retention or compaction, already renamed to {@code .deleted}: their files stay
 * open for {@link #DELAY_MS} so reads already holding a slice of them finish, then are closed and deleted (or at
 * the log's close). After a crash the loader deletes {@code .deleted} files.
 *
 * <p>Thread-safety: guarded by the log's flush lock (passed in), so a flush never fsyncs a file being closed.
 */
final class DelayedSegmentDeletion {
    private static final Logger LOG = LoggerFactory.getLogger(DelayedSegmentDeletion.class);
    /** As Kafka's {@code file.delete.delay.ms}. */
    static final long DELAY_MS = 60_000;

    private final TopicPartition partition;
    private final LogScheduler scheduler;
    private final ReentrantLock lock;
    private final List<LogSegment> waiting = new ArrayList<>();

    DelayedSegmentDeletion(TopicPartition partition, LogScheduler scheduler, ReentrantLock lock) {
        this.partition = partition;
        this.scheduler = scheduler;
        this.lock = lock;
    }

    /** Caller holds the lock. */
    void add(List<LogSegment> removed) {
        waiting.addAll(removed);
        try {
            scheduler.schedule(() -> deleteNow(removed), DELAY_MS);
        } catch (RuntimeException e) {
            LOG.debug("{}: scheduler stopped; removed segments are deleted at close", partition);
        }
    }

    /** Deletes everything still waiting (the log is closing). Caller holds the lock. */
    void deleteAll() {
        waiting.forEach(this::closeAndDelete);
        waiting.clear();
    }

    private void deleteNow(List<LogSegment> removed) {
        lock.lock();
        try {
            for (LogSegment s : removed) {
                if (waiting.remove(s)) {
                    closeAndDelete(s);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void closeAndDelete(LogSegment s) {
        try {
            s.closeAndDelete();
        } catch (IOException e) {
            LOG.warn("{}: could not delete {}: {}", partition, s.file(), e.toString());
        }
    }
}
