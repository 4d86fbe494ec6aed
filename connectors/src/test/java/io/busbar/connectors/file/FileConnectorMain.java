package io.busbar.connectors.file;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A child-JVM runtime for the crash and memory tests: an embedded bus (fsync durability) and one file connector
 * kamelet route, as `busbar run` would host them. Prints {@code READY} once started; with {@code exitWhenDone}
 * it exits once the work is done (source: the inbox has no file left; sink: the group {@code archive} has
 * committed {@code expectedRecords}), printing {@code DONE heapPeakBytes=<n>}.
 *
 * <p>Usage: {@code FileConnectorMain <dataDir> <inbox> <kamelet options> <exitWhenDone>} (file-source), or
 * {@code FileConnectorMain <dataDir> sink:<expectedRecords> <kamelet options> <exitWhenDone>} (file-sink).
 */
public final class FileConnectorMain {

    private FileConnectorMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        boolean sink = args[1].startsWith("sink:");
        Path inbox = sink ? null : Path.of(args[1]);
        long expectedRecords = sink ? Long.parseLong(args[1].substring(5)) : 0;
        String options = args[2];
        boolean exitWhenDone = Boolean.parseBoolean(args[3]);
        try (Bus bus = Bus.open(BusConfig.builder(dataDir).build());
             DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("bus", bus);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(sink ? "kamelet:file-sink?" + options : "kamelet:file-source?directory=" + inbox + "&" + options)
                            .routeId("connector").to("log:done?level=DEBUG");
                }
            });
            Thread sampler = new Thread(FileConnectorMain::sampleLiveHeap, "live-heap-sampler");
            sampler.setDaemon(true);
            sampler.start();
            camel.start();
            System.out.println("READY");
            System.out.flush();
            while (true) {
                Thread.sleep(100);
                if (exitWhenDone && (sink ? committed(bus) >= expectedRecords : !hasFiles(inbox))) {
                    break;
                }
            }
            camel.stop();
            System.out.println("DONE heapPeakBytes=" + heapPeak() + " liveAfterGcMaxBytes=" + liveAfterGcMax);
            System.out.flush();
        }
    }

    private static long committed(Bus bus) {
        try {
            return bus.admin().describeGroup("archive").offsets().stream()
                    .mapToLong(io.busbar.bus.GroupDescription.PartitionOffsets::committedOffset).sum();
        } catch (io.busbar.bus.UnknownGroupException notYet) {
            return 0;
        }
    }

    private static boolean hasFiles(Path inbox) throws Exception {
        try (Stream<Path> files = Files.list(inbox)) {
            return files.anyMatch(p -> Files.isRegularFile(p) && !p.getFileName().toString().startsWith("."));
        }
    }

    private static volatile long liveAfterGcMax;

    /** Tracks the largest heap in use right after a collection: the live data, what the heap must hold. */
    private static void sampleLiveHeap() {
        while (true) {
            long live = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                    live += pool.getCollectionUsage().getUsed();
                }
            }
            liveAfterGcMax = Math.max(liveAfterGcMax, live);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Sum of the peak usage of the heap pools: an upper bound of the heap ever in use. */
    static long heapPeak() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak;
    }
}
