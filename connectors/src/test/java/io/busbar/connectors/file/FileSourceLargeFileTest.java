package io.busbar.connectors.file;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.TestBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Files far larger than the heap are streamed into a topic by a child JVM with {@code -Xmx128m}: a 200 MiB
 * lines file in the normal build; 200 MiB and 1 GiB CSV files (quoted, multi-line, non-ASCII fields) under
 * {@code -Psoak}, as CSV ingestion of 200 MiB takes over a minute on the shared 2-core build machine. Every record
 * arrives; the child's largest live heap after GC and its peak heap are printed.
 */
class FileSourceLargeFileTest {

    private static final String HEAP = "128m";

    @TempDir
    Path dataDir;
    @TempDir
    Path inbox;

    @Test
    void streams200MibLinesFileWith128MibHeap() throws Exception {
        long lines = generateLines(inbox.resolve("orders.csv"), 200L * 1024 * 1024);
        ingestWithBoundedHeap(200L * 1024 * 1024, lines, "lines");
    }

    @Test
    @Tag("soak")
    void streams200MibCsvWith128MibHeap() throws Exception {
        long rows = generateCsv(inbox.resolve("orders.csv"), 200L * 1024 * 1024);
        ingestWithBoundedHeap(200L * 1024 * 1024, rows, "csv");
    }

    @Test
    @Tag("soak")
    void streams1GibCsvWith128MibHeap() throws Exception {
        long rows = generateCsv(inbox.resolve("orders.csv"), 1024L * 1024 * 1024);
        ingestWithBoundedHeap(1024L * 1024 * 1024, rows, "csv");
    }

    private void ingestWithBoundedHeap(long bytes, long rows, String format) throws Exception {
        String options = "topic=orders&format=" + format + "&batchRecords=5000&readLockCheckInterval=200&delay=100"
                + ("csv".equals(format) ? "&keyField=id" : "");
        String done;
        try (ChildJvm child = new ChildJvm(HEAP, dataDir, inbox, options, true)) {
            assertThat(child.waitFor(600)).as("output: %s", child.output()).isZero();
            done = child.line("DONE");
        }
        long heapPeak = Long.parseLong(done.replaceAll(".*heapPeakBytes=(\\d+).*", "$1"));
        long live = Long.parseLong(done.replaceAll(".*liveAfterGcMaxBytes=(\\d+).*", "$1"));
        System.out.printf("file-source: %d MiB %s file, %d records, -Xmx%s, live heap after GC at most %d MiB, peak heap %d MiB%n",
                bytes >> 20, format, rows, HEAP, live >> 20, heapPeak >> 20);
        // what stays live is the reader's buffer, at most two batches and the bus's own append buffers, whatever
        // the file's size; the hard bound is -Xmx (an OutOfMemoryError fails the child)
        assertThat(live).as("largest live heap after GC").isLessThan(120L * 1024 * 1024);
        assertThat(heapPeak).isLessThanOrEqualTo(128L * 1024 * 1024);
        assertThat(inbox.resolve(".done/orders.csv")).exists();
        try (Bus bus = TestBackend.EMBEDDED.open(BusConfig.builder(dataDir).build())) {
            assertThat(FileTestBus.count(bus, "orders")).isEqualTo(rows);
        }
    }

    /** Lines of ~80 bytes; returns the line count. */
    static long generateLines(Path file, long bytes) throws IOException {
        long lines = 0;
        long written = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            while (written < bytes) {
                byte[] line = ("order " + lines + " customer-" + (lines % 5000) + " Seoul item-" + (lines % 977)
                        + " quantity " + (lines % 9 + 1) + " 서울 배송\n").getBytes(StandardCharsets.UTF_8);
                out.write(line);
                written += line.length;
                lines++;
            }
        }
        return lines;
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
