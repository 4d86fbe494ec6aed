package io.busbar.routes.scaleout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the instances wrote: {@code processed-<instance>.log} (one line per processed record) and
 * {@code ingested-<instance>.log} (one line per file the singleton source finished). Only complete lines count: an
 * instance killed in the middle of a write leaves a torn last line, whose record was not committed and is redone.
 */
final class OutputFiles {
    private final Path dir;

    OutputFiles(Path dir) {
        this.dir = dir;
    }

    List<String> processed(String instance) throws IOException {
        return completeLines(dir.resolve("processed-" + instance + ".log"));
    }

    List<String> ingested(String instance) throws IOException {
        return completeLines(dir.resolve("ingested-" + instance + ".log"));
    }

    /** Distinct records processed by any of the instances. */
    Set<String> processedByAny(List<String> instances) throws IOException {
        Set<String> all = new HashSet<>();
        for (String instance : instances) {
            all.addAll(processed(instance));
        }
        return all;
    }

    /** Lines written by all instances together, repeats included. */
    long processedLines(List<String> instances) throws IOException {
        long count = 0;
        for (String instance : instances) {
            count += processed(instance).size();
        }
        return count;
    }

    private static List<String> completeLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        lines.remove(lines.size() - 1); // after the last newline: empty, or a line cut short
        return lines;
    }
}
