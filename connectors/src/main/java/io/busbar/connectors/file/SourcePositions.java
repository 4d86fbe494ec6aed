package io.busbar.connectors.file;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.busbar.connectors.position.PositionStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The positions of the files one file source is reading, kept as one JSON value under the connector's id in the
 * {@link PositionStore}: {@code {"files":{"<relative path>":{"size":..,"mtime":..,"position":..,...}}}}.
 * Only files not yet moved away are listed: an entry is dropped once its file has left the directory, so the
 * value stays small (usually one file). Not thread-safe: used by the file consumer's single thread.
 */
final class SourcePositions {

    private static final TypeReference<Map<String, Map<String, FilePosition>>> TYPE = new TypeReference<>() { };

    private final PositionStore store;
    private final String connectorId;
    private final Path directory;
    private final ObjectMapper mapper;
    private Map<String, FilePosition> files;

    SourcePositions(PositionStore store, String connectorId, Path directory, ObjectMapper mapper) {
        this.store = store;
        this.connectorId = connectorId;
        this.directory = directory;
        this.mapper = mapper;
    }

    /** The stored position of this file, or null. */
    FilePosition get(String relativePath) {
        return files().get(relativePath);
    }

    /**
     * Stores a position without waiting: the future completes once it is durable (saves are stored in call order).
     * Prunes entries of files that have been moved away.
     */
    CompletableFuture<Void> saveAsync(String relativePath, FilePosition position) {
        Map<String, FilePosition> all = files();
        all.put(relativePath, position);
        all.keySet().removeIf(p -> !p.equals(relativePath) && !Files.exists(directory.resolve(p)));
        return store.saveAsync(connectorId, toJson(all));
    }

    /**
     * Drops a finished file from memory once it has left the directory. Nothing is written: the stored entry is
     * pruned with the next save, and a restart before that finds the file gone (or complete) either way.
     */
    void forgetIfGone(String relativePath, Path file) {
        if (!Files.exists(file)) {
            files().remove(relativePath);
        }
    }

    /** Forgets a file (it failed and went to the error folder); durable on return. */
    void remove(String relativePath) {
        if (files().remove(relativePath) != null) {
            store.save(connectorId, toJson(files));
        }
    }

    private Map<String, FilePosition> files() {
        if (files == null) {
            files = store.load(connectorId).map(this::parse).orElseGet(TreeMap::new);
        }
        return files;
    }

    private Map<String, FilePosition> parse(String json) {
        try {
            Map<String, Map<String, FilePosition>> root = mapper.readValue(json, TYPE);
            Map<String, FilePosition> f = root.get("files");
            return f == null ? new TreeMap<>() : new TreeMap<>(f);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The stored position of connector '" + connectorId + "' in "
                    + PositionStore.TOPIC + " is not valid JSON (" + e.getOriginalMessage() + "): set a new"
                    + " connectorId to start over", e);
        }
    }

    private String toJson(Map<String, FilePosition> all) {
        try {
            return mapper.writeValueAsString(Map.of("files", all));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the position of connector '" + connectorId + "'", e);
        }
    }
}
