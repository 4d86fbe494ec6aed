package io.busbar.bus.log;

import io.busbar.bus.StorageException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * A write-ahead journal shared by the partition logs of one bus ({@code busbar.log.journal}): each append is written to
 * its segment as always and then to this one file, and the group commit fdatasyncs only the journal, so a produce
 * request to several partitions costs one fsync instead of one per partition. The segments are written through the
 * page cache and fsynced only at checkpoints: when a journal file passes {@link #DEFAULT_FILE_BYTES}, the next one
 * starts and every log fsyncs its segments up to its end ({@link LogFlusher#checkpoint()}), after which the older
 * files hold nothing that is not in fsynced segments and are recycled or deleted.
 *
 * <p>Recycled files: a file the checkpoint no longer needs becomes the next file ({@code next.journal.spare}, renamed
 * into place at the roll), as PostgreSQL recycles its WAL segments, so that the group commit's fdatasync writes data
 * over blocks already on the disk: it commits no new file size and no block allocation, which on ext4 is a journal
 * commit waited for on every fsync (docs/performance.md measured 70-84 µs of CPU per 16 KiB append and fdatasync
 * growing a file, 33-46 µs over written blocks). Until a file is free (the first rolls of a run), the next file is
 * zero-filled and fsynced ahead of time on the scheduler's preallocation thread once the active one is half full; a
 * bus that never fills half a file writes no zeros. When neither is ready at a roll, the next file grows as it is
 * written, which is only slower. An entry's checksum includes its file's generation, so what a recycled file held
 * before is never read as an entry of its new generation.
 *
 * <p>Recovery: at open the files are read in order up to the first entry that is incomplete or fails its checksum
 * (everything after it was never acknowledged: an acknowledgement waits for an fsync covering everything before it);
 * a file goes on in the next one only if it ends with a roll marker, or (a file written before the markers, which
 * grew as it was written) if its entries fill it to the last byte. Zeros, or entries of another generation, where the
 * next entry would be are the unused rest of a zero-filled or recycled file: the journal ends there, and later files
 * hold nothing acknowledged (a file's roll marker is fsynced before anything in the next file is acknowledged). Each
 * log, when it opens, takes its entries ({@link #claim}) and appends those past its recovered end, then fsyncs them.
 * {@link #finishRecovery()} deletes the files read once every log has opened.
 *
 * <p>Files: {@code <dir>/<generation, 20 digits>.journal}. An entry is {@code int size} (of what follows the checksum),
 * {@code int crc} (CRC32C of the file's generation as a {@code long}, of the entry's header and of the part of each
 * record batch its own CRC leaves out: base offset, length, leader epoch, magic, CRC; files written before the
 * generation was included are read with the checksum without it), {@code byte type} ({@code 1}: record batches of
 * one log; {@code 2}: the log closed, its earlier entries are in fsynced segments; {@code 3}: the roll marker, the
 * journal goes on in the next file), {@code short} key length, the key (the log's directory name; empty in a roll
 * marker), then the record batches exactly as appended to the segment, offsets assigned.
 *
 * <p>Locks: the log's append lock, then {@code writeLock} (the file written and its end). A commit takes
 * {@code syncLock}, then {@code writeLock} briefly; it fsyncs holding only {@code syncLock}. Thread-safe.
 */
public final class LogJournal extends GroupCommit implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogJournal.class);
    static final String SUFFIX = ".journal";
    /** A file is rolled, and the logs checkpointed, once it holds this much. */
    public static final long DEFAULT_FILE_BYTES = 64L * 1024 * 1024;
    static final byte BATCHES = 1;
    private static final byte CLOSED = 2;
    static final byte ROLLED = 3;
    /** The recycled or zero-filled file the next roll renames into place (not a journal file until then). */
    static final String SPARE = "next.journal.spare";
    /** The checksum of an entry written before it included the file's generation. */
    private static final long NO_GENERATION = 0;
    /** size and crc. */
    private static final int PREFIX = 8;
    /** type and key length. */
    private static final int HEADER = 3;
    /** A v2 batch's bytes before the part its own CRC covers: base offset, length, leader epoch, magic, CRC. */
    private static final int BATCH_UNCHECKED = 21;
    private static final byte[] NO_KEY = new byte[0];
    /** A roll marker's size: an entry with no key and no batches. */
    private static final int MARKER_BYTES = PREFIX + HEADER;

    /** One file: its generation, and its first byte's position in the journal (positions run on across files). */
    private record JournalFile(long generation, Path path, FileChannel channel, long start) {
    }

    private final Path dir;
    private final long fileBytes;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock syncLock = new ReentrantLock();
    /** Guarded by writeLock (removals also by syncLock): files not yet checkpointed, oldest first; the last is written. */
    private final ArrayDeque<JournalFile> files = new ArrayDeque<>();
    /** Guarded by writeLock: the position after the last entry. */
    private long end;
    /** Guarded by syncLock: everything before it is fsynced. */
    private long syncedEnd;
    /** Logs with appends waiting for the next fsync. */
    private final ConcurrentLinkedQueue<LogFlusher> waiting = new ConcurrentLinkedQueue<>();
    /** The open logs writing here: a checkpoint fsyncs them. */
    private final Set<LogFlusher> logs = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean checkpointing = new AtomicBoolean();
    private final Path spare;
    /** Set while the spare is being zero-filled or recycled. */
    private final AtomicBoolean fillingSpare = new AtomicBoolean();
    private final AtomicLong recycledFiles = new AtomicLong();
    /** Guarded by writeLock: the spare (a recycled file, or a whole, fsynced zero-filled one) is ready. */
    private boolean spareReady;
    /** Guarded by writeLock: the active file asked for the spare (once it was half full). */
    private boolean spareRequested;
    private volatile StorageException failure;
    /** Guarded by syncLock and writeLock. */
    private boolean closed;
    /** Until {@link #finishRecovery()}: the entries read at open, by log key, and the files they came from. */
    private Map<String, List<MemoryRecords>> recovered;
    private List<Path> recoveredFiles;

    private LogJournal(Path dir, LogScheduler scheduler, long fileBytes) {
        super(scheduler);
        this.dir = dir;
        this.fileBytes = fileBytes;
        this.spare = dir.resolve(SPARE);
    }

    /**
     * Opens the journal in {@code dir} (creating it): reads what a crash left for the logs to {@link #claim}, and
     * starts a new file for appends.
     */
    public static LogJournal open(Path dir, LogScheduler scheduler, long fileBytes) {
        LogJournal journal = new LogJournal(dir, scheduler, fileBytes);
        try {
            LogFiles.createDirectoriesDurably(dir);
            long generation = journal.recover();
            // a spare left by the last run may be half filled, or hold entries of a generation this run reuses
            Files.deleteIfExists(journal.spare);
            JournalFile first = journal.create(generation + 1, 0);
            journal.files.add(first);
            return journal;
        } catch (IOException e) {
            throw new StorageException("Cannot open the log journal in " + dir + ": " + e
                    + " (check that the directory is readable and writable and the disk has space)", e);
        }
    }

    /** Whether {@code dir} holds journal files: a bus that ran with the journal did not close cleanly. */
    public static boolean hasFiles(Path dir) {
        try {
            return Files.isDirectory(dir) && !journalFiles(dir).isEmpty();
        } catch (IOException e) {
            throw new StorageException("Cannot list the log journal in " + dir + ": " + e, e);
        }
    }

    Path dir() {
        return dir;
    }

    // ---------------------------------------------------------------- recovery

    /** Reads the files in order; drops what follows the first bad entry; returns the highest generation seen. */
    private long recover() throws IOException {
        TreeMap<Long, Path> existing = journalFiles(dir);
        Map<String, List<MemoryRecords>> byLog = new HashMap<>();
        long entries = 0;
        List<Path> read = new ArrayList<>();
        Path torn = null;
        int validBytes = 0;
        boolean unusedZeros = false;
        for (Map.Entry<Long, Path> generationAndFile : existing.entrySet()) {
            Path file = generationAndFile.getValue();
            if (torn != null) {
                LOG.warn("Deleting log journal file {}: it follows the journal's end in {} ({}), so nothing in it was"
                        + " acknowledged", file, torn, unusedZeros ? "zeros and no roll marker: that roll never reached"
                        + " the disk" : "a damaged entry");
                Files.delete(file);
                continue;
            }
            read.add(file);
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
            int position = 0;
            boolean rolled = false;
            while (position < bytes.limit() && !rolled) {
                int next = readEntry(bytes, position, generationAndFile.getKey(), byLog);
                if (next < 0) {
                    break;
                }
                rolled = bytes.get(position + PREFIX) == ROLLED;
                entries++;
                position = next;
            }
            if (!rolled && position < bytes.limit()) {
                torn = file;
                validBytes = position;
                unusedZeros = onlyZerosFrom(bytes, position);
            }
        }
        if (torn != null) {
            // later files go first (above): a crash during this leaves no valid entry after a gap
            LogFiles.fsyncDirectory(dir);
            if (unusedZeros) {
                LOG.info("Log journal file {} ends at byte {}; the rest is zeros it was filled with ahead of the"
                        + " appends, cut off", torn, validBytes);
            } else {
                LOG.warn("Truncating log journal file {} at byte {}: the rest is a write the crash cut short or never"
                        + " finished, or what the file held before it was recycled; never acknowledged", torn,
                        validBytes);
            }
            try (FileChannel channel = FileChannel.open(torn, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                channel.truncate(validBytes);
                channel.force(true);
            }
        }
        if (entries > 0) {
            LOG.info("Log journal {}: {} entries for {} log(s) to replay from {} file(s)", dir, entries, byLog.size(),
                    read.size());
        }
        recovered = byLog;
        recoveredFiles = read;
        return existing.isEmpty() ? 0 : existing.lastKey();
    }

    private static boolean onlyZerosFrom(ByteBuffer bytes, int position) {
        for (int i = position; i < bytes.limit(); i++) {
            if (bytes.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the entry at {@code position} into {@code byLog}; returns the position after it, or -1 when there is no
     * whole, valid entry there.
     */
    private static int readEntry(ByteBuffer bytes, int position, long generation,
                                 Map<String, List<MemoryRecords>> byLog) {
        if (bytes.limit() - position < PREFIX + HEADER) {
            return -1;
        }
        int size = bytes.getInt(position);
        int crc = bytes.getInt(position + 4);
        int body = position + PREFIX;
        if (size < HEADER || size > bytes.limit() - body) {
            return -1;
        }
        byte type = bytes.get(body);
        int keyLength = Short.toUnsignedInt(bytes.getShort(body + 1));
        if ((type != BATCHES && type != CLOSED && type != ROLLED) || HEADER + keyLength > size) {
            return -1;
        }
        ByteBuffer batches = bytes.duplicate().position(body + HEADER + keyLength).limit(body + size).slice();
        MemoryRecords records = MemoryRecords.readableRecords(batches);
        int batchBytes = 0;
        try {
            for (MutableRecordBatch batch : records.batches()) {
                if (batch.magic() != RecordBatch.MAGIC_VALUE_V2 || !batch.isValid()) {
                    return -1;
                }
                batchBytes += batch.sizeInBytes();
            }
        } catch (CorruptRecordException e) {
            return -1; // a batch header the crash left half written (a size of zero, say)
        }
        // the batches are whole now, so the checksum can follow their length fields as the writer did
        if (batchBytes != batches.limit()) {
            return -1;
        }
        ByteBuffer typeAndKey = bytes.duplicate().position(body).limit(body + HEADER + keyLength);
        if (checksum(generation, typeAndKey, batches) != crc && checksum(NO_GENERATION, typeAndKey, batches) != crc) {
            return -1;
        }
        String key = new String(bytes.array(), body + HEADER, keyLength, StandardCharsets.UTF_8);
        if (type == CLOSED) {
            byLog.remove(key);
        } else if (type == BATCHES) {
            byLog.computeIfAbsent(key, k -> new ArrayList<>()).add(records);
        }
        return body + size;
    }

    /**
     * The entries a crash left for the log named {@code key}, in order, for it to append past its recovered end; empty
     * when there are none or {@code newLog} (its directory did not exist: entries under its name are of an earlier
     * log of that name). Each log claims once.
     */
    synchronized List<MemoryRecords> claim(String key, boolean newLog) {
        if (recovered == null) {
            return List.of();
        }
        List<MemoryRecords> entries = recovered.remove(key);
        return entries == null || newLog ? List.of() : entries;
    }

    /**
     * Call once every log that existed has opened (and so replayed its entries and fsynced them): deletes the files
     * read at open. Entries no log claimed are of logs that no longer exist (a topic deleted before the crash).
     */
    public synchronized void finishRecovery() {
        if (recovered == null) {
            return;
        }
        if (!recovered.isEmpty()) {
            LOG.info("Log journal {}: dropping the entries of {} log(s) that no longer exist: {}", dir,
                    recovered.size(), recovered.keySet());
        }
        try {
            for (Path file : recoveredFiles) {
                Files.delete(file);
            }
            if (!recoveredFiles.isEmpty()) {
                LogFiles.fsyncDirectory(dir);
            }
        } catch (IOException e) {
            throw new StorageException("Cannot delete replayed log journal files in " + dir + ": " + e, e);
        }
        recovered = null;
        recoveredFiles = null;
    }

    // ---------------------------------------------------------------- appends

    /** A log starts writing here. */
    void attach(LogFlusher log) {
        logs.add(log);
    }

    /**
     * Writes the batches the log named {@code key} just appended to its segment; returns the journal position after
     * them, which the log's appends wait for an fsync to cover. Called under the log's append lock. On an I/O error
     * nothing stays written (or, if that cannot be undone, the journal fails until the bus reopens).
     */
    long append(byte[] key, MemoryRecords records) throws IOException {
        return write(BATCHES, key, records.buffer().duplicate());
    }

    /** An entry's size, checksum, type and key, written before {@code batches} in the file of {@code generation}. */
    static ByteBuffer header(long generation, byte type, byte[] key, ByteBuffer batches) {
        ByteBuffer header = ByteBuffer.allocate(PREFIX + HEADER + key.length);
        header.putInt(HEADER + key.length + batches.remaining()).putInt(0).put(type)
                .putShort((short) key.length).put(key).flip();
        header.putInt(4, checksum(generation, header.duplicate().position(PREFIX), batches));
        return header;
    }

    /**
     * CRC32C of the file's generation (unless {@link #NO_GENERATION}), of an entry's type and key and of the bytes of
     * each batch that its own CRC leaves out; {@code batches} must hold whole batches (their length fields are
     * followed).
     */
    private static int checksum(long generation, ByteBuffer typeAndKey, ByteBuffer batches) {
        CRC32C checksum = new CRC32C();
        if (generation != NO_GENERATION) {
            checksum.update(ByteBuffer.allocate(Long.BYTES).putLong(0, generation));
        }
        checksum.update(typeAndKey.duplicate());
        int start = batches.position();
        for (int at = 0; at < batches.remaining(); at += batches.getInt(start + at + 8) + 12) {
            checksum.update(batches.duplicate().position(start + at).limit(start + at + BATCH_UNCHECKED));
        }
        return (int) checksum.getValue();
    }

    private long write(byte type, byte[] key, ByteBuffer body) throws IOException {
        long size = PREFIX + HEADER + key.length + body.remaining();
        writeLock.lock();
        try {
            StorageException failed = failure;
            if (failed != null) {
                throw new IOException("the log journal " + dir + " failed earlier (" + failed.getMessage() + ")");
            }
            JournalFile active = files.getLast();
            if (end > active.start && end - active.start + size + MARKER_BYTES > fileBytes) {
                active = roll(active);
            }
            writeAtEnd(active, header(active.generation, type, key, body), body);
            end += size;
            if (!spareRequested && end - active.start > fileBytes / 2) {
                spareRequested = true;
                fillSpare();
            }
            return end;
        } finally {
            writeLock.unlock();
        }
    }

    /** Guarded by writeLock: writes the entry at {@link #end}, in {@code file}; on an I/O error nothing stays. */
    private void writeAtEnd(JournalFile file, ByteBuffer header, ByteBuffer body) throws IOException {
        long before = end - file.start;
        try {
            ByteBuffer[] buffers = {header, body};
            while (header.hasRemaining() || body.hasRemaining()) {
                file.channel.write(buffers);
            }
        } catch (IOException e) {
            undo(file, before, e);
            throw e;
        }
    }

    /** Guarded by writeLock: a failed write leaves nothing behind, or the journal fails. */
    private void undo(JournalFile active, long size, IOException cause) {
        try {
            active.channel.truncate(size);
            active.channel.position(size);
        } catch (IOException e) {
            cause.addSuppressed(e);
            failure = new StorageException("The log journal " + active.path + " could not undo a failed write: " + cause
                    + ". Reopen the bus once the disk is healthy", cause);
            LOG.error(failure.getMessage());
        }
    }

    /**
     * Guarded by writeLock: ends the active file with a roll marker, starts the next file (the spare, recycled or
     * zero-filled, when it is ready) and has the logs checkpoint the older ones.
     */
    private JournalFile roll(JournalFile active) throws IOException {
        ByteBuffer none = ByteBuffer.allocate(0);
        writeAtEnd(active, header(active.generation, ROLLED, NO_KEY, none), none);
        end += MARKER_BYTES;
        JournalFile next = create(active.generation + 1, end);
        files.add(next);
        spareRequested = false;
        scheduler().execute(this::checkpoint);
        return next;
    }

    /** Guarded by writeLock: the spare, renamed to the file of {@code generation}, or a new empty file. */
    private JournalFile create(long generation, long start) throws IOException {
        Path path = dir.resolve(String.format("%020d%s", generation, SUFFIX));
        FileChannel channel;
        if (spareReady) {
            spareReady = false;
            LogFiles.rename(spare, path); // made durable with the directory's fsync below
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } else {
            channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        }
        try {
            LogFiles.fsyncDirectory(dir); // the file's entry is durable before any entry in it is acknowledged
        } catch (IOException e) {
            channel.close();
            Files.deleteIfExists(path);
            throw e;
        }
        return new JournalFile(generation, path, channel, start);
    }

    /**
     * Guarded by writeLock: has the next spare zero-filled on the preallocation thread, unless one is ready or being
     * filled.
     */
    private void fillSpare() {
        if (!spareReady && fillingSpare.compareAndSet(false, true) && !scheduler().preallocate(this::zeroFillSpare)) {
            fillingSpare.set(false); // the scheduler is shutting down: the next file, if any, grows
        }
    }

    /** On the preallocation thread: writes {@code fileBytes} zeros to the spare and fsyncs it, size and blocks. */
    private void zeroFillSpare() {
        try {
            try (FileChannel channel = FileChannel.open(spare, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                for (long at = 0; at < fileBytes; ) {
                    at = SegmentPreallocation.writeZeros(channel, at, fileBytes - at);
                }
                channel.force(true);
            }
            writeLock.lock();
            try {
                if (closed) {
                    Files.deleteIfExists(spare);
                } else {
                    spareReady = true;
                }
            } finally {
                writeLock.unlock();
            }
        } catch (IOException e) {
            LOG.warn("Zero-filling the next log journal file {} failed ({}); the next file grows as it is written",
                    spare, e.toString());
        } finally {
            fillingSpare.set(false);
        }
    }

    /**
     * Makes a file the checkpoint let go the spare, unless one is ready or being zero-filled; returns whether it did.
     * Its old entries stay: their checksums name its old generation.
     */
    private boolean recycle(Path file) {
        writeLock.lock();
        try {
            if (closed || spareReady || !fillingSpare.compareAndSet(false, true)) {
                return false;
            }
        } finally {
            writeLock.unlock();
        }
        try {
            LogFiles.rename(file, spare); // durable with the directory's fsync at the roll that uses it
            writeLock.lock();
            try {
                spareReady = !closed;
            } finally {
                writeLock.unlock();
            }
            recycledFiles.incrementAndGet();
            return true;
        } catch (IOException e) {
            LOG.warn("Recycling log journal file {} as the next one failed ({}); deleting it instead", file,
                    e.toString());
            return false;
        } finally {
            fillingSpare.set(false);
        }
    }

    /** How many files this journal recycled (for tests). */
    long recycledFiles() {
        return recycledFiles.get();
    }

    /** Whether the next file is being zero-filled (for tests). */
    boolean fillingSpare() {
        return fillingSpare.get();
    }

    /** A log with appends waiting: the next commit tells it how far the journal is durable. */
    void awaitSync(LogFlusher log) {
        waiting.add(log);
    }

    /**
     * The group commit: fdatasyncs what was written (older files first), then tells the waiting logs; returns their
     * acknowledgements.
     */
    @Override
    Runnable commit() {
        long durable;
        syncLock.lock();
        try {
            if (failure != null) {
                failWaiting(failure);
                return NOTHING_TO_ACKNOWLEDGE;
            }
            List<JournalFile> unsynced = new ArrayList<>(2);
            writeLock.lock();
            try {
                durable = end;
                JournalFile previous = null;
                for (JournalFile f : files) {
                    if (previous != null && f.start > syncedEnd) {
                        unsynced.add(previous);
                    }
                    previous = f;
                }
                if (end > syncedEnd) {
                    unsynced.add(previous);
                }
            } finally {
                writeLock.unlock();
            }
            if (!unsynced.isEmpty()) {
                long started = System.nanoTime();
                for (JournalFile f : unsynced) {
                    f.channel.force(false);
                }
                recordFsync(System.nanoTime() - started);
                syncedEnd = durable;
            }
        } catch (IOException e) {
            fail(e);
            return NOTHING_TO_ACKNOWLEDGE;
        } finally {
            syncLock.unlock();
        }
        List<LogFlusher> ready = new ArrayList<>();
        for (LogFlusher log = waiting.poll(); log != null; log = waiting.poll()) {
            ready.add(log);
        }
        List<Runnable> acknowledgements = new ArrayList<>(ready.size());
        int completed = 0;
        for (LogFlusher log : ready) {
            completed += log.journalSynced(durable, acknowledgements);
        }
        recordRound(completed);
        return () -> acknowledgements.forEach(Runnable::run);
    }

    private void fail(IOException e) {
        StorageException failed = new StorageException("fsync of the log journal " + dir + " failed: " + e
                + ". Unacknowledged appends are failed; reopen the bus once the disk is healthy", e);
        failure = failed;
        LOG.error(failed.getMessage());
        for (LogFlusher log : logs) {
            log.journalFailed(failed);
        }
        failWaiting(failed);
    }

    private void failWaiting(StorageException failed) {
        for (LogFlusher log = waiting.poll(); log != null; log = waiting.poll()) {
            log.journalFailed(failed);
        }
    }

    /**
     * Every log fsyncs its segments up to its end, which covers every entry in the files before the one being
     * written; those files are then deleted. Runs on the log scheduler after a roll; one at a time.
     */
    private void checkpoint() {
        if (!checkpointing.compareAndSet(false, true)) {
            return; // the running one loops until no older file is left
        }
        try {
            while (true) {
                List<JournalFile> older = new ArrayList<>();
                writeLock.lock();
                try {
                    if (closed) {
                        return; // a roll's checkpoint that ran after close(), which took the files
                    }
                    older.addAll(files);
                    older.remove(older.size() - 1);
                } finally {
                    writeLock.unlock();
                }
                if (older.isEmpty()) {
                    return;
                }
                for (LogFlusher log : logs) {
                    try {
                        log.checkpoint();
                    } catch (IOException e) {
                        LOG.error("Log journal checkpoint: fsync of the log of {} failed ({}); keeping the journal files"
                                + " it needs", log.partition(), e.toString());
                        log.journalFailed(new StorageException("fsync of the log of " + log.partition()
                                + " failed: " + e + ". Reopen the bus once the disk is healthy", e));
                        return;
                    }
                }
                syncLock.lock();
                writeLock.lock();
                try {
                    if (closed) {
                        return; // close() decides what happens to the files
                    }
                    files.removeAll(older);
                } finally {
                    writeLock.unlock();
                    syncLock.unlock();
                }
                for (JournalFile f : older) {
                    f.channel.close();
                    if (!recycle(f.path)) {
                        Files.delete(f.path);
                    }
                }
                LogFiles.fsyncDirectory(dir);
            }
        } catch (IOException e) {
            LOG.error("Log journal checkpoint in {} failed: {} (the files stay until the next checkpoint)", dir,
                    e.toString());
        } finally {
            checkpointing.set(false);
        }
    }

    /**
     * The log named {@code key} closed with its segments fsynced: writes and fsyncs a marker so that no recovery
     * replays its earlier entries (into a later log of the same name), and stops checkpointing it.
     */
    void logClosed(byte[] key, LogFlusher log) throws IOException {
        try {
            write(CLOSED, key, ByteBuffer.allocate(0));
            commit().run();
            if (failure != null) {
                throw new IOException("the log journal " + dir + " failed", failure);
            }
        } finally {
            logs.remove(log);
        }
    }

    /** A log closed without its marker (it had failed): its entries stay for the next recovery. */
    void detach(LogFlusher log) {
        logs.remove(log);
    }

    /** After every log closed: nothing in the files is needed any more, so they go (unless something failed). */
    @Override
    public void close() {
        syncLock.lock();
        writeLock.lock();
        try {
            closed = true;
            boolean clean = failure == null && logs.isEmpty() && recovered == null;
            for (JournalFile f : files) {
                try {
                    f.channel.close();
                    if (clean) {
                        Files.delete(f.path);
                    }
                } catch (IOException e) {
                    LOG.warn("Closing log journal file {}: {}", f.path, e.toString());
                }
            }
            files.clear();
            spareReady = false;
            Files.deleteIfExists(spare);
            if (clean) {
                LogFiles.fsyncDirectory(dir);
            } else {
                LOG.warn("Log journal {} kept for the next open: {}", dir, failure != null ? "it failed"
                        : "logs still open or recovery unfinished");
            }
        } catch (IOException e) {
            LOG.warn("Closing log journal {}: {}", dir, e.toString());
        } finally {
            writeLock.unlock();
            syncLock.unlock();
        }
    }

    private static long generation(Path file) {
        String name = file.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
    }

    private static TreeMap<Long, Path> journalFiles(Path dir) throws IOException {
        TreeMap<Long, Path> byGeneration = new TreeMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path file : stream) {
                try {
                    byGeneration.put(generation(file), file);
                } catch (NumberFormatException e) {
                    LOG.warn("Ignoring {} in the log journal directory: not a journal file name", file);
                }
            }
        }
        return byGeneration;
    }
}
