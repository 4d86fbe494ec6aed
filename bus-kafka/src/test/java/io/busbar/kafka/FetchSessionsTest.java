package io.busbar.kafka;

import io.busbar.bus.BusRecord;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Incremental fetch sessions (KIP-227) at the protocol level: a full fetch opens a session, an incremental one answers
 * only the partitions with something new, forgotten partitions leave the session, and a wrong epoch or an unknown
 * session is refused so the client starts over. (Real clients use sessions in every consumer test of this module.)
 */
class FetchSessionsTest {

    private static final short VERSION = 12; // topics by name

    @TempDir
    Path dir;
    private TestBroker broker;
    private RawKafkaClient client;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir);
        broker.bus().admin().createTopic("t", 2, Map.of());
        broker.bus().producer().send("t", BusRecord.of("k", "first").withPartition(0)).join();
        client = new RawKafkaClient(broker.listener().address());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        broker.close();
    }

    private FetchResponseData fetch(int sessionId, int epoch, Map<Integer, Long> partitions, List<Integer> forgotten)
            throws Exception {
        FetchRequestData data = new FetchRequestData().setMaxWaitMs(0).setMinBytes(0).setMaxBytes(1 << 20)
                .setSessionId(sessionId).setSessionEpoch(epoch);
        if (!partitions.isEmpty()) {
            FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic().setTopic("t");
            partitions.forEach((p, offset) -> topic.partitions().add(new FetchRequestData.FetchPartition()
                    .setPartition(p).setFetchOffset(offset).setPartitionMaxBytes(1 << 20)));
            data.topics().add(topic);
        }
        if (!forgotten.isEmpty()) {
            data.forgottenTopicsData().add(new FetchRequestData.ForgottenTopic().setTopic("t").setPartitions(forgotten));
        }
        FetchResponse response = client.send(new FetchRequest.SimpleBuilder(data), VERSION);
        return response.data();
    }

    private static List<Integer> partitionsIn(FetchResponseData response) {
        List<Integer> partitions = new ArrayList<>();
        response.responses().forEach(t -> t.partitions().forEach(p -> partitions.add(p.partitionIndex())));
        return partitions;
    }

    @Test
    void anIncrementalFetchAnswersOnlyWhatChanged() throws Exception {
        FetchResponseData full = fetch(0, 0, Map.of(0, 0L, 1, 0L), List.of());
        assertThat(full.errorCode()).isEqualTo(Errors.NONE.code());
        int session = full.sessionId();
        assertThat(session).as("a full fetch with epoch 0 opens a session").isNotZero();
        assertThat(partitionsIn(full)).containsExactlyInAnyOrder(0, 1);

        // the client moved past the record of partition 0; nothing else is new
        FetchResponseData nothingNew = fetch(session, 1, Map.of(0, 1L), List.of());
        assertThat(nothingNew.sessionId()).isEqualTo(session);
        assertThat(partitionsIn(nothingNew)).isEmpty();

        broker.bus().producer().send("t", BusRecord.of("k", "second").withPartition(1)).join();
        FetchResponseData onlyPartition1 = fetch(session, 2, Map.of(), List.of());
        assertThat(partitionsIn(onlyPartition1)).containsExactly(1);
        assertThat(onlyPartition1.responses().get(0).partitions().get(0).records().sizeInBytes()).isPositive();

        // partition 1 forgotten: new records there are no longer answered
        FetchResponseData forgot = fetch(session, 3, Map.of(), List.of(1));
        assertThat(partitionsIn(forgot)).doesNotContain(1);
        broker.bus().producer().send("t", BusRecord.of("k", "third").withPartition(1)).join();
        assertThat(partitionsIn(fetch(session, 4, Map.of(), List.of()))).isEmpty();
        broker.bus().producer().send("t", BusRecord.of("k", "fourth").withPartition(0)).join();
        assertThat(partitionsIn(fetch(session, 5, Map.of(), List.of()))).containsExactly(0);
    }

    @Test
    void aWrongEpochOrAnUnknownSessionIsRefused() throws Exception {
        int session = fetch(0, 0, Map.of(0, 0L), List.of()).sessionId();
        assertThat(fetch(session, 7, Map.of(), List.of()).errorCode()).isEqualTo(Errors.INVALID_FETCH_SESSION_EPOCH.code());
        assertThat(fetch(session + 1 == 0 ? 2 : session + 1, 1, Map.of(), List.of()).errorCode())
                .isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND.code());
        // a sessionless full fetch (epoch -1) closes the session
        FetchResponseData sessionless = fetch(session, -1, Map.of(0, 0L), List.of());
        assertThat(sessionless.sessionId()).isZero();
        assertThat(partitionsIn(sessionless)).containsExactly(0);
        assertThat(fetch(session, 1, Map.of(), List.of()).errorCode()).isEqualTo(Errors.FETCH_SESSION_ID_NOT_FOUND.code());
    }
}
