package io.busbar.routes.admin;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.busbar.bus.Bus;
import io.busbar.bus.BusRecord;
import io.busbar.bus.TestBackend;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Replaying a dead letter reaches only the group (pipeline) that failed, never the other groups on the topic. */
class DeadLetterReplayTest {

    @TempDir
    Path dir;

    @Test
    void onlyTheFailingGroupSeesTheReplayedRecord() throws Exception {
        List<String> printed = new CopyOnWriteArrayList<>();
        List<String> archived = new CopyOnWriteArrayList<>();
        AtomicBoolean printerBroken = new AtomicBoolean(true);
        try (Bus bus = TestBackend.current().open(dir)) {
            bus.admin().createTopic("invoices", 1, Map.of());
            CamelContext camel = new DefaultCamelContext();
            camel.getRegistry().bind("bus", bus);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("bus:invoices?groupId=printer&maximumRedeliveries=0").routeId("printer")
                            .process(e -> {
                                String body = e.getMessage().getBody(String.class);
                                if (printerBroken.get() && body.equals("invoice-1")) {
                                    throw new IllegalStateException("printer out of paper");
                                }
                                printed.add(body);
                            });
                    from("bus:invoices?groupId=archive").routeId("archive")
                            .process(e -> archived.add(e.getMessage().getBody(String.class)));
                }
            });
            camel.start();
            try {
                bus.producer().send("invoices", BusRecord.of("k1", "invoice-1")).join();
                bus.producer().send("invoices", BusRecord.of("k2", "invoice-2")).join();
                DeadLetterOperations dlq = new DeadLetterOperations(bus);
                await().atMost(Duration.ofSeconds(30)).until(() -> archived.size() == 2 && printed.size() == 1
                        && dlq.list().stream().anyMatch(t -> t.topic().equals("invoices.dlq") && t.pending() == 1));

                DeadLetterOperations.DeadLetter dead = dlq.inspect("invoices",
                        ApiRequest.of("GET", "/api/dlq/invoices", Map.of(), null)).records().get(0);
                assertThat(dead.source()).isEqualTo("invoices-0@0");
                assertThat(dead.reason()).isEqualTo("printer out of paper");
                assertThat(dead.groupId()).isEqualTo("printer");
                assertThat(dead.record().key()).isEqualTo("k1");

                printerBroken.set(false); // the operator fixed the printer, then replays
                assertThat(dlq.replay("invoices", JsonNodeFactory.instance.objectNode()).replayed()).isEqualTo(1);
                bus.producer().send("invoices", BusRecord.of("k3", "invoice-3")).join();

                await().atMost(Duration.ofSeconds(30)).until(() -> printed.size() == 3 && archived.size() == 3);
                assertThat(printed).containsExactly("invoice-2", "invoice-1", "invoice-3");
                assertThat(archived).containsExactly("invoice-1", "invoice-2", "invoice-3");
            } finally {
                camel.stop();
            }
        }
    }
}
