package io.busbar.bus.embedded;

import io.busbar.bus.StorageException;
import io.busbar.bus.TopicConfig;
import io.busbar.bus.log.LogFiles;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * Reads and writes {@code topics/<name>.properties}. Writes are crash-safe: a temporary file is written and fsynced,
 * renamed over the old one, and the directory is fsynced, so a topic's metadata is always either old or new, never torn.
 */
final class TopicMetadataFile {
    private static final String ID = "topic.id";
    private static final String PARTITIONS = "partitions";

    private TopicMetadataFile() {
    }

    static TopicMetadata read(Path file) throws IOException {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        }
        String fileName = file.getFileName().toString();
        String name = fileName.substring(0, fileName.length() - ".properties".length());
        Map<String, String> config = new HashMap<>();
        for (String key : props.stringPropertyNames()) {
            if (TopicConfig.isTopicSetting(key)) {
                config.put(key, props.getProperty(key));
            }
        }
        return new TopicMetadata(name, UUID.fromString(props.getProperty(ID)),
                Integer.parseInt(props.getProperty(PARTITIONS)), TopicConfig.DEFAULT.with(config));
    }

    static void write(Path dir, TopicMetadata metadata) {
        Properties props = new Properties();
        props.setProperty(ID, metadata.topicId().toString());
        props.setProperty(PARTITIONS, Integer.toString(metadata.partitions()));
        metadata.config().toMap().forEach(props::setProperty);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            props.store(bytes, "Busbar topic metadata: do not edit while the bus runs");
            LogFiles.writeAtomically(dir.resolve(metadata.name() + ".properties"), bytes.toByteArray());
        } catch (IOException e) {
            throw new StorageException("Cannot write metadata of topic '" + metadata.name() + "' in " + dir + ": " + e.getMessage(), e);
        }
    }

    static void delete(Path dir, String name) {
        try {
            Files.deleteIfExists(dir.resolve(name + ".properties"));
            LogFiles.fsyncDirectory(dir);
        } catch (IOException e) {
            throw new StorageException("Cannot delete metadata of topic '" + name + "': " + e.getMessage(), e);
        }
    }
}
