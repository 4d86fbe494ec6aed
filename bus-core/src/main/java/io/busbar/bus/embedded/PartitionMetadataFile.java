package io.busbar.bus.embedded;

import io.busbar.bus.StorageException;
import io.busbar.bus.log.LogFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code <topic>-<partition>/partition.metadata}: the id of the topic a partition directory belongs to (Kafka keeps
 * the same file). Directory names repeat when a topic is deleted and created again; the id tells a directory left
 * by the earlier topic (after a crash half-way through a deletion) from the current one, so it is never reopened
 * as the new topic's log. Written atomically before the topic's metadata, so a topic never exists without it.
 */
final class PartitionMetadataFile {
    static final String NAME = "partition.metadata";
    private static final String ID_PREFIX = "topic_id: ";

    private PartitionMetadataFile() {
    }

    /** The topic id recorded in {@code partitionDir}, or empty when the directory or the file is missing (a log
     * written before Busbar kept the file: adopted by the topic of its name). */
    static Optional<UUID> read(Path partitionDir) {
        Path file = partitionDir.resolve(NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith(ID_PREFIX)) {
                    return Optional.of(UUID.fromString(line.substring(ID_PREFIX.length()).trim()));
                }
            }
            throw new StorageException(file + " names no topic id: move the directory away if it is not a Busbar log");
        } catch (IOException | IllegalArgumentException e) {
            throw new StorageException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static void write(Path partitionDir, UUID topicId) {
        try {
            LogFiles.writeAtomically(partitionDir.resolve(NAME),
                    ("version: 0\n" + ID_PREFIX + topicId + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new StorageException("Cannot write " + partitionDir.resolve(NAME) + ": " + e.getMessage(), e);
        }
    }
}
