package io.busbar.routes;

import io.busbar.bus.Bus;
import io.busbar.bus.BusConfig;
import io.busbar.bus.BusRecord;
import io.busbar.bus.TopicDescription;
import io.busbar.bus.kafka.KafkaBrokerProcess;
import io.busbar.bus.kafka.KafkaBusConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class MigrateCommandTest {
    @TempDir
    Path dir;

    @Test
    void migratesAStoppedDataDirectoryToKafkaWithProgress() throws Exception {
        String topic = "cli-migrate-" + UUID.randomUUID().toString().substring(0, 8);
        try (Bus bus = Bus.open(BusConfig.builder(dir).build())) {
            bus.admin().createTopic(topic, 2, Map.of());
            for (int i = 0; i < 50; i++) {
                bus.producer().send(topic, BusRecord.of("k" + i, "v" + i));
            }
            bus.producer().flush();
        }
        String bootstrap = KafkaBrokerProcess.shared().bootstrapServers();
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new BusbarCommand());
        cli.setOut(new PrintWriter(out, true));
        int code = cli.execute("migrate", "--data-dir", dir.toString(), "--bootstrap-servers", bootstrap);
        assertThat(code).isZero();
        assertThat(out.toString()).contains("topic " + topic + ": 2 partitions, 50 records").contains("Migrated");
        try (Bus kafka = Bus.kafka(KafkaBusConfig.of(bootstrap))) {
            TopicDescription d = kafka.admin().describeTopic(topic);
            assertThat(d.partitions().stream().mapToLong(TopicDescription.PartitionDescription::endOffset).sum()).isEqualTo(50);
        }
    }

    @Test
    void refusesADirectoryWithoutABus() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new BusbarCommand());
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("migrate", "--data-dir", dir.resolve("nothing").toString(), "--bootstrap-servers", "127.0.0.1:1");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("No embedded bus in").contains("--data-dir");
    }
}
