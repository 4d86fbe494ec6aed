package io.busbar.kafka.txn;

import io.busbar.bus.CommittedOffset;
import io.busbar.bus.TopicPartition;
import io.busbar.bus.log.LogFiles;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The transaction coordinator's durable state: every transactional id's producer, epoch, state, partitions and
 * pending offsets, written whole to {@code transactions} with a CRC through {@link LogFiles#writeAtomically} (temp
 * file, fsync, atomic rename, directory fsync), so a crash leaves the previous or the new checkpoint, never a mix. Small: one entry per transactional id.
 * Not thread-safe: the coordinator's thread uses it.
 */
final class TransactionStateFile {

    private static final int FORMAT = 1;

    private final Path file;

    TransactionStateFile(Path stateDir) {
        this.file = stateDir.resolve("transactions");
    }

    Path path() {
        return file;
    }

    List<TransactionMetadata> load() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length < 4) {
                throw corrupt("shorter than its checksum");
            }
            CRC32C crc = new CRC32C();
            crc.update(bytes, 0, bytes.length - 4);
            if ((int) crc.getValue() != ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt()) {
                throw corrupt("checksum mismatch");
            }
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4));
            int format = in.readInt();
            if (format != FORMAT) {
                throw corrupt("format " + format + ", expected " + FORMAT);
            }
            int count = in.readInt();
            List<TransactionMetadata> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                TransactionMetadata m = new TransactionMetadata(in.readUTF(), in.readLong(), in.readShort(), in.readInt(), 0);
                m.state = TransactionState.values()[in.readByte()];
                m.startMs = in.readLong();
                m.lastUpdateMs = in.readLong();
                int partitions = in.readInt();
                for (int p = 0; p < partitions; p++) {
                    m.partitions.add(new TopicPartition(in.readUTF(), in.readInt()));
                }
                int groups = in.readInt();
                for (int g = 0; g < groups; g++) {
                    String group = in.readUTF();
                    int n = in.readInt();
                    Map<TopicPartition, CommittedOffset> offsets = new LinkedHashMap<>();
                    for (int o = 0; o < n; o++) {
                        offsets.put(new TopicPartition(in.readUTF(), in.readInt()), new CommittedOffset(in.readLong(), in.readUTF()));
                    }
                    m.pendingOffsets.put(group, offsets);
                }
                out.add(m);
            }
            return out;
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalStateException ise && ise.getMessage().startsWith("Transaction state file")) {
                throw ise;
            }
            throw new IllegalStateException("Transaction state file " + file + " is unreadable (" + e
                    + "); restore it from a backup, or delete it to forget every open transaction", e);
        }
    }

    void write(Collection<TransactionMetadata> all) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(FORMAT);
            out.writeInt(all.size());
            for (TransactionMetadata m : all) {
                out.writeUTF(m.transactionalId);
                out.writeLong(m.producerId);
                out.writeShort(m.producerEpoch);
                out.writeInt(m.timeoutMs);
                out.writeByte(m.state.ordinal());
                out.writeLong(m.startMs);
                out.writeLong(m.lastUpdateMs);
                out.writeInt(m.partitions.size());
                for (TopicPartition tp : m.partitions) {
                    out.writeUTF(tp.topic());
                    out.writeInt(tp.partition());
                }
                out.writeInt(m.pendingOffsets.size());
                for (Map.Entry<String, Map<TopicPartition, CommittedOffset>> g : m.pendingOffsets.entrySet()) {
                    out.writeUTF(g.getKey());
                    out.writeInt(g.getValue().size());
                    for (Map.Entry<TopicPartition, CommittedOffset> o : g.getValue().entrySet()) {
                        out.writeUTF(o.getKey().topic());
                        out.writeInt(o.getKey().partition());
                        out.writeLong(o.getValue().offset());
                        out.writeUTF(o.getValue().metadata() == null ? "" : o.getValue().metadata());
                    }
                }
            }
            out.flush();
            CRC32C crc = new CRC32C();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
            LogFiles.writeAtomically(file, bytes.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the transaction state to " + file + ": check the disk", e);
        }
    }

    private IllegalStateException corrupt(String why) {
        return new IllegalStateException("Transaction state file " + file + " is corrupt (" + why
                + "); restore it from a backup, or delete it to forget every open transaction");
    }
}
