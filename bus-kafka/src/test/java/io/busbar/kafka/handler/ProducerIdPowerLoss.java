package io.busbar.kafka.handler;

import io.busbar.bus.powerloss.PowerLossFileSystemProvider;

import java.nio.file.Path;
import java.util.Random;

/**
 * Child-JVM side of {@link ProducerIdAllocatorPowerLossTest}, run with the power-loss file system installed: hands out
 * producer ids across block boundaries until a random file operation cuts the power, then checks that the next
 * allocator (after the "reboot") never hands out an id given before. Prints {@code OK cycles=N maxId=N} and exits 0,
 * or the failure and exits 1. Arguments: state directory, cycles, seed.
 */
public final class ProducerIdPowerLoss {
    private ProducerIdPowerLoss() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int cycles = Integer.parseInt(args[1]);
        long seed = Long.parseLong(args[2]);
        Random random = new Random(seed);
        PowerLossFileSystemProvider power = PowerLossFileSystemProvider.installed();
        power.track(dir, seed);
        long maxGiven = -1;
        try {
            for (int cycle = 0; cycle < cycles; cycle++) {
                power.powerOn();
                power.armAfter(1 + random.nextInt(40));
                try {
                    ProducerIdAllocator allocator = new ProducerIdAllocator(dir.resolve("kafka"));
                    for (int i = 0; i < 5 * ProducerIdAllocator.BLOCK; i++) {
                        long id = allocator.nextId();
                        if (id <= maxGiven) {
                            throw new AssertionError("producer id " + id + " handed out again (highest before: " + maxGiven
                                    + ") in cycle " + cycle);
                        }
                        maxGiven = id;
                    }
                } catch (RuntimeException e) {
                    if (!power.powerLost()) {
                        throw e;
                    }
                }
                if (!power.powerLost()) {
                    power.cutPower();
                }
            }
            System.out.println("OK cycles=" + cycles + " maxId=" + maxGiven);
            System.exit(0);
        } catch (Throwable e) {
            System.out.println("FAIL seed=" + seed + ": " + e);
            e.printStackTrace(System.out);
            System.exit(1);
        }
    }
}
