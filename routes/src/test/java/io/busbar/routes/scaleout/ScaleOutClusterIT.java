package io.busbar.routes.scaleout;

import io.busbar.bus.kafka.KafkaClusterProcess;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scaling out on Apache Kafka (issue 9), end to end with real processes only: a 3-node KRaft cluster (Apache Kafka
 * 3.9, replication factor 3, min.insync.replicas 2) and two Busbar runtimes started by {@code bin/busbar}, running the
 * same pipelines ({@code src/test/resources/scaleout}): a file source held by {@code LeaderRoutePolicy} (one instance
 * watches the inbox) into a topic of 4 partitions, and a consumer-group route on both instances writing what it
 * processed to a file per instance.
 *
 * <p>Input is dropped continuously. One broker (the consumer group's coordinator) is SIGKILLed, then the instance
 * leading the source is. Every record must end up processed at least once, no file may be ingested by both instances,
 * and the surviving instance must take over the source: it leads the election and ingests what is dropped after the
 * kill. Runs after package (failsafe): the instances are the packaged launcher.
 */
class ScaleOutClusterIT {

    private static final Path HOME = Path.of(System.getProperty("busbar.home", "..")).toAbsolutePath().normalize();
    private static final List<String> INSTANCES = List.of("a", "b");
    private static final int RECORDS_PER_FILE = 10;
    private static final Duration DROP_PERIOD = Duration.ofMillis(100);
    /** Records processed between two events of the scenario, to show the pipeline moves on. */
    private static final int PROGRESS = 300;

    @TempDir
    Path dir;

    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String topic = "records-" + suffix;
    private final String group = "processors-" + suffix;
    private final String leaderName = "inbox-" + suffix;
    private final Map<String, BusbarProcess> instances = new LinkedHashMap<>();
    private KafkaClusterProcess cluster;
    private Admin admin;
    private InboxFeeder feeder;
    private OutputFiles output;

    @AfterEach
    void stopEverything() throws Exception {
        if (feeder != null) {
            feeder.close();
        }
        for (BusbarProcess instance : instances.values()) {
            instance.stop();
        }
        if (admin != null) {
            admin.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyRecordIsProcessedAcrossABrokerKillAndAnInstanceKillAndTheSourceMovesToTheSurvivor() throws Exception {
        try {
            runScenario();
        } catch (AssertionError | Exception e) {
            throw new AssertionError(e.getMessage() + "\n" + state() + childLogTails(), e);
        }
    }

    private void runScenario() throws Exception {
        long start = System.nanoTime();
        cluster = KafkaClusterProcess.start(dir.resolve("kafka"), 3);
        double clusterUp = secondsSince(start);
        Path inbox = dir.resolve("inbox");
        Path out = Files.createDirectories(dir.resolve("out"));
        output = new OutputFiles(out);
        for (String name : INSTANCES) {
            instances.put(name, BusbarProcess.start(name, HOME, dir.resolve("instance-" + name), pipelines(),
                    settings(name, inbox, out)));
        }
        admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers(),
                "request.timeout.ms", 10_000, "default.api.timeout.ms", 20_000));
        awaiting("both instances in both groups, exactly one leading the source", 2).atMost(Duration.ofSeconds(180))
                .until(() -> members("busbar-leader-" + leaderName) == 2 && members(group) == 2
                        && stable("busbar-leader-" + leaderName) && leaders().size() == 1);

        String firstLeader = leaders().get(0);
        long firstElections = instances.get(firstLeader).timesElected(leaderName);
        feeder = new InboxFeeder(dir.resolve("staging"), inbox, RECORDS_PER_FILE);
        feeder.start(DROP_PERIOD);
        awaitProgress(0, "before any kill", 2);
        // nothing failed yet: the lead stayed where it was, and only that instance wrote to the topic (each instance
        // has one producer; a watcher running on the other instance too would show up as a second one)
        assertThat(leaders()).as("instances leading the source, nothing having failed").containsExactly(firstLeader);
        assertThat(instances.get(firstLeader).timesElected(leaderName)).as("elections of %s", firstLeader)
                .isEqualTo(firstElections);
        assertThat(producersOf(topic)).as("producers that wrote to %s while %s led", topic, firstLeader).hasSize(1);
        // topics Busbar created on the cluster carry the configured replication factor (3)
        assertThat(replicaCounts(topic, "__connector_positions")).as("replicas per partition of Busbar's topics")
                .containsOnly(3);

        int broker = coordinator(group);
        cluster.kill(broker);
        long brokerKilledAt = System.nanoTime();
        awaitProgress(distinctProcessed(), "with broker " + broker + " dead", 2);
        double progressAfterBrokerKill = secondsSince(brokerKilledAt);

        // the broker's death may have moved the election's coordinator, and with it the lead: wait until it settled
        awaiting("exactly one instance leading the source after the broker kill", 2).atMost(Duration.ofSeconds(60))
                .until(() -> members("busbar-leader-" + leaderName) == 2 && leaders().size() == 1);
        String leader = leaders().get(0);
        String survivor = INSTANCES.stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        long electionsBefore = instances.get(survivor).timesElected(leaderName);
        instances.get(leader).kill();
        long instanceKilledAt = System.nanoTime();

        awaiting("the survivor " + survivor + " leads and ingests files dropped after the kill", 1)
                .atMost(Duration.ofSeconds(120))
                .until(() -> instances.get(survivor).timesElected(leaderName) > electionsBefore
                        && ingestedAfter(survivor, instanceKilledAt) > 0);
        double sourceFailover = secondsSince(instanceKilledAt);
        awaiting("the survivor " + survivor + " ingests new input on its own", 1).atMost(Duration.ofSeconds(60))
                .until(() -> ingestedAfter(survivor, instanceKilledAt) >= 20);
        feeder.close();

        Set<String> expected = feeder.records();
        awaiting("every record processed", 1).atMost(Duration.ofSeconds(180))
                .until(() -> output.processedByAny(INSTANCES).containsAll(expected));
        double drained = secondsSince(instanceKilledAt);
        // a file leaves the inbox just before the route logs it as ingested: wait for both. Only files dropped
        // after the kill are sure to be logged: the killed leader may have died between moving a file and logging it
        List<String> afterKill = feeder.filesDroppedAfter(instanceKilledAt);
        awaiting("every file out of the inbox, and every file dropped after the kill ingested by the survivor "
                + survivor, 1).atMost(Duration.ofSeconds(60))
                .until(() -> inboxFiles(inbox) == 0 && output.ingested(survivor).containsAll(afterKill));

        assertThat(feeder.failure()).as("dropping input failed").isNull();
        Set<String> processed = output.processedByAny(INSTANCES);
        assertThat(processed).as("records processed (none lost)").containsAll(expected);
        assertThat(processed).as("only records that were dropped").hasSameSizeAs(expected);
        Set<String> ingestedTwice = new HashSet<>(output.ingested(leader));
        ingestedTwice.retainAll(output.ingested(survivor));
        assertThat(ingestedTwice).as("files ingested by both instances: the source ran on one at a time").isEmpty();
        assertThat(output.ingested(leader)).as("files ingested by %s while it led", leader).isNotEmpty();
        for (String instance : INSTANCES) {
            assertThat(output.processed(instance)).as("records processed by %s: the group shares the work", instance)
                    .isNotEmpty();
        }
        assertThat(instances.get(survivor).leads(leaderName)).as("the survivor leads the source").isTrue();
        assertThat(members("busbar-leader-" + leaderName)).as("members of the election: the survivor only").isEqualTo(1);

        long lines = output.processedLines(INSTANCES);
        System.out.printf("ScaleOutClusterIT: cluster up in %.1f s; %d records in %d files; processed lines %d"
                        + " (%s %d, %s %d), %d duplicates; files ingested: %s %d, %s %d; broker %d (coordinator of"
                        + " the group) killed: +%d records %.1f s later; leader %s killed: survivor %s ingesting"
                        + " %.1f s later, all processed %.1f s later; scenario %.1f s%n",
                clusterUp, expected.size(), feeder.drops().size(), lines, leader, output.processed(leader).size(),
                survivor, output.processed(survivor).size(), lines - expected.size(), leader,
                output.ingested(leader).size(), survivor, output.ingested(survivor).size(), broker, PROGRESS,
                progressAfterBrokerKill, leader, survivor, sourceFailover, drained, secondsSince(start));
    }

    private List<String> settings(String name, Path inbox, Path out) {
        return List.of(
                "busbar.bus.backend=kafka",
                "busbar.kafka.bootstrap.servers=" + cluster.bootstrapServers(),
                "busbar.kafka.replication.factor=3",
                "busbar.topics.default.partitions=4",
                // LeaderRoutePolicy refuses routes reloaded into a running context
                "busbar.reload.enabled=false",
                "busbar.admin.enabled=false",
                "busbar.kafka.enabled=false",
                "busbar.data.dir=" + dir.resolve("instance-" + name).resolve("data"),
                "app.instance=" + name,
                "app.inbox=" + inbox,
                "app.out=" + out,
                "app.topic=" + topic,
                "app.group=" + group,
                "app.leader.name=" + leaderName);
    }

    private Path pipelines() throws URISyntaxException {
        return Path.of(getClass().getResource("/scaleout/ingest.yaml").toURI()).getParent();
    }

    /**
     * An await that stops at once when an instance dies unexpectedly or the feeder fails (one condition: Awaitility
     * keeps only the last fail-fast condition given).
     */
    private ConditionFactory awaiting(String what, int liveInstances) {
        return await(what).pollInterval(Duration.ofMillis(200)).pollDelay(Duration.ZERO)
                .failFast("a Busbar instance died or dropping input failed", () ->
                        instances.values().stream().filter(BusbarProcess::isAlive).count() < liveInstances
                                || feeder != null && feeder.failure() != null);
    }

    private void awaitProgress(int from, String phase, int liveInstances) {
        awaiting(PROGRESS + " more records processed " + phase, liveInstances).atMost(Duration.ofSeconds(120))
                .until(() -> distinctProcessed() >= from + PROGRESS);
    }

    private int distinctProcessed() throws IOException {
        return output.processedByAny(INSTANCES).size();
    }

    private long ingestedAfter(String instance, long nanos) throws IOException {
        Set<String> after = new HashSet<>(feeder.filesDroppedAfter(nanos));
        return output.ingested(instance).stream().filter(after::contains).count();
    }

    /** The instances whose logs say they lead the source now. */
    private List<String> leaders() throws IOException {
        List<String> leading = new ArrayList<>();
        for (BusbarProcess instance : instances.values()) {
            if (instance.isAlive() && instance.leads(leaderName)) {
                leading.add(instance.name());
            }
        }
        return leading;
    }

    /** The replica count of every partition of these topics. */
    private Set<Integer> replicaCounts(String... topicNames) throws Exception {
        Set<Integer> counts = new HashSet<>();
        admin.describeTopics(List.of(topicNames)).allTopicNames().get(20, TimeUnit.SECONDS).values()
                .forEach(d -> d.partitions().forEach(p -> counts.add(p.replicas().size())));
        return counts;
    }

    /** Ids of the producers that wrote to the topic (the partition leaders keep them for a day). */
    private Set<Long> producersOf(String topicName) throws Exception {
        int partitions = admin.describeTopics(List.of(topicName)).allTopicNames().get(20, TimeUnit.SECONDS)
                .get(topicName).partitions().size();
        List<TopicPartition> tps = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topicName, p)).toList();
        Set<Long> ids = new HashSet<>();
        admin.describeProducers(tps).all().get(20, TimeUnit.SECONDS).values()
                .forEach(state -> state.activeProducers().forEach(p -> ids.add(p.producerId())));
        return ids;
    }

    private int members(String groupId) throws Exception {
        return describe(groupId).members().size();
    }

    /** The group is not rebalancing: what its members were assigned is what they hold. */
    private boolean stable(String groupId) throws Exception {
        return describe(groupId).state() == org.apache.kafka.common.ConsumerGroupState.STABLE;
    }

    private int coordinator(String groupId) throws Exception {
        return describe(groupId).coordinator().id();
    }

    private ConsumerGroupDescription describe(String groupId) throws Exception {
        return admin.describeConsumerGroups(List.of(groupId)).all().get(20, TimeUnit.SECONDS).get(groupId);
    }

    private static long inboxFiles(Path inbox) throws IOException {
        try (Stream<Path> files = Files.list(inbox)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    /** What each instance wrote and who holds which partitions, for failure messages. */
    private String state() {
        StringBuilder s = new StringBuilder("--- state ---\n");
        for (String instance : instances.keySet()) {
            try {
                s.append(instance).append(": processed ").append(output.processed(instance).size())
                        .append(" lines, ingested ").append(output.ingested(instance).size()).append(" files\n");
            } catch (IOException | RuntimeException e) {
                s.append(instance).append(": output unreadable: ").append(e).append('\n');
            }
        }
        for (String groupId : List.of(group, "busbar-leader-" + leaderName)) {
            try {
                ConsumerGroupDescription d = describe(groupId);
                s.append("group ").append(groupId).append(' ').append(d.state()).append(", coordinator ")
                        .append(d.coordinator().id()).append(':');
                d.members().forEach(m -> s.append(' ').append(m.clientId()).append('=')
                        .append(m.assignment().topicPartitions()));
                s.append('\n');
            } catch (Exception e) {
                s.append("group ").append(groupId).append(": not described: ").append(e).append('\n');
            }
        }
        return s.toString();
    }

    private String childLogTails() {
        StringBuilder s = new StringBuilder();
        for (BusbarProcess instance : instances.values()) {
            try {
                s.append("--- Busbar instance ").append(instance.name()).append(" (last 80 lines) ---\n")
                        .append(instance.tail(80)).append('\n');
            } catch (IOException e) {
                s.append("(log of ").append(instance.name()).append(" unreadable: ").append(e).append(")\n");
            }
        }
        if (cluster != null) {
            for (int node = 1; node <= cluster.size(); node++) {
                s.append("--- Kafka node ").append(node).append(cluster.isAlive(node) ? "" : " (dead)")
                        .append(" (last 30 lines) ---\n").append(tail(cluster.log(node), 30)).append('\n');
            }
        }
        return s.toString();
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
