package io.busbar.connectors.bus;

import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With the default {@code maxInFlight} (many records in flight) a failed record is still retried in order: a failure
 * before the send leaves {@code b} exactly in order; a failure after it (the asynchronous part of the route) delivers the
 * records that had already started again after the retried one, so the last copy of each record follows its
 * predecessors.
 */
class BusInOrderRetryTest extends BusTestSupport {

    private static final int RECORDS = 50;
    private static final String POISON = "r-5";

    @Override
    public boolean isUseRouteBuilder() {
        return false;
    }

    @Test
    void aFailureBeforeTheSendIsRetriedInOrderWithoutDuplicates() throws Exception {
        preload();
        AtomicBoolean failed = new AtomicBoolean();
        addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:a?groupId=copier&redeliveryDelay=100&commitIntervalMs=0")
                        .process(e -> failOnce(e.getMessage().getBody(String.class), failed))
                        .to("bus:b");
            }
        });
        awaitCommitted();
        assertThat(values(readAll("b", RECORDS))).as("b holds each record once, in order")
                .containsExactlyElementsOf(expected());
        assertThat(failed).isTrue();
    }

    @Test
    void aFailureAfterTheSendDeliversTheStartedSuccessorsAgainAfterTheRetry() throws Exception {
        preload();
        AtomicBoolean failed = new AtomicBoolean();
        addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:a?groupId=copier&redeliveryDelay=100&commitIntervalMs=0")
                        .to("bus:b")
                        .process(e -> failOnce(e.getMessage().getBody(String.class), failed)); // on the worker pool
            }
        });
        awaitCommitted();
        List<String> b = values(readAll("b", RECORDS));
        // the position of each record's last copy: must grow with the source order
        Map<String, Integer> lastCopy = new LinkedHashMap<>();
        for (int i = 0; i < b.size(); i++) {
            lastCopy.put(b.get(i), i);
        }
        assertThat(lastCopy.keySet()).containsExactlyInAnyOrderElementsOf(expected());
        List<Integer> lastPositions = expected().stream().map(lastCopy::get).toList();
        assertThat(lastPositions).as("last copies in source order; b = %s", b).isSorted();
        assertThat(b.stream().filter(POISON::equals).count()).as("written, failed after the send, written again").isEqualTo(2);
    }

    private void preload() {
        bus.admin().createTopic("a", 1, Map.of());
        for (int i = 0; i < RECORDS; i++) {
            bus.producer().send("a", BusRecord.of("k", "r-" + i));
        }
        bus.producer().flush();
    }

    private static void failOnce(String body, AtomicBoolean failed) {
        if (POISON.equals(body) && failed.compareAndSet(false, true)) {
            throw new IllegalStateException("fails once: " + body);
        }
    }

    private void awaitCommitted() {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions() // the group appears with its first commit
                .until(() -> committed("copier", "a").getOrDefault(0, -1L) == RECORDS);
    }

    private static List<String> expected() {
        return IntStream.range(0, RECORDS).mapToObj(i -> "r-" + i).toList();
    }

    private static List<String> values(List<ConsumedRecord> records) {
        List<String> values = new ArrayList<>();
        records.forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
        return values;
    }
}
