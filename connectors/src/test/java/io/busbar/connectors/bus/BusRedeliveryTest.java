package io.busbar.connectors.bus;

import io.busbar.bus.BusRecord;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A record waiting for its redelivery holds back only its own partition: the consumer does not sleep, the other
 * partitions keep flowing, and the waiting partition's later records still come after it, in order.
 */
class BusRedeliveryTest extends BusTestSupport {

    private final AtomicInteger poisonAttempts = new AtomicInteger();
    private final List<Integer> goodDoneAtEachPoisonAttempt = new CopyOnWriteArrayList<>();
    private final List<String> processed = new CopyOnWriteArrayList<>();
    private final AtomicInteger poisonAttemptsBeforeItsSuccessor = new AtomicInteger(-1);

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:work?groupId=workers&partitions=2&maximumRedeliveries=2&redeliveryDelay=1500"
                        + "&backoffMultiplier=1&commitIntervalMs=0")
                        .process(e -> {
                            String body = e.getMessage().getBody(String.class);
                            if (body.startsWith("poison")) {
                                goodDoneAtEachPoisonAttempt.add((int) processed.stream().filter(p -> p.startsWith("good")).count());
                                poisonAttempts.incrementAndGet();
                                throw new IllegalStateException("poison");
                            }
                            if (body.equals("after-poison")) {
                                poisonAttemptsBeforeItsSuccessor.set(poisonAttempts.get());
                            }
                            processed.add(body);
                        });
            }
        };
    }

    @Test
    void aRecordWaitingForItsRetryHoldsBackOnlyItsPartition() throws Exception {
        // partition 0: the poison, then a record that must wait for it; partition 1: good records sent after it failed
        bus.producer().send("work", BusRecord.of("p", "poison").withPartition(0)).join();
        bus.producer().send("work", BusRecord.of("p", "after-poison").withPartition(0)).join();
        await().atMost(Duration.ofSeconds(20)).until(() -> poisonAttempts.get() >= 1);
        for (int i = 0; i < 200; i++) {
            bus.producer().send("work", BusRecord.of("g", "good-" + i).withPartition(1));
        }
        bus.producer().flush();

        await().atMost(Duration.ofSeconds(30)).until(() -> poisonAttempts.get() == 3 && processed.contains("after-poison"));
        assertThat(goodDoneAtEachPoisonAttempt.get(1)).as("good records of the other partition done while the poison"
                + " waited 1.5 s for its first redelivery").isEqualTo(200);
        assertThat(poisonAttemptsBeforeItsSuccessor.get()).as("the poison's partition kept its order: the record after"
                + " it ran only once it was dead-lettered").isEqualTo(3);
        assertThat(readAll("work.dlq", 1)).hasSize(1);
    }
}
