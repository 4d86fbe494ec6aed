package io.busbar.kafka;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * kcat (librdkafka) against the listener: metadata, produce (lz4, as librdkafka negotiates it), consume, consume
 * through Fetch answers cut inside a batch (the byte slice Kafka sends).
 * Runs when kcat is on PATH; with CI=true a missing kcat fails the test (.ci/run installs it).
 */
class KcatTest {

    @TempDir
    Path dir;
    private TestBroker broker;

    @BeforeEach
    void start() {
        String kcat = findKcat();
        if (kcat == null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("kcat is not on PATH but CI=true: install it (apt-get install -y kcat), as .ci/run does");
            }
            assumeTrue(false, "kcat is not on PATH: install it (apt-get install -y kcat) to run this test");
        }
        broker = TestBroker.start(dir);
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static String findKcat() {
        for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(p, "kcat"))) {
                return Path.of(p, "kcat").toString();
            }
        }
        return null;
    }

    private String run(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("kcat");
        cmd.add("-b");
        cmd.add(broker.bootstrap());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("kcat " + String.join(" ", args) + " did not finish in 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("kcat %s failed: %s", String.join(" ", args), err).isZero();
        return out;
    }

    @Test
    void kcatListsProducesAndConsumes() throws Exception {
        broker.bus().admin().createTopic("kcat-topic", 2, java.util.Map.of());

        String metadata = run(null, "-L");
        assertThat(metadata).contains("topic \"kcat-topic\" with 2 partitions");

        run("k1:one\nk2:two\nk3:three\n", "-P", "-t", "kcat-topic", "-K", ":", "-z", "lz4",
                "-X", "partitioner=murmur2_random");
        long total = broker.bus().admin().describeTopic("kcat-topic").partitions().stream()
                .mapToLong(p -> p.endOffset()).sum();
        assertThat(total).isEqualTo(3);

        broker.bus().producer().send("kcat-topic", io.busbar.bus.BusRecord.of("k4", "four")).get(30, TimeUnit.SECONDS);
        String consumed = run(null, "-C", "-t", "kcat-topic", "-o", "beginning", "-e", "-q", "-f", "%k=%s\n");
        assertThat(consumed.lines().sorted().toList()).containsExactly("k1=one", "k2=two", "k3=three", "k4=four");
    }

    @Test
    void kcatReadsThroughFetchAnswersThatEndInsideABatch() throws Exception {
        broker.bus().admin().createTopic("kcat-cut", 1, java.util.Map.of());
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            input.append(i).append(':').append("x".repeat(1000)).append('\n');
        }
        // batches of at most 16 KiB: a 40,000-byte answer holds two whole ones and ends inside the third
        run(input.toString(), "-P", "-t", "kcat-cut", "-K", ":", "-X", "batch.size=16384", "-X", "linger.ms=100");
        io.busbar.bus.log.PartitionLog log = broker.bus().partitionLog(new io.busbar.bus.TopicPartition("kcat-cut", 0));
        org.apache.kafka.common.record.Records first = log.readSlice(0, 40_000, true).records();
        int whole = 0;
        for (org.apache.kafka.common.record.RecordBatch batch : first.batches()) {
            whole += batch.sizeInBytes(); // the iteration stops before the cut batch
        }
        assertThat(first.sizeInBytes()).isEqualTo(40_000);
        assertThat(whole).as("bytes of whole batches in the first answer").isLessThan(40_000);

        // librdkafka reads read_committed by default, which gets whole batches: read_uncommitted gets the slices
        for (String isolation : List.of("read_uncommitted", "read_committed")) {
            String consumed = run(null, "-C", "-t", "kcat-cut", "-o", "beginning", "-e", "-q", "-f", "%o %k\n",
                    "-X", "isolation.level=" + isolation, "-X", "fetch.message.max.bytes=40000",
                    "-X", "fetch.max.bytes=40000", "-X", "message.max.bytes=40000");
            List<String> lines = consumed.lines().toList();
            assertThat(lines).as(isolation).hasSize(3000);
            for (int i = 0; i < 3000; i++) {
                assertThat(lines.get(i)).as(isolation).isEqualTo(i + " " + i);
            }
        }
    }

    @Test
    void kcatBalancedConsumerCommitsAndResumesInAGroup() throws Exception {
        broker.bus().admin().createTopic("kcat-group", 1, java.util.Map.of());
        run("a:1\nb:2\nc:3\n", "-P", "-t", "kcat-group", "-K", ":");

        String first = run(null, "-G", "kcat-g", "-X", "auto.offset.reset=earliest", "-q", "-e", "-f", "%k=%s\n", "kcat-group");
        assertThat(first.lines().toList()).containsExactly("a=1", "b=2", "c=3");

        run("d:4\n", "-P", "-t", "kcat-group", "-K", ":");
        // the group committed offset 3 when the first consumer left: only the new record is read
        String second = run(null, "-G", "kcat-g", "-X", "auto.offset.reset=earliest", "-q", "-e", "-f", "%k=%s\n", "kcat-group");
        assertThat(second.lines().toList()).containsExactly("d=4");
        assertThat(broker.bus().groupCoordinator().fetchOffsets("kcat-g", null))
                .containsEntry(new io.busbar.bus.TopicPartition("kcat-group", 0), new io.busbar.bus.CommittedOffset(4, ""));
    }
}
