package io.busbar.kafka.txn;

import io.busbar.bus.CommittedOffset;
import io.busbar.bus.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransactionStateFileTest {

    @TempDir
    Path dir;

    @Test
    void everyFieldSurvivesAWriteAndALoad() {
        TransactionStateFile file = new TransactionStateFile(dir);
        TransactionMetadata m = new TransactionMetadata("orders-tx", 7, (short) 3, 60_000, 1000);
        m.state = TransactionState.PREPARE_COMMIT;
        m.startMs = 900;
        m.partitions.add(new TopicPartition("orders", 2));
        m.pendingOffsets.put("billing", new java.util.LinkedHashMap<>(Map.of(new TopicPartition("in", 0), new CommittedOffset(42, "meta"))));
        file.write(List.of(m, new TransactionMetadata("idle-tx", 8, (short) 0, 10_000, 5)));

        List<TransactionMetadata> loaded = file.load();
        assertThat(loaded).hasSize(2);
        TransactionMetadata back = loaded.get(0);
        assertThat(back.transactionalId).isEqualTo("orders-tx");
        assertThat(back.producerId).isEqualTo(7);
        assertThat(back.producerEpoch).isEqualTo((short) 3);
        assertThat(back.timeoutMs).isEqualTo(60_000);
        assertThat(back.state).isEqualTo(TransactionState.PREPARE_COMMIT);
        assertThat(back.startMs).isEqualTo(900);
        assertThat(back.lastUpdateMs).isEqualTo(1000);
        assertThat(back.partitions).containsExactly(new TopicPartition("orders", 2));
        assertThat(back.pendingOffsets).isEqualTo(Map.of("billing", Map.of(new TopicPartition("in", 0), new CommittedOffset(42, "meta"))));
        assertThat(loaded.get(1).state).isEqualTo(TransactionState.EMPTY);
    }

    @Test
    void aDamagedFileIsRefusedWithItsPathAndTheWayOut() throws Exception {
        TransactionStateFile file = new TransactionStateFile(dir);
        file.write(List.of(new TransactionMetadata("orders-tx", 7, (short) 3, 60_000, 1000)));
        byte[] bytes = Files.readAllBytes(file.path());
        bytes[10] ^= 0x55;
        Files.write(file.path(), bytes);
        assertThatThrownBy(file::load).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(file.path().toString()).hasMessageContaining("checksum mismatch")
                .hasMessageContaining("delete it to forget every open transaction");
    }

    @Test
    void noFileMeansNoTransactions() {
        assertThat(new TransactionStateFile(dir).load()).isEmpty();
    }
}
