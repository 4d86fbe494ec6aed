package io.busbar.connectors.file;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A CSV file far larger than the heap is streamed into a topic by a child JVM with {@code -Xmx128m}: 200 MiB in
 * the normal build, 1 GiB under {@code -Psoak}. Every row arrives; the child's peak heap is printed and checked.
 */
class FileSourceLargeFileTest {

    private static final String HEAP = "128m";

    @TempDir
    Path dataDir;
    @TempDir
    Path inbox;

    @Test
    @Tag("soak")
    void streams200MibCsvWith128MibHeap() throws Exception {
        ingestWithBoundedHeap(200L * 1024 * 1024);
    }

    @Test
    @Tag("soak")
    void streams1GibCsvWith128MibHeap() throws Exception {
        ingestWithBoundedHeap(1024L * 1024 * 1024);
    }

    private void ingestWithBoundedHeap(long bytes) throws Exception {
        long rows = generateCsv(inbox.resolve("orders.csv"), bytes);
        String options = "topic=orders&format=csv&keyField=id&batchRecords=5000&readLockCheckInterval=200&delay=100";
        String done;
        try (ChildJvm child = new ChildJvm(HEAP, dataDir, inbox, options, true)) {
            assertThat(child.waitFor(600)).as("output: %s", child.output()).isZero();
            done = child.line("DONE");
        }
        long heapPeak = Long.parseLong(done.substring(done.indexOf('=') + 1));
        System.out.printf("file-source: %d MiB CSV, %d rows, -Xmx%s, peak heap %d MiB%n",
                bytes >> 20, rows, HEAP, heapPeak >> 20);
        assertThat(heapPeak).isLessThanOrEqualTo(128L * 1024 * 1024);
        assertThat(inbox.resolve(".done/orders.csv")).exists();
        try (Bus bus = Bus.open(BusConfig.builder(dataDir).build())) {
            assertThat(FileTestBus.count(bus, "orders")).isEqualTo(rows);
        }
    }

    /** Rows of 8 columns, some quoted with commas, newlines and non-ASCII text; returns the row count. */
    static long generateCsv(Path file, long bytes) throws IOException {
        long rows = 0;
        long written = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            byte[] header = "id,customer,city,item,quantity,price,note,created\n".getBytes(StandardCharsets.UTF_8);
            out.write(header);
            written += header.length;
            while (written < bytes) {
                String note = rows % 10 == 0 ? "\"gift, wrap \"\"please\"\"\nthanks 😀\"" : "서울 배송";
                byte[] row = (rows + ",customer-" + (rows % 5000) + ",Seoul,item-" + (rows % 977) + "," + (rows % 9 + 1)
                        + "," + (rows % 10_000) / 100.0 + "," + note + ",2026-11-25T12:00:00Z\n").getBytes(StandardCharsets.UTF_8);
                out.write(row);
                written += row.length;
                rows++;
            }
        }
        return rows;
    }
}
