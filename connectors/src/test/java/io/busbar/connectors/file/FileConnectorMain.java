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
 * A child-JVM runtime for the crash and memory tests: an embedded bus (fsync durability) and one file-source
 * kamelet route, as `busbar run` would host them. Prints {@code READY} once started; with {@code exitWhenDone}
 * it exits once the inbox has no file left, printing {@code DONE heapPeakBytes=<n>}.
 *
 * <p>Usage: {@code FileConnectorMain <dataDir> <inbox> <kamelet options> <exitWhenDone>}
 */
public final class FileConnectorMain {

    private FileConnectorMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Path inbox = Path.of(args[1]);
        String options = args[2];
        boolean exitWhenDone = Boolean.parseBoolean(args[3]);
        try (Bus bus = Bus.open(BusConfig.builder(dataDir).build());
             DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("bus", bus);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("kamelet:file-source?directory=" + inbox + "&" + options).routeId("source").to("log:done?level=DEBUG");
                }
            });
            camel.start();
            System.out.println("READY");
            System.out.flush();
            while (true) {
                Thread.sleep(100);
                if (exitWhenDone && !hasFiles(inbox)) {
                    break;
                }
            }
            camel.stop();
            System.out.println("DONE heapPeakBytes=" + heapPeak());
            System.out.flush();
        }
    }

    private static boolean hasFiles(Path inbox) throws Exception {
        try (Stream<Path> files = Files.list(inbox)) {
            return files.anyMatch(p -> Files.isRegularFile(p) && !p.getFileName().toString().startsWith("."));
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
