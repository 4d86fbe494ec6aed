package io.busbar.bus.log;

import io.busbar.bus.StorageException;
import io.busbar.bus.TopicConfig;
import io.busbar.bus.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything that happens when a partition directory is opened: finishing or discarding what a crash interrupted
 * (compaction swaps, deletions, checkpoint temp files), dropping segments below the log start offset, and — unless
 * the clean-shutdown marker says the last close completed — scanning every segment from the recovery point on:
 * each batch's CRC is checked and the indexes rebuilt. A damaged tail (a write torn by kill -9 or power loss) is
 * truncated; damage followed by valid batches is corruption in the middle of the log and fails the open with
 * {@link CorruptLogException} unless {@link LogOptions#truncateOnCorruption()}.
 *
 * <p>Not thread-safe; runs once, before the log accepts appends.
 */
final class LogLoader {
    private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);

    /** The loaded segments (the last one is active), the log start and the recovery point (= log end after load). */
    record LoadedLog(LogSegments segments, long logStartOffset, long recoveryPoint) {
    }

    private final Path dir;
    private final TopicPartition partition;
    private final int indexIntervalBytes;
    /** Offsets continue exactly from batch to batch (no compaction gaps), so a jump is damage. */
    private final boolean contiguous;
    private final LogOptions options;
    private final long nowMs;
    /**
     * The log writes a {@link LogJournal}: nothing past the recovery point was fsynced to the segments (the journal holds
     * what was acknowledged and is replayed after this load), so any damage there is a crash's unfinished writes.
     */
    private final boolean journaled;

    LogLoader(Path dir, TopicPartition partition, TopicConfig config, LogOptions options, long nowMs, boolean journaled) {
        this.dir = dir;
        this.partition = partition;
        this.indexIntervalBytes = config.indexIntervalBytes();
        this.contiguous = !config.compacted();
        this.options = options;
        this.nowMs = nowMs;
        this.journaled = journaled;
    }

    LoadedLog load() throws IOException {
        createDirectory();
        CleanShutdownFile marker = new CleanShutdownFile(dir);
        boolean cleanShutdown = marker.exists();
        Set<Long> swapped = finishInterruptedOperations();
        OffsetCheckpointFile startCheckpoint = new OffsetCheckpointFile(dir.resolve(OffsetCheckpointFile.LOG_START_OFFSET));
        OffsetCheckpointFile recoveryCheckpoint = new OffsetCheckpointFile(dir.resolve(OffsetCheckpointFile.RECOVERY_POINT));

        TreeSet<Long> bases = segmentBaseOffsets();
        OptionalLong storedStart = startCheckpoint.read();
        long logStart = storedStart.orElse(bases.isEmpty() ? 0 : bases.first());
        LogSegments segments = new LogSegments();
        try {
            openSegments(bases, logStart, segments);
            if (segments.isEmpty()) {
                segments.put(LogSegment.create(dir, logStart, indexIntervalBytes, nowMs));
                LogFiles.fsyncDirectory(dir);
            }
            if (storedStart.isEmpty()) {
                // a checkpointed start may lie below the first segment: compaction removes emptied segments
                logStart = segments.first().baseOffset();
            }
            long recoveryPoint = cleanShutdown ? Long.MAX_VALUE : recoveryCheckpoint.read().orElse(0);
            if (!cleanShutdown) {
                LOG.info("{}: no clean-shutdown marker, recovering from offset {}", partition, recoveryPoint);
            }
            List<LogSegment> recovered = recoverSegments(segments, recoveryPoint, swapped);
            LogSegment active = segments.last();
            for (LogSegment s : recovered) {
                s.flush(s != active);
            }
            long logEnd = active.nextOffset();
            active.markActive();
            if (recoveryCheckpoint.read().orElse(-1) != logEnd) {
                recoveryCheckpoint.write(logEnd);
            }
            if (storedStart.isEmpty() || storedStart.getAsLong() != logStart) {
                startCheckpoint.write(logStart);
            }
            marker.delete();
            return new LoadedLog(segments, logStart, logEnd);
        } catch (IOException | RuntimeException e) {
            for (LogSegment s : segments.all()) {
                try {
                    s.close();
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private void createDirectory() throws IOException {
        LogFiles.createDirectoriesDurably(dir);
    }

    /**
     * Deletes leftovers ({@code .deleted}, {@code .tmp}, half-written {@code .cleaned} files, index files without
     * their log) and completes compaction swaps: a {@code .log.swap} file is a complete cleaned segment, so it
     * replaces the original. Returns the base offsets of swapped segments (their indexes must be rebuilt).
     */
    private Set<Long> finishInterruptedOperations() throws IOException {
        Set<Long> swapped = new HashSet<>();
        boolean changed = false;
        for (Path file : list()) {
            String name = file.getFileName().toString();
            if (name.endsWith(LogFiles.DELETED_SUFFIX) || name.endsWith(LogFiles.TMP_SUFFIX)
                    || name.endsWith(LogFiles.CLEANED_SUFFIX)
                    || (name.endsWith(LogFiles.SWAP_SUFFIX) && !name.endsWith(LogFiles.LOG_SUFFIX + LogFiles.SWAP_SUFFIX))) {
                Files.deleteIfExists(file);
                changed = true;
            }
        }
        for (Path file : list()) {
            String name = file.getFileName().toString();
            OptionalLong base = LogFiles.baseOffsetOf(file);
            if (base.isPresent() && name.endsWith(LogFiles.LOG_SUFFIX + LogFiles.SWAP_SUFFIX)) {
                long b = base.getAsLong();
                LOG.info("{}: completing interrupted compaction swap of segment {}", partition, b);
                Files.deleteIfExists(LogFiles.offsetIndexFile(dir, b));
                Files.deleteIfExists(LogFiles.timeIndexFile(dir, b));
                LogFiles.rename(file, LogFiles.logFile(dir, b));
                swapped.add(b);
                changed = true;
            }
        }
        for (Path file : list()) {
            String name = file.getFileName().toString();
            OptionalLong base = LogFiles.baseOffsetOf(file);
            if (base.isPresent() && (name.endsWith(LogFiles.INDEX_SUFFIX) || name.endsWith(LogFiles.TIME_INDEX_SUFFIX))
                    && !Files.exists(LogFiles.logFile(dir, base.getAsLong()))) {
                Files.delete(file);
                changed = true;
            }
        }
        if (changed) {
            LogFiles.fsyncDirectory(dir);
        }
        return swapped;
    }

    private TreeSet<Long> segmentBaseOffsets() throws IOException {
        TreeSet<Long> bases = new TreeSet<>();
        for (Path file : list()) {
            OptionalLong base = LogFiles.baseOffsetOf(file);
            if (base.isPresent() && file.getFileName().toString().endsWith(LogFiles.LOG_SUFFIX)) {
                bases.add(base.getAsLong());
            }
        }
        return bases;
    }

    /** Opens the segments, deleting those wholly below the log start offset (retention interrupted by a crash). */
    private void openSegments(TreeSet<Long> bases, long logStart, LogSegments segments) throws IOException {
        boolean deleted = false;
        for (long base : bases) {
            Long next = bases.higher(base);
            if (next != null && next <= logStart) {
                Files.deleteIfExists(LogFiles.logFile(dir, base));
                Files.deleteIfExists(LogFiles.offsetIndexFile(dir, base));
                Files.deleteIfExists(LogFiles.timeIndexFile(dir, base));
                deleted = true;
                continue;
            }
            segments.put(LogSegment.open(dir, base, indexIntervalBytes, nowMs));
        }
        if (deleted) {
            LogFiles.fsyncDirectory(dir);
        }
    }

    /**
     * Loads trusted segments (below the segment holding the recovery point) from their index files and scans the
     * rest. Returns the segments whose contents were scanned, which the caller fsyncs before moving the recovery
     * point to the log end.
     */
    private List<LogSegment> recoverSegments(LogSegments segments, long recoveryPoint, Set<Long> swapped)
            throws IOException {
        LogSegment first = segments.floor(recoveryPoint);
        long firstUntrusted = first == null ? Long.MIN_VALUE : first.baseOffset();
        if (recoveryPoint == Long.MAX_VALUE) {
            firstUntrusted = Long.MAX_VALUE;
        }
        List<LogSegment> scanned = new ArrayList<>();
        long expectedNext = -1;
        boolean previousScanned = false;
        for (LogSegment segment : segments.snapshot()) {
            if (contiguous && expectedNext >= 0 && segment.baseOffset() > expectedNext && previousScanned) {
                dropUnflushedSegments(segments, segment, expectedNext);
                break;
            }
            boolean trusted = segment.baseOffset() < firstUntrusted && !swapped.contains(segment.baseOffset());
            LogSegment.RecoveryScan scan = trusted ? segment.loadTrusted(contiguous) : segment.recover(contiguous);
            if (scan != null) {
                scanned.add(segment);
            }
            if (scan != null && !scan.clean()) {
                handleDamage(segments, segment, scan, recoveryPoint);
                break;
            }
            if (expectedNext >= 0 && segment.baseOffset() < expectedNext) {
                throw new CorruptLogException(segment.file(), 0, segment.baseOffset(), "the segment's base offset "
                        + segment.baseOffset() + " overlaps the previous segment, which ends at " + (expectedNext - 1));
            }
            expectedNext = segment.nextOffset();
            previousScanned = scan != null;
        }
        return scanned;
    }

    /**
     * The segment before {@code first} ends below {@code first}'s base offset: its last writes never reached the disk,
     * yet the roll that created {@code first} (after them) did. Nothing from the lost writes on was acknowledged
     * (acknowledgement waits for an fsync that covers everything before it), so {@code first} and the segments after
     * it go, and the log continues from {@code expectedNext}.
     */
    private void dropUnflushedSegments(LogSegments segments, LogSegment first, long expectedNext) throws IOException {
        List<LogSegment> dropped = new ArrayList<>();
        for (LogSegment s = first; s != null; s = segments.higher(s)) {
            dropped.add(s);
        }
        long bytes = dropped.stream().mapToLong(LogSegment::size).sum();
        LOG.warn("{}: the segment before {} ends at offset {}: a crash lost its unflushed tail after the next segment"
                + " was created; dropping offsets {} and later ({} bytes in {} segment(s)), {}",
                partition, first.file(), expectedNext, expectedNext, bytes, dropped.size(), unacknowledged());
        for (LogSegment s : dropped) {
            segments.remove(s);
            s.closeAndDelete();
        }
        LogFiles.fsyncDirectory(dir);
    }

    /**
     * Truncates a torn tail (and any segments after it), or refuses corruption in the middle of the log. Valid batches
     * after the damage usually mean acknowledged data was damaged, except when the damage is what a power loss leaves
     * past the last flush: a batch the end of its file cuts off, or a page of zeros (a hole where the file grew but
     * the data never reached the disk), followed by later writes the operating system happened to write back first
     * (a later segment, or a later page). Those were never acknowledged: acknowledgement waits for an fsync that
     * covers everything before it.
     */
    private void handleDamage(LogSegments segments, LogSegment damaged, LogSegment.RecoveryScan scan, long recoveryPoint)
            throws IOException {
        List<LogSegment> later = new ArrayList<>();
        for (LogSegment s = segments.higher(damaged); s != null; s = segments.higher(s)) {
            later.add(s);
        }
        boolean validInSegment = CorruptionProbe.validBatchAfter(damaged.file(), scan.validBytes() + 1L, scan.nextOffset());
        boolean validFollows = validInSegment;
        for (LogSegment s : later) {
            validFollows = validFollows || CorruptionProbe.validBatchAfter(s.file(), 0, scan.nextOffset());
        }
        // a batch "cut short" with valid batches after it in the same file is a damaged length field, not a torn write
        boolean unflushedWrites = validFollows && scan.nextOffset() >= recoveryPoint && (journaled
                || (scan.cutShort() && !validInSegment) || CorruptionProbe.zeroPageAt(damaged.file(), scan.validBytes()));
        if (validFollows && !unflushedWrites && !options.truncateOnCorruption()) {
            throw new CorruptLogException(damaged.file(), scan.validBytes(), scan.nextOffset(), scan.problem());
        }
        long lostBytes = (long) scan.size() - scan.validBytes();
        for (LogSegment s : later) {
            lostBytes += s.size();
        }
        if (unflushedWrites) {
            LOG.warn("{}: a crash left writes past the last flush out of order ({} at byte {} of {}, later data present):"
                    + " dropping offsets {} and later ({} bytes), {}", partition, scan.problem(), scan.validBytes(),
                    damaged.file(), scan.nextOffset(), lostBytes, unacknowledged());
        } else if (validFollows) {
            LOG.error("{}: segment {} is corrupt at byte {} ({}); truncateOnCorruption is set, dropping offsets {} "
                    + "and later ({} bytes)", partition, damaged.file(), scan.validBytes(), scan.problem(),
                    scan.nextOffset(), lostBytes);
        } else if (later.isEmpty() && CorruptionProbe.zerosToEnd(damaged.file(), scan.validBytes())) {
            // the zeros SegmentPreallocation keeps ahead of the appends, in the segment that was active at the crash
            LOG.info("{}: dropping {} bytes of zeros after the last record batch of {} (preallocated space)", partition,
                    lostBytes, damaged.file());
        } else {
            LOG.warn("{}: truncating a torn tail of {} bytes at offset {} in {} ({})", partition, lostBytes,
                    scan.nextOffset(), damaged.file(), scan.problem());
        }
        damaged.truncateTo(scan.validBytes());
        damaged.records().flush();
        for (LogSegment s : later) {
            segments.remove(s);
            s.closeAndDelete();
        }
        if (!later.isEmpty()) {
            LogFiles.fsyncDirectory(dir);
        }
    }

    /** What happens to records a crash cut off past the last flush. */
    private String unacknowledged() {
        return journaled ? "the log journal replays those that were acknowledged" : "none of which was acknowledged";
    }

    private List<Path> list() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(files::add);
        }
        return files;
    }

    static StorageException failure(TopicPartition partition, Path dir, IOException e) {
        return new StorageException("Cannot open the log of " + partition + " in " + dir + ": " + e
                + " (check that the directory is readable and writable and the disk has space)", e);
    }
}
