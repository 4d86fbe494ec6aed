package io.busbar.connectors.bus;

import io.busbar.bus.BusRecord;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The steps after {@code to: bus:} run on the component's worker pool, never on the log's threads (busbar-log-*),
 * which acknowledge every partition's appends: a step that blocks must not stall anyone else's acknowledgements.
 */
class BusProducerWorkerPoolTest extends BusTestSupport {

    private final Set<String> continuationThreads = ConcurrentHashMap.newKeySet();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch blocked = new CountDownLatch(4);

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:slow").to("bus:slow?partitions=4").process(e -> {
                    continuationThreads.add(Thread.currentThread().getName());
                    blocked.countDown();
                    release.await(30, TimeUnit.SECONDS); // a step that blocks: a slow HTTP call, a sleep, a lock
                });
            }
        };
    }

    @Test
    void aBlockingStepAfterABusSendDoesNotHoldBackOtherAppends() throws Exception {
        // more blocked continuations than the log has threads (2): on a log thread they would stall every ack
        List<CompletableFuture<Object>> slow = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            slow.add(template.asyncSendBody("direct:slow", "slow-" + i));
        }
        assertThat(blocked.await(30, TimeUnit.SECONDS)).as("the four steps are running (and blocked)").isTrue();

        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            acks.add(bus.producer().send("other", BusRecord.of("k" + (i % 7), "v" + i)));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

        assertThat(continuationThreads).isNotEmpty().noneMatch(name -> name.startsWith("busbar-log"));
        release.countDown();
        for (CompletableFuture<Object> f : slow) {
            f.get(30, TimeUnit.SECONDS);
        }
    }
}
