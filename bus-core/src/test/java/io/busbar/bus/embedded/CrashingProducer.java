package io.busbar.bus.embedded;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusRecord;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Child-JVM side of {@link BusCrashTest}: opens the bus on args[0], then sends numbered records to topic "crash" (2
 * partitions, tiny segments and retention by size so segment rolls and deletions happen all the time) and prints
 * "ACK partition offset seq" for each record only after its future completed. Runs until killed. args[2]
 * {@code true}: with the log journal, in 4 KiB files.
 */
public final class CrashingProducer {
    private CrashingProducer() {
    }

    /** The bus's configuration, for the producing child and for the parent's check after each kill. */
    static BusConfig config(Path dir, boolean journal) {
        return BusConfig.builder(dir).logJournal(journal).logJournalFileBytes(4096).build();
    }

    public static void main(String[] args) {
        long firstSeq = Long.parseLong(args[1]);
        PrintStream out = new PrintStream(System.out, false);
        try (Bus bus = Bus.open(config(Path.of(args[0]), Boolean.parseBoolean(args[2])))) {
            bus.admin().createTopicIfAbsent("crash", 2, Map.of("segment.bytes", "4096", "index.interval.bytes", "256"));
            out.println("READY");
            out.flush();
            for (long seq = firstSeq; ; seq++) {
                long s = seq;
                bus.producer().send("crash", BusRecord.of(Long.toString(s % 7), "record-" + s)).whenComplete((md, e) -> {
                    if (e == null) {
                        synchronized (out) {
                            out.println("ACK " + md.partition() + " " + md.offset() + " " + s);
                            out.flush();
                        }
                    }
                });
                if (seq % 64 == 0) {
                    bus.producer().flush();
                }
            }
        }
    }
}
