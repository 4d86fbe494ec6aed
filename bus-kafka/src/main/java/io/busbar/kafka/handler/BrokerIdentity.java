package io.busbar.kafka.handler;

import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who this broker is to Kafka clients: node 0, the advertised host and port, and a cluster id kept in the data
 * directory so it survives restarts (clients compare it across reconnects). Immutable.
 */
public record BrokerIdentity(int nodeId, String host, int port, String clusterId) {

    public static final int NODE_ID = 0;

    /** Reads {@code kafka/cluster.id} under the data directory, creating it on first start. */
    static BrokerIdentity load(Path stateDir, String host, int port) {
        Path file = stateDir.resolve("cluster.id");
        try {
            Files.createDirectories(stateDir);
            String id;
            if (Files.exists(file)) {
                id = Files.readString(file, StandardCharsets.UTF_8).trim();
            } else {
                id = Uuid.randomUuid().toString();
                io.busbar.bus.log.LogFiles.writeAtomically(file, id.getBytes(StandardCharsets.UTF_8));
            }
            return new BrokerIdentity(NODE_ID, host, port, id);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the Kafka cluster id in " + file
                    + ": check that the data directory is writable", e);
        }
    }
}
