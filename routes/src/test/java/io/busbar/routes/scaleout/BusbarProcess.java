package io.busbar.routes.scaleout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Busbar runtime started by the real launcher ({@code bin/busbar run}) in a child JVM, its output in a log file.
 * A child JVM, so that {@link #kill()} is a real SIGKILL: no shutdown hook, no commit, no leaving the groups.
 */
final class BusbarProcess {
    private final String name;
    private final Path log;
    private final Process process;

    private BusbarProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    /** Starts {@code bin/busbar run <pipelines> --set k=v ...} in {@code dir} (its working directory and log). */
    static BusbarProcess start(String name, Path home, Path dir, Path pipelines, List<String> settings) throws IOException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/busbar").toString(), "run", pipelines.toString()));
        for (String setting : settings) {
            command.add("--set");
            command.add(setting);
        }
        Path log = dir.resolve("busbar-" + name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(Files.createDirectories(dir).toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // C1 only: two runtimes and three brokers share two cores in CI
        builder.environment().put("BUSBAR_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1");
        return new BusbarProcess(name, log, builder.start());
    }

    String name() {
        return name;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Whether its last word on the election {@code leaderName} was that it leads. */
    boolean leads(String leaderName) throws IOException {
        String gained = "Instance leads '" + leaderName + "'";
        String lost = "Instance lost the lead of '" + leaderName + "'";
        String out = output();
        return out.lastIndexOf(gained) > out.lastIndexOf(lost);
    }

    /** How many times it has taken the lead of {@code leaderName}. */
    long timesElected(String leaderName) throws IOException {
        String gained = "Instance leads '" + leaderName + "'";
        return output().lines().filter(l -> l.contains(gained)).count();
    }

    /** SIGKILL, and wait until the JVM is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Busbar instance " + name + " did not die within 30 s of SIGKILL");
        }
    }

    /** Stops it (SIGTERM, graceful) if still running, at the end of the test; SIGKILL if that takes too long. */
    void stop() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    String tail(int lines) throws IOException {
        List<String> all = output().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }
}
