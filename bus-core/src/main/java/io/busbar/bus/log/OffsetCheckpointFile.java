package io.busbar.bus.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * One offset kept in a small text file ({@code 0} version line, then the offset), replaced atomically so a crash
 * leaves either the old or the new value, never a torn one. Used for the recovery point and the log start offset.
 * Not thread-safe: each file has one writer (the owning log, under its own lock).
 */
final class OffsetCheckpointFile {
    static final String RECOVERY_POINT = "recovery-point-offset-checkpoint";
    static final String LOG_START_OFFSET = "log-start-offset-checkpoint";
    private static final String VERSION = "0";

    private final Path file;

    OffsetCheckpointFile(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    void write(long offset) throws IOException {
        LogFiles.writeAtomically(file, (VERSION + "\n" + offset + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** The stored offset, or empty when there is no file or it is unreadable (the caller then assumes the worst). */
    OptionalLong read() throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
        String[] lines = text.split("\n");
        if (lines.length < 2 || !VERSION.equals(lines[0].trim())) {
            return OptionalLong.empty();
        }
        try {
            long offset = Long.parseLong(lines[1].trim());
            return offset >= 0 ? OptionalLong.of(offset) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
