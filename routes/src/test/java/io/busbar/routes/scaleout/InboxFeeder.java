package io.busbar.routes.scaleout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Drops input continuously: every {@code period} a new JSON-lines file of {@code recordsPerFile} records appears in
 * the inbox, each record {@code {"id":"f<file>-<line>"}} with a unique id. A file is written beside the inbox and
 * moved in atomically, so the watcher never reads half a file. Remembers every record (its line, which is the
 * record's value) and when each file was dropped. Thread-safe.
 */
final class InboxFeeder implements AutoCloseable {
    /** A file in the inbox and when it was moved there ({@link System#nanoTime()}). */
    record Drop(String file, long droppedAtNanos) { }

    private final Path staging;
    private final Path inbox;
    private final int recordsPerFile;
    private final Set<String> records = ConcurrentHashMap.newKeySet();
    private final List<Drop> drops = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "inbox-feeder");
        t.setDaemon(true);
        return t;
    });
    private volatile IOException failure;

    InboxFeeder(Path staging, Path inbox, int recordsPerFile) throws IOException {
        this.staging = Files.createDirectories(staging);
        this.inbox = Files.createDirectories(inbox);
        this.recordsPerFile = recordsPerFile;
    }

    void start(Duration period) {
        timer.scheduleAtFixedRate(this::dropOne, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void dropOne() {
        String file = String.format("f%06d", drops.size());
        String name = file + ".jsonl";
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < recordsPerFile; i++) {
            lines.add("{\"id\":\"" + file + "-" + i + "\"}");
        }
        try {
            Path staged = Files.write(staging.resolve(name), lines);
            Files.move(staged, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            failure = e;
            throw new IllegalStateException(e); // ends the schedule: the test sees failure()
        }
        records.addAll(lines);
        drops.add(new Drop(name, System.nanoTime()));
    }

    /** Stops dropping files; returns once no drop is under way. */
    @Override
    public void close() throws InterruptedException {
        timer.shutdown();
        if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("The inbox feeder did not stop within 30 s");
        }
    }

    /** Why dropping stopped, or null. */
    IOException failure() {
        return failure;
    }

    Set<String> records() {
        return Set.copyOf(records);
    }

    List<Drop> drops() {
        return List.copyOf(drops);
    }

    List<String> filesDroppedAfter(long nanos) {
        return drops.stream().filter(d -> d.droppedAtNanos() > nanos).map(Drop::file).toList();
    }
}
