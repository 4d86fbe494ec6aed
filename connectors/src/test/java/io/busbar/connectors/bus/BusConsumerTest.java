package io.busbar.connectors.bus;

import io.busbar.bus.BusRecord;
import io.busbar.bus.ConsumedRecord;
import io.busbar.bus.Header;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BusConsumerTest extends BusTestSupport {

    @Override
    public boolean isUseRouteBuilder() {
        return false;
    }

    @Test
    void deliversEachRecordWithItsKeyPositionAndOnlyTheUsersHeaders() throws Exception {
        produce("orders", "c-1", "first", Header.of("customer", "ACME"), Header.of("CamelFileName", "../../etc/passwd"),
                Header.of("cAMELexecCommandExecutable", "sh"));
        produce("orders", null, "second");
        MockEndpoint out = getMockEndpoint("mock:out");
        out.expectedBodiesReceived("first", "second");
        addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:orders?groupId=billing").convertBodyTo(String.class).to("mock:out");
            }
        });

        out.assertIsSatisfied(20_000);
        Exchange first = out.getExchanges().get(0);
        assertThat(first.getMessage().getHeader(BusConstants.KEY)).isEqualTo("c-1");
        assertThat(first.getMessage().getHeader(BusConstants.TOPIC)).isEqualTo("orders");
        assertThat(first.getMessage().getHeader(BusConstants.PARTITION)).isEqualTo(0);
        assertThat(first.getMessage().getHeader(BusConstants.OFFSET)).isEqualTo(0L);
        assertThat(first.getMessage().getHeader(BusConstants.TIMESTAMP, Long.class)).isPositive();
        assertThat(first.getMessage().getHeader("customer")).isEqualTo("ACME");
        assertThat(first.getMessage().getHeaders()).doesNotContainKeys("CamelFileName", "cAMELexecCommandExecutable");
        assertThat(out.getExchanges().get(1).getMessage().getHeader(BusConstants.KEY)).isNull();
    }

    @Test
    void keepsOrderWithinEachPartitionAcrossConcurrentConsumers() throws Exception {
        bus.admin().createTopic("ordered", 3, Map.of());
        int keys = 9;
        int perKey = 40;
        for (int i = 0; i < perKey; i++) {
            for (int k = 0; k < keys; k++) {
                bus.producer().send("ordered", BusRecord.of("key-" + k, Integer.toString(i)));
            }
        }
        bus.producer().flush();
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        AtomicInteger total = new AtomicInteger();
        addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:ordered?groupId=sorter&concurrency=3&maxPollRecords=7").process(e -> {
                    String key = e.getMessage().getHeader(BusConstants.KEY, String.class);
                    seen.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()))
                            .add(Integer.parseInt(e.getMessage().getBody(String.class)));
                    total.incrementAndGet();
                });
            }
        });

        await().atMost(Duration.ofSeconds(60)).until(() -> total.get() >= keys * perKey);
        assertThat(seen).hasSize(keys);
        for (List<Integer> values : seen.values()) {
            // at-least-once may repeat a suffix after a rebalance, but never reorders: keep first occurrences
            List<Integer> firstSeen = values.stream().distinct().toList();
            assertThat(firstSeen).isSorted().hasSize(perKey);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> bus.admin().describeGroup("sorter").members().size() == 3);
    }

    @Test
    void redeliversAFailedRecordUntilItSucceedsAndCommitsPastIt() throws Exception {
        for (int i = 0; i < 6; i++) {
            produce("payments", null, "p" + i);
        }
        AtomicInteger failuresLeft = new AtomicInteger(2);
        List<String> processed = Collections.synchronizedList(new ArrayList<>());
        addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:payments?groupId=pay&maximumRedeliveries=3&redeliveryDelay=10&commitIntervalMs=0")
                        .convertBodyTo(String.class)
                        .process(e -> {
                            String body = e.getMessage().getBody(String.class);
                            if (body.equals("p3") && failuresLeft.getAndDecrement() > 0) {
                                throw new IllegalStateException("payment service down");
                            }
                            processed.add(body);
                        });
            }
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> committed("pay", "payments").getOrDefault(0, -1L) == 6L);
        assertThat(processed).containsExactly("p0", "p1", "p2", "p3", "p4", "p5");
        assertThat(bus.admin().describeTopic("payments.dlq").partitions().get(0).endOffset()).isZero();
    }

    @Test
    void sendsAPoisonRecordToTheDeadLetterTopicWithErrorHeadersAndMovesOn() throws Exception {
        produce("invoices", "k-a", "a");
        produce("invoices", "k-p", "poison", Header.of("source", "erp"));
        produce("invoices", "k-b", "b");
        MockEndpoint out = getMockEndpoint("mock:ok");
        out.expectedBodiesReceived("a", "b");
        addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                errorHandler(defaultErrorHandler().maximumRedeliveries(2).redeliveryDelay(0));
                from("bus:invoices?groupId=inv&maximumRedeliveries=1&redeliveryDelay=10")
                        .convertBodyTo(String.class)
                        .filter(body().isEqualTo("poison")).throwException(new IllegalArgumentException("bad invoice")).end()
                        .to("mock:ok");
            }
        });

        out.assertIsSatisfied(30_000);
        ConsumedRecord dead = readAll("invoices.dlq", 1).get(0);
        assertThat(dead.keyAsString()).isEqualTo("k-p");
        assertThat(dead.valueAsString()).isEqualTo("poison");
        assertThat(header(dead, "source")).isEqualTo("erp");
        assertThat(header(dead, BusConstants.DLQ_EXCEPTION_CLASS)).isEqualTo(IllegalArgumentException.class.getName());
        assertThat(header(dead, BusConstants.DLQ_EXCEPTION_MESSAGE)).isEqualTo("bad invoice");
        assertThat(header(dead, BusConstants.DLQ_ORIGINAL_TOPIC)).isEqualTo("invoices");
        assertThat(header(dead, BusConstants.DLQ_ORIGINAL_PARTITION)).isEqualTo("0");
        assertThat(header(dead, BusConstants.DLQ_ORIGINAL_OFFSET)).isEqualTo("1");
        // 2 deliveries by the consumer, each tried 1 + 2 times by the route's error handler
        assertThat(header(dead, BusConstants.DLQ_ATTEMPTS)).isEqualTo("6");
        assertThat(header(dead, BusConstants.DLQ_GROUP_ID)).isEqualTo("inv");
        await().atMost(Duration.ofSeconds(30)).until(() -> committed("inv", "invoices").getOrDefault(0, -1L) == 3L);
    }

    @Test
    void aRouteThatHandlesItsErrorsCommitsWithoutDeadLettering() throws Exception {
        produce("audit", null, "x");
        produce("audit", null, "y");
        MockEndpoint handled = getMockEndpoint("mock:handled");
        handled.expectedBodiesReceived("x", "y");
        addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                onException(IllegalStateException.class).handled(true).to("mock:handled");
                from("bus:audit?groupId=aud&commitIntervalMs=0").convertBodyTo(String.class)
                        .throwException(new IllegalStateException("always"));
            }
        });

        handled.assertIsSatisfied(20_000);
        await().atMost(Duration.ofSeconds(30)).until(() -> committed("aud", "audit").getOrDefault(0, -1L) == 2L);
        assertThat(bus.admin().describeTopic("audit.dlq").partitions().get(0).endOffset()).isZero();
    }

    @Test
    void stoppingTheRouteFinishesInFlightExchangesAndCommitsTheirOffsets() throws Exception {
        for (int i = 0; i < 20; i++) {
            produce("shipments", null, "s" + i);
        }
        AtomicInteger processed = new AtomicInteger();
        addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // commit interval far beyond the test: only the shutdown commit can store the offset
                from("bus:shipments?groupId=ship&commitIntervalMs=3600000").routeId("ship")
                        .process(e -> processed.incrementAndGet());
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> processed.get() == 20);
        assertThat(committed("ship", "shipments").getOrDefault(0, -1L)).isLessThan(20L);

        context.getRouteController().stopRoute("ship");

        assertThat(committed("ship", "shipments")).containsEntry(0, 20L);
    }

    @Test
    void resumesFromTheCommittedOffsetAfterARestartOfTheRoute() throws Exception {
        for (int i = 0; i < 5; i++) {
            produce("tasks", null, "t" + i);
        }
        List<String> processed = Collections.synchronizedList(new ArrayList<>());
        addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("bus:tasks?groupId=workers").routeId("workers")
                        .process(e -> processed.add(new String(e.getMessage().getBody(byte[].class), StandardCharsets.UTF_8)));
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> processed.size() == 5);
        context.getRouteController().stopRoute("workers");
        for (int i = 5; i < 8; i++) {
            produce("tasks", null, "t" + i);
        }

        context.getRouteController().startRoute("workers");

        await().atMost(Duration.ofSeconds(30)).until(() -> processed.size() == 8);
        assertThat(processed).containsExactly("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7");
    }
}
