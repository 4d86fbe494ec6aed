package io.busbar.connectors.file;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A child JVM running {@link FileConnectorMain} with the test classpath; its output lines are collected. */
final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();

    ChildJvm(String maxHeap, Path dataDir, Path inbox, String options, boolean exitWhenDone) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                FileConnectorMain.class.getName(), dataDir.toString(), inbox.toString(), options,
                Boolean.toString(exitWhenDone)));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                }
            } catch (IOException e) {
                output.add("output lost: " + e);
            }
        }, "child-jvm-output");
        reader.setDaemon(true);
        reader.start();
    }

    List<String> output() {
        return output;
    }

    boolean printed(String prefix) {
        return output.stream().anyMatch(l -> l.startsWith(prefix));
    }

    String line(String prefix) {
        return output.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow();
    }

    /** SIGKILL: no shutdown hook, no flush, like a power cut for the process (not for the disk). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("Child JVM did not finish in " + seconds + " s; output: " + output);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
