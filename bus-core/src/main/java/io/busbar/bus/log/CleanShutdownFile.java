package io.busbar.bus.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The clean-shutdown marker of a partition directory. Written last by {@link PartitionLog#close()}, after every
 * segment and index is fsynced; removed (durably) at open before anything is appended. Its presence lets the
 * loader trust all segments and skip the recovery scan. Not thread-safe: used by one open or close at a time.
 */
final class CleanShutdownFile {
    static final String NAME = ".clean-shutdown";

    private final Path file;

    CleanShutdownFile(Path dir) {
        this.file = dir.resolve(NAME);
    }

    boolean exists() {
        return Files.exists(file);
    }

    void write() throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file);
        LogFiles.fsyncFile(file);
        LogFiles.fsyncDirectory(file.getParent());
    }

    /** Removes the marker so that a crash from now on is detected; durable before returning. */
    void delete() throws IOException {
        if (Files.deleteIfExists(file)) {
            LogFiles.fsyncDirectory(file.getParent());
        }
    }
}
