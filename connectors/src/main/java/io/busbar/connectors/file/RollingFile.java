package io.busbar.connectors.file;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The open file of one topic-partition: records are appended to a hidden temporary file; {@link #commit}
 * flushes and fsyncs it, renames it to its final name and fsyncs the folder, so a file is visible under its final
 * name only when complete and durable. The exchanges of the records it holds are returned by {@link #commit},
 * for the caller to complete: the bus: consumer commits their offsets only then.
 *
 * <p>Not thread-safe: the {@link FileSinkProcessor} guards it with its lock.
 */
final class RollingFile {

    /** An exchange whose record is in this file, waiting for the file to be committed. */
    record Waiting(Exchange exchange, AsyncCallback callback) { }

    /** Suffix of temporary files; they start with a dot, so readers that skip hidden files never see them. */
    static final String TEMP_SUFFIX = ".busbar-tmp";

    private final Path directory;
    private final String topic;
    private final int partition;
    private final long startOffset;
    private final long openedAtNanos = System.nanoTime();
    private final Path temp;
    private final FileChannel channel;
    private final OutputStream out;
    private final List<String> columns;
    private final List<Waiting> waiting = new ArrayList<>();
    private long lastOffset;
    private long bytes;

    RollingFile(Path directory, String topic, int partition, long startOffset, List<String> columns, byte[] header) throws IOException {
        this.directory = directory;
        this.topic = topic;
        this.partition = partition;
        this.startOffset = startOffset;
        this.lastOffset = startOffset - 1;
        this.columns = columns;
        this.temp = directory.resolve("." + topic + "-" + partition + "-" + startOffset + "-" + UUID.randomUUID() + TEMP_SUFFIX);
        this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 256 * 1024);
        write(header);
    }

    void append(long offset, byte[][] parts, Waiting exchange) throws IOException {
        for (byte[] part : parts) {
            write(part);
        }
        lastOffset = Math.max(lastOffset, offset); // a redelivered record may come after later ones
        waiting.add(exchange);
    }

    private void write(byte[] part) throws IOException {
        out.write(part);
        bytes += part.length;
    }

    /**
     * Makes the file durable under its final name, replacing a file of the same name and deleting the files of
     * this partition whose first offset lies inside this one's range (left by a run that crashed before its
     * offsets were committed: this file holds their records). Returns the callbacks of the records it holds.
     */
    List<Waiting> commit(FileNamePattern names) throws IOException {
        out.flush();
        channel.force(true);
        out.close();
        String finalName = names.name(topic, partition, startOffset, lastOffset);
        Path target = directory.resolve(finalName);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        deleteSuperseded(names, finalName);
        fsyncDirectory(directory);
        return waiting;
    }

    private void deleteSuperseded(FileNamePattern names, String finalName) throws IOException {
        try (var files = Files.list(directory)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.equals(finalName)) {
                    continue;
                }
                var start = names.startOffset(name, topic, partition);
                if (start.isPresent() && start.getAsLong() >= startOffset && start.getAsLong() <= lastOffset) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /**
     * After a failed commit: deletes the temporary file and fails the waiting exchanges with {@code cause}, so the
     * consumer delivers their records again. Returns them for the caller to complete.
     */
    List<Waiting> discard(Exception cause) {
        try {
            out.close();
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
        waiting.forEach(w -> w.exchange().setException(cause));
        return waiting;
    }

    static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    int records() { return waiting.size(); }
    long bytes() { return bytes; }
    long ageNanos() { return System.nanoTime() - openedAtNanos; }
    List<String> columns() { return columns; }
    long lastOffset() { return lastOffset; }
}
