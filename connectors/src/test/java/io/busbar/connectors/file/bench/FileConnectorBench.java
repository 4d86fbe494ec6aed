package io.busbar.connectors.file.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.GroupDescription;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Rows per second from a CSV file to rolling JSON-lines files, through the bus (file-source kamelet → topic →
 * file-sink kamelet) and point-to-point (one plain Camel route that parses the CSV with commons-csv and writes
 * the same durable, atomically renamed JSON-lines files, with no bus in the middle). Also each half alone: CSV →
 * topic, and topic → files. Durability FSYNC everywhere. Not a unit test; run with
 * {@code mvn -B -q -pl connectors -am verify -Pbench-file -DskipTests} (or the java command in docs/performance.md),
 * options -Dbench.rows=500000 -Dbench.runs=3. Results go to docs/performance.md, "File connectors".
 */
public final class FileConnectorBench {

    private static final int ROWS = Integer.getInteger("bench.rows", 500_000);
    private static final int RUNS = Integer.getInteger("bench.runs", 3);
    private static final int ROLL = 10_000;

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("file-bench");
        try {
            Path csv = work.resolve("orders.csv");
            long bytes = writeCsv(csv, ROWS);
            System.out.printf(Locale.ROOT, "File connector benchmark: %,d CSV rows (%,d bytes), %d cores, Java %s, %d runs%n",
                    ROWS, bytes, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), RUNS);
            System.out.println("| path | rows/s (median) | runs |");
            System.out.println("|---|---|---|");
            for (String path : List.of("point-to-point CSV → JSONL files (plain Camel route)", "bus: CSV → topic (file-source)",
                    "bus: topic → JSONL files (file-sink)", "bus: CSV → topic → JSONL files (both, concurrently)")) {
                double[] rates = new double[RUNS];
                for (int run = 0; run < RUNS; run++) {
                    Path dir = Files.createDirectories(work.resolve("run-" + path.hashCode() + "-" + run));
                    rates[run] = switch (path.charAt(0) == 'p' ? 0 : path.contains("both") ? 3 : path.contains("file-source") ? 1 : 2) {
                        case 0 -> pointToPoint(csv, dir);
                        case 1 -> busSource(csv, dir);
                        case 2 -> busSink(csv, dir);
                        default -> busEndToEnd(csv, dir);
                    };
                    delete(dir);
                }
                double[] sorted = rates.clone();
                java.util.Arrays.sort(sorted);
                StringBuilder all = new StringBuilder();
                for (double r : rates) {
                    all.append(all.length() == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%,.0f", r));
                }
                System.out.printf(Locale.ROOT, "| %s | %,.0f | %s |%n", path, sorted[RUNS / 2], all);
            }
        } finally {
            delete(work);
        }
    }

    /** The baseline: one route, file in, JSON-lines files out, fsync + rename per file, no bus. */
    private static double pointToPoint(Path csv, Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path out = Files.createDirectories(dir.resolve("out"));
        CountDownLatch done = new CountDownLatch(1);
        ObjectMapper mapper = new ObjectMapper();
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("file:" + in + "?noop=true&readLock=changed&readLockCheckInterval=100&delay=50").process(e -> {
                        csvToJsonLines(e, out, mapper);
                        done.countDown();
                    });
                }
            });
            camel.start();
            long start = System.nanoTime();
            Files.copy(csv, in.resolve("orders.csv"));
            done.await(30, TimeUnit.MINUTES);
            return ROWS * 1e9 / (System.nanoTime() - start);
        }
    }

    private static void csvToJsonLines(Exchange exchange, Path out, ObjectMapper mapper) throws IOException {
        Path file = Path.of(exchange.getIn().getBody(GenericFile.class).getAbsoluteFilePath());
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser parser = CSVParser.builder().setReader(reader)
                     .setFormat(CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()).get()) {
            List<String> header = parser.getHeaderNames();
            JsonLinesRoller roller = new JsonLinesRoller(out);
            for (CSVRecord record : parser) {
                ObjectNode node = mapper.createObjectNode();
                for (int i = 0; i < header.size(); i++) {
                    node.put(header.get(i), record.get(i));
                }
                roller.write(mapper.writeValueAsBytes(node));
            }
            roller.close();
        }
    }

    /** Writes JSON lines to a temp file, rolling every ROLL lines: fsync, rename, fsync the folder. */
    private static final class JsonLinesRoller {
        private final Path out;
        private Path temp;
        private FileChannel channel;
        private OutputStream stream;
        private int lines;
        private long fileNo;

        JsonLinesRoller(Path out) {
            this.out = out;
        }

        void write(byte[] json) throws IOException {
            if (stream == null) {
                temp = out.resolve(".part-" + fileNo + ".tmp");
                channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                stream = new BufferedOutputStream(Channels.newOutputStream(channel), 256 * 1024);
            }
            stream.write(json);
            stream.write('\n');
            if (++lines == ROLL) {
                roll();
            }
        }

        private void roll() throws IOException {
            stream.flush();
            channel.force(true);
            stream.close();
            Files.move(temp, out.resolve(String.format("part-%08d.jsonl", fileNo++)), StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel d = FileChannel.open(out, StandardOpenOption.READ)) {
                d.force(true);
            }
            stream = null;
            lines = 0;
        }

        void close() throws IOException {
            if (stream != null) {
                roll();
            }
        }
    }

    private static double busSource(Path csv, Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        try (Bus bus = Bus.open(BusConfig.builder(dir.resolve("data")).build());
             CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("bus", bus);
            CountDownLatch done = new CountDownLatch(1);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("kamelet:file-source?directory=" + in + "&topic=orders&format=csv&keyField=id"
                            + "&readLockCheckInterval=100&delay=50").process(e -> done.countDown());
                }
            });
            camel.start();
            long start = System.nanoTime();
            Files.copy(csv, in.resolve("orders.csv"));
            done.await(30, TimeUnit.MINUTES);
            return ROWS * 1e9 / (System.nanoTime() - start);
        }
    }

    private static double busSink(Path csv, Path dir) throws Exception {
        busSource(csv, dir); // fills the topic
        Path out = dir.resolve("out");
        try (Bus bus = Bus.open(BusConfig.builder(dir.resolve("data")).build());
             CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("bus", bus);
            camel.addRoutes(sinkRoute(out));
            long start = System.nanoTime();
            camel.start();
            awaitCommitted(bus, ROWS);
            return ROWS * 1e9 / (System.nanoTime() - start);
        }
    }

    private static double busEndToEnd(Path csv, Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path out = dir.resolve("out");
        try (Bus bus = Bus.open(BusConfig.builder(dir.resolve("data")).build());
             CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("bus", bus);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("kamelet:file-source?directory=" + in + "&topic=orders&format=csv&keyField=id"
                            + "&readLockCheckInterval=100&delay=50").to("log:source?level=DEBUG");
                }
            });
            camel.addRoutes(sinkRoute(out));
            camel.start();
            long start = System.nanoTime();
            Files.copy(csv, in.resolve("orders.csv"));
            awaitCommitted(bus, ROWS);
            return ROWS * 1e9 / (System.nanoTime() - start);
        }
    }

    private static RouteBuilder sinkRoute(Path out) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("kamelet:file-sink?topic=orders&groupId=archive&directory=" + out + "&rollRecords=" + ROLL
                        + "&rollIntervalMs=1000").to("log:sink?level=DEBUG");
            }
        };
    }

    private static void awaitCommitted(Bus bus, long rows) throws InterruptedException {
        while (true) {
            try {
                GroupDescription group = bus.admin().describeGroup("archive");
                long committed = group.offsets().stream().mapToLong(GroupDescription.PartitionOffsets::committedOffset).sum();
                if (committed >= rows) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // the group exists once the sink's consumer joined
            }
            Thread.sleep(20);
        }
    }

    private static long writeCsv(Path file, int rows) throws IOException {
        try (BufferedOutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write("id,customer,city,item,quantity,price,note\n".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < rows; i++) {
                String note = i % 10 == 0 ? "\"gift, wrap\"" : "서울 배송";
                out.write((i + ",customer-" + (i % 5000) + ",Seoul,item-" + (i % 977) + "," + (i % 9 + 1) + ","
                        + (i % 10_000) / 100.0 + "," + note + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return Files.size(file);
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
