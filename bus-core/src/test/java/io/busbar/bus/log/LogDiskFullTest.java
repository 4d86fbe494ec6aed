package io.busbar.bus.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write that runs out of room fails the append with StorageException and leaves the log as before it; the log
 * stays usable. The child JVM runs under {@code ulimit -f} (writes past the limit fail with EFBIG, which the JVM
 * reports as an IOException just like ENOSPC), see {@link DiskFullAppender}.
 */
@EnabledOnOs(OS.LINUX)
class LogDiskFullTest {

    @TempDir
    Path root;

    @Test
    void aFailedWriteLeavesTheLogAsBeforeAndUsable() throws Exception {
        Path dir = root.resolve("full-0");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // 200 KiB limit (bash counts ulimit -f in 1024-byte blocks)
        String command = "ulimit -f 200 && exec '" + java + "' -XX:TieredStopAtLevel=1 -Xmx64m -cp '"
                + System.getProperty("java.class.path") + "' " + DiskFullAppender.class.getName() + " '" + dir + "'";
        Process child = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(output).isZero();

        String failed = line(output, "FAILED ");
        long end = field(failed, "end=");
        assertThat(end).as(output).isEqualTo(field(failed, "expectedEnd=")).isGreaterThan(100);
        assertThat(field(failed, "size=")).isEqualTo(field(failed, "expectedSize="));
        assertThat(field(failed, "hw=")).isEqualTo(end);
        assertThat(failed).contains("free disk space");
        assertThat(line(output, "READABLE ")).isEqualTo("READABLE " + end);
        assertThat(output).contains("SECOND_APPEND_FAILED end=" + end);
        assertThat(line(output, "RECOVERED ")).isEqualTo("RECOVERED offset=" + end);
        assertThat(output).contains("CLOSED");

        // reopened without the limit: everything acknowledged is there and appends go on
        PartitionLog log = PartitionLogs.open(dir, DiskFullAppender.PARTITION, DiskFullAppender.CONFIG, LogOptions.DEFAULT);
        try {
            assertThat(log.logEndOffset()).isEqualTo(end + 1);
            assertThat(TestBatches.readAll(log, 0)).hasSize((int) end + 1);
            log.append(TestBatches.sized(System.currentTimeMillis(), 1, 1000)).durable().get(30, TimeUnit.SECONDS);
            assertThat(log.logEndOffset()).isEqualTo(end + 2);
        } finally {
            log.close();
        }
        try (var files = Files.list(dir)) {
            assertThat(files.filter(p -> p.toString().endsWith(".log")).count()).isEqualTo(2);
        }
    }

    private static String line(String output, String prefix) {
        List<String> lines = output.lines().filter(l -> l.startsWith(prefix)).toList();
        assertThat(lines).as(output).hasSize(1);
        return lines.get(0);
    }

    private static long field(String line, String name) {
        int at = line.indexOf(" " + name);
        String rest = line.substring(at + name.length() + 1);
        int space = rest.indexOf(' ');
        return Long.parseLong(space < 0 ? rest : rest.substring(0, space));
    }
}
