package io.busbar.bus.log;

import io.busbar.bus.TopicConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks the segments that {@code retention.ms} and {@code retention.bytes} expire: always whole segments, oldest
 * first, never the active segment nor the one holding the high watermark (their records may not be durable or
 * read yet). A segment is older than {@code retention.ms} when its newest record timestamp is (the file's
 * modification time when it has no timestamps). Stateless and thread-safe.
 */
final class LogRetention {

    private LogRetention() {
    }

    static List<LogSegment> expiredSegments(SegmentedLog log, TopicConfig config, long nowMs) {
        List<LogSegment> closed = new ArrayList<>();
        LogSegment active = log.activeSegment();
        LogSegment highWatermarkSegment = log.highWatermarkPosition().segment();
        for (LogSegment s : log.segments().all()) {
            if (s == active || s == highWatermarkSegment) {
                break;
            }
            closed.add(s);
        }
        List<LogSegment> expired = new ArrayList<>();
        if (config.retentionMs() >= 0) {
            for (LogSegment s : closed) {
                if (nowMs - newestTimestamp(s) <= config.retentionMs()) {
                    break;
                }
                expired.add(s);
            }
        }
        if (config.retentionBytes() >= 0) {
            long excess = log.sizeInBytes() - config.retentionBytes();
            for (LogSegment s : expired) {
                excess -= s.size();
            }
            for (LogSegment s : closed.subList(expired.size(), closed.size())) {
                if (excess - s.size() < 0) {
                    break;
                }
                excess -= s.size();
                expired.add(s);
            }
        }
        return expired;
    }

    private static long newestTimestamp(LogSegment s) {
        if (s.maxTimestamp() >= 0) {
            return s.maxTimestamp();
        }
        try {
            return Files.getLastModifiedTime(s.file()).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE; // cannot tell its age: keep it
        }
    }
}
