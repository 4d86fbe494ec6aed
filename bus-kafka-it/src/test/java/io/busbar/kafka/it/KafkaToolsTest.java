package io.busbar.kafka.it;

import kafka.admin.ConfigCommand;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.DeleteRecordsCommand;
import org.apache.kafka.tools.GetOffsetShell;
import org.apache.kafka.tools.TopicCommand;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka 4.1.2's own command-line tools, run as their {@code main} (what {@code bin/kafka-*.sh} runs) against a
 * Busbar broker in a child JVM: kafka-topics, kafka-configs, kafka-get-offsets, kafka-delete-records and
 * kafka-consumer-groups. Exit codes are caught, output is captured and checked.
 */
class KafkaToolsTest {

    @TempDir
    static Path dir;
    private static ChildBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = ChildBroker.start(dir.resolve("bus"));
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    /** A tool's exit status, thrown instead of exiting the test JVM. */
    private static final class ToolExit extends RuntimeException {
        final int status;

        ToolExit(int status) {
            super("exit " + status, null, false, false);
            this.status = status;
        }
    }

    /** Runs a tool's main, returning its standard output; fails the test when it exits non-zero. */
    private static String run(Consumer<String[]> main, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        // the first exit counts: some tools catch the exception that stops them and exit again with 1
        AtomicInteger firstExit = new AtomicInteger(-1);
        Exit.setExitProcedure((status, message) -> {
            firstExit.compareAndSet(-1, status);
            throw new ToolExit(status);
        });
        int status = 0;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
            main.accept(args);
        } catch (ToolExit e) {
            status = firstExit.get();
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
            Exit.resetExitProcedure();
        }
        String output = out.toString(StandardCharsets.UTF_8);
        stdout.println("[tool] " + String.join(" ", args) + "\n" + output);
        assertThat(status).as("exit status of %s, output:%n%s", String.join(" ", args), output).isZero();
        return output;
    }

    private static String topics(String... args) {
        return run(TopicCommand::main, with(args));
    }

    private static String configs(String... args) {
        return run(ConfigCommand::main, with(args));
    }

    private static String getOffsets(String... args) {
        return run(GetOffsetShell::main, with(args));
    }

    private static String groups(String... args) {
        return run(ConsumerGroupCommand::main, with(args));
    }

    private static String deleteRecords(String... args) {
        return run(a -> {
            try {
                DeleteRecordsCommand.main(a);
            } catch (ToolExit e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, with(args));
    }

    private static String[] with(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = broker.bootstrap();
        System.arraycopy(args, 0, all, 2, args.length);
        return all;
    }

    private static void produce(String topic, int partition, long... timestamps) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            for (long ts : timestamps) {
                producer.send(new ProducerRecord<>(topic, partition, ts, "k", "v")).get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void topicsAndConfigs() {
        topics("--create", "--topic", "tools-topics", "--partitions", "2", "--replication-factor", "1",
                "--config", "message.timestamp.type=CreateTime", "--config", "segment.index.bytes=1048576");
        assertThat(topics("--describe", "--topic", "tools-topics"))
                .contains("PartitionCount: 2").contains("segment.index.bytes=1048576");

        configs("--alter", "--entity-type", "topics", "--entity-name", "tools-topics",
                "--add-config", "retention.ms=60000,compression.type=zstd");
        assertThat(configs("--describe", "--entity-type", "topics", "--entity-name", "tools-topics"))
                .contains("retention.ms=60000").contains("compression.type=zstd");
        configs("--alter", "--entity-type", "topics", "--entity-name", "tools-topics", "--delete-config", "compression.type");
        assertThat(configs("--describe", "--entity-type", "topics", "--entity-name", "tools-topics"))
                .contains("retention.ms=60000").doesNotContain("compression.type=zstd");

        topics("--alter", "--topic", "tools-topics", "--partitions", "3");
        assertThat(topics("--describe", "--topic", "tools-topics")).contains("PartitionCount: 3");
        topics("--delete", "--topic", "tools-topics");
        assertThat(topics("--list")).doesNotContain("tools-topics");
    }

    @Test
    void getOffsetsAndDeleteRecords() throws Exception {
        topics("--create", "--topic", "tools-offsets", "--partitions", "1");
        produce("tools-offsets", 0, 1_000, 9_000, 4_000, 9_000, 2_000);
        assertThat(getOffsets("--topic", "tools-offsets", "--time", "-1")).contains("tools-offsets:0:5");
        assertThat(getOffsets("--topic", "tools-offsets", "--time", "-3")).contains("tools-offsets:0:1");
        assertThat(getOffsets("--topic", "tools-offsets", "--time", "3000")).contains("tools-offsets:0:1");

        Path json = dir.resolve("delete.json");
        Files.writeString(json, "{\"version\":1,\"partitions\":[{\"topic\":\"tools-offsets\",\"partition\":0,\"offset\":3}]}");
        assertThat(deleteRecords("--offset-json-file", json.toString())).contains("low_watermark: 3");
        assertThat(getOffsets("--topic", "tools-offsets", "--time", "-2")).contains("tools-offsets:0:3");
    }

    @Test
    void consumerGroupsResetAndDeleteOffsets() throws Exception {
        topics("--create", "--topic", "tools-groups", "--partitions", "2");
        produce("tools-groups", 0, 1, 2, 3, 4);
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (Admin admin = Admin.create(p)) {
            admin.alterConsumerGroupOffsets("tools-g", Map.of(new TopicPartition("tools-groups", 0), new OffsetAndMetadata(3)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        assertThat(groups("--list")).contains("tools-g");
        assertThat(groups("--describe", "--group", "tools-g")).containsPattern("tools-groups\\s+0\\s+3\\s+4\\s+1");

        assertThat(groups("--reset-offsets", "--group", "tools-g", "--topic", "tools-groups:0", "--to-earliest", "--execute"))
                .containsPattern("tools-groups\\s+0\\s+0");
        assertThat(groups("--describe", "--group", "tools-g")).containsPattern("tools-groups\\s+0\\s+0\\s+4\\s+4");

        assertThat(groups("--delete-offsets", "--group", "tools-g", "--topic", "tools-groups"))
                .containsPattern("tools-groups\\s+0\\s+Successful");
        groups("--delete", "--group", "tools-g");
        assertThat(groups("--list")).doesNotContain("tools-g");
    }
}
