package io.busbar.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** DescribeTopicPartitions (KIP-966): paged by a cursor in topic-name order, and through the AdminClient. */
class DescribeTopicPartitionsTest {

    @TempDir
    Path dir;
    private TestBroker broker;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir);
        admin = Admin.create(broker.adminProps());
        admin.createTopics(List.of(new NewTopic("b", 2, (short) 1), new NewTopic("a", 3, (short) 1),
                new NewTopic("c", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        admin.close();
        broker.close();
    }

    @Test
    void pagesThroughEveryTopicInNameOrderWithACursor() throws Exception {
        List<String> seen = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        DescribeTopicPartitionsRequestData.Cursor cursor = null;
        try (RawKafkaClient client = new RawKafkaClient(broker.listener().address())) {
            do {
                DescribeTopicPartitionsRequestData data = new DescribeTopicPartitionsRequestData()
                        .setResponsePartitionLimit(2).setCursor(cursor);
                DescribeTopicPartitionsResponse response = client.send(
                        new DescribeTopicPartitionsRequest.Builder(data), (short) 0);
                int size = 0;
                for (var topic : response.data().topics()) {
                    assertThat(topic.errorCode()).isEqualTo(Errors.NONE.code());
                    for (var p : topic.partitions()) {
                        seen.add(topic.name() + "-" + p.partitionIndex());
                        assertThat(p.replicaNodes()).containsExactly(p.leaderId());
                        assertThat(p.isrNodes()).containsExactly(p.leaderId());
                        size++;
                    }
                }
                pageSizes.add(size);
                DescribeTopicPartitionsResponseData.Cursor next = response.data().nextCursor();
                cursor = next == null ? null : new DescribeTopicPartitionsRequestData.Cursor()
                        .setTopicName(next.topicName()).setPartitionIndex(next.partitionIndex());
            } while (cursor != null);
        }
        // the bus's internal topics (__consumer_offsets, ...) are listed too, as Metadata lists them
        assertThat(seen.stream().filter(s -> !s.startsWith("__")).toList())
                .containsExactly("a-0", "a-1", "a-2", "b-0", "b-1", "c-0");
        assertThat(seen).isSorted().doesNotHaveDuplicates();
        assertThat(pageSizes).allMatch(n -> n == 2);
    }

    @Test
    void namedTopicsAnswerAndUnknownOnesCarryAnError() throws Exception {
        try (RawKafkaClient client = new RawKafkaClient(broker.listener().address())) {
            DescribeTopicPartitionsRequestData data = new DescribeTopicPartitionsRequestData()
                    .setTopics(List.of(new DescribeTopicPartitionsRequestData.TopicRequest().setName("c"),
                            new DescribeTopicPartitionsRequestData.TopicRequest().setName("missing")));
            DescribeTopicPartitionsResponse response = client.send(new DescribeTopicPartitionsRequest.Builder(data), (short) 0);
            assertThat(response.data().topics()).hasSize(2);
            var c = response.data().topics().find("c");
            assertThat(c.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(c.partitions()).hasSize(1);
            assertThat(c.topicId()).isEqualTo(admin.describeTopics(List.of("c")).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get("c").topicId());
            assertThat(response.data().topics().find("missing").errorCode())
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            assertThat(broker.bus().topic("missing")).isEmpty(); // never auto-created
        }
    }

    @Test
    void adminClientDescribesTopicsPageByPage() throws Exception {
        Map<String, TopicDescription> all = admin.describeTopics(List.of("a", "b", "c"),
                new DescribeTopicsOptions().partitionSizeLimitPerResponse(1)).allTopicNames().get(30, TimeUnit.SECONDS);
        assertThat(all.get("a").partitions()).hasSize(3);
        assertThat(all.get("b").partitions()).hasSize(2);
        assertThat(all.get("c").partitions()).hasSize(1);
        assertThat(all.get("a").partitions().get(2).leader().id()).isEqualTo(all.get("a").partitions().get(0).leader().id());
    }
}
