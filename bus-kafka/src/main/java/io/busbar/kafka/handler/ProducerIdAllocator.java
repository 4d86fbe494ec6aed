package io.busbar.kafka.handler;

import io.busbar.bus.log.LogFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Hands out producer ids that stay unique across restarts: ids come in blocks of {@value #BLOCK}, and the end of the
 * current block is written durably (fsync, atomic rename, directory fsync) before any id of it is given out, so a crash at most skips ids.
 * Thread-safe.
 */
final class ProducerIdAllocator {

    static final int BLOCK = 1000;

    private final Path file;
    private long next;
    private long blockEnd;

    ProducerIdAllocator(Path stateDir) {
        this.file = stateDir.resolve("producer-id-block");
        try {
            LogFiles.createDirectoriesDurably(stateDir);
            long start = Files.exists(file) ? Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).trim()) : 0;
            this.next = start;
            this.blockEnd = start;
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("Cannot read the producer id block " + file
                    + ": the file is unreadable or not a number; check the data directory", e);
        }
    }

    synchronized long nextId() {
        if (next >= blockEnd) {
            persist(blockEnd + BLOCK);
            blockEnd += BLOCK;
        }
        return next++;
    }

    private void persist(long end) {
        try {
            // the rename must be durable too (LogFiles fsyncs the directory): else a power loss could bring the old
            // block back and hand out its ids a second time
            LogFiles.writeAtomically(file, Long.toString(end).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot persist the producer id block to " + file, e);
        }
    }
}
