package io.busbar.bus.log;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compaction keeps to its key map's memory whatever the number of keys ({@link CompactionHeapWorkload} in a child JVM
 * with a small heap): 1 million keys in a 64 MiB heap with a 4 MiB map (several passes); under the soak profile, 10
 * million keys in a 256 MiB heap with the default 32 MiB map.
 */
class LogCleanerHeapTest {
    @TempDir
    Path dir;

    @Test
    void compactsAMillionKeysInA64MiBHeap() throws Exception {
        assertThat(run(1_000_000, "64m", 4L * 1024 * 1024)).contains("OK keys=1000000");
    }

    @Test
    @Tag("soak")
    void compactsTenMillionKeysInA256MiBHeap() throws Exception {
        assertThat(run(10_000_000, "256m", LogOptions.DEFAULT_DEDUPE_BUFFER_BYTES)).contains("OK keys=10000000");
    }

    private String run(int keys, String heap, long buffer) throws Exception {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx" + heap,
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), CompactionHeapWorkload.class.getName(),
                dir.resolve("keys-0").toString(), Integer.toString(keys), Long.toString(buffer))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
